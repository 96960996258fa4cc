/**
 * c15t's backend (@c15t/backend 2.2.1) in its best local setup: Node 22, SQLite in memory through
 * Kysely and better-sqlite3 (seed.mjs: c15t's schema, two indexes, SUBJECTS subjects), served by
 * Hono's own Node adapter. Prints its port once it is listening.
 */
import { serve } from "@hono/node-server";
import { seededC15t } from "./seed.mjs";

const SUBJECTS = Number(process.env.SUBJECTS ?? 10_000);

const { c15t } = await seededC15t(SUBJECTS);

const server = serve(
	{ fetch: c15t.handler, hostname: "127.0.0.1", port: Number(process.env.PORT ?? 0) },
	(info) => {
		process.stdout.write(`${JSON.stringify({ port: info.port, subjects: SUBJECTS })}\n`);
	},
);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
