/**
 * c15t's backend (@c15t/backend 2.2.1) in its best local setup: Node 22, SQLite in memory through
 * Kysely and better-sqlite3, served by Hono's own Node adapter. Schema from c15t's migrator, plus the
 * two indexes its lookups need (the stock schema has none: consent by subject, subject by external
 * id). Seeds SUBJECTS subjects, each with one cookie_banner consent, then prints its port.
 */
import { c15tInstance } from "@c15t/backend";
import { kyselyAdapter } from "@c15t/backend/db/adapters/kysely";
import { migrator } from "@c15t/backend/db/migrator";
import { DB } from "@c15t/backend/db/schema";
import { serve } from "@hono/node-server";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { peerExternalId, peerSubjectId } from "./subjects.mjs";

const SUBJECTS = Number(process.env.SUBJECTS ?? 10_000);

const sqlite = new Database(":memory:");
const db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
const adapter = kyselyAdapter({ db, provider: "sqlite" });
await (await migrator({ db: DB.client(adapter), schema: "latest" })).execute();
sqlite.exec('CREATE INDEX "consent_subjectId" ON "consent" ("subjectId")');
sqlite.exec('CREATE INDEX "subject_externalId" ON "subject" ("externalId")');

const c15t = c15tInstance({
	appName: "consent-edge-bench",
	basePath: "/",
	adapter,
	trustedOrigins: ["localhost"],
	logger: { level: "error" },
});

// The first subject goes through c15t's own API, which creates the domain, policy and purposes.
const first = await c15t.handler(
	new Request("http://localhost/subjects", {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({
			type: "cookie_banner",
			subjectId: peerSubjectId(0),
			domain: "news.example",
			preferences: { necessary: true, measurement: true, marketing: false },
			givenAt: Date.now(),
			externalSubjectId: peerExternalId(0),
		}),
	}),
);
if (!first.ok) throw new Error(`seeding c15t failed: ${first.status} ${await first.text()}`);

// The rest are copies of its rows with their own ids, written straight into SQLite.
const consent = sqlite.prepare('SELECT * FROM "consent" LIMIT 1').get();
const subject = sqlite.prepare('SELECT * FROM "subject" LIMIT 1').get();
const insertSubject = sqlite.prepare(
	'INSERT INTO "subject" ("id", "externalId", "identityProvider", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)',
);
const insertConsent = sqlite.prepare(
	'INSERT INTO "consent" ("id", "subjectId", "domainId", "policyId", "purposeIds", "givenAt", "jurisdiction") VALUES (?, ?, ?, ?, ?, ?, ?)',
);
sqlite.transaction(() => {
	for (let i = 1; i < SUBJECTS; i++) {
		const id = peerSubjectId(i);
		insertSubject.run(id, peerExternalId(i), subject.identityProvider, subject.createdAt, subject.updatedAt);
		insertConsent.run(`cns_bench${i}`, id, consent.domainId, consent.policyId, consent.purposeIds, consent.givenAt, consent.jurisdiction);
	}
})();

const server = serve({ fetch: c15t.handler, hostname: "127.0.0.1", port: Number(process.env.PORT ?? 0) }, (info) => {
	process.stdout.write(`${JSON.stringify({ port: info.port, subjects: SUBJECTS })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
