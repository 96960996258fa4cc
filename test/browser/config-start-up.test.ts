/**
 * A var with an unusable value, seen as a site owner sees it: `wrangler dev` prints its name as the
 * worker starts, before "Ready", not only once some request happens to come, and not again when one
 * does; never its value. Likewise a key left at `.dev.vars.example`'s value, as under `npm start`,
 * and, once the first request shows the worker's origin, a LOGO_URL on another origin.
 * Plain Node, no Chromium.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWorker, type WorkerServer } from "./serve-worker";

/** `.dev.vars.example`'s SIGNING_KEY, which `npm start` copies to `.dev.vars`. */
const EXAMPLE_SIGNING_KEY =
	/^SIGNING_KEY=(.+)$/m.exec(
		readFileSync(new URL("../../.dev.vars.example", import.meta.url), "utf8"),
	)?.[1] ?? "";
const EXAMPLE_KEY_LINE =
	"SIGNING_KEY is the example key from .dev.vars.example: public, fine for npm start only";

let server: WorkerServer;

beforeAll(async () => {
	server = await serveWorker({
		vars: {
			COOKIE_SAMESITE: "Nonee",
			// A public suffix: browsers refuse a cookie with that Domain.
			COOKIE_DOMAIN: "github.io",
			ORIGIN: "shop.example:8080",
			SIGNING_KEY: EXAMPLE_SIGNING_KEY,
			// No PUBLIC_BASE_URL: only the first request shows this is not the worker's origin.
			LOGO_URL: "https://cdn.example.net/logo.svg",
		},
	});
});

afterAll(async () => {
	await server?.stop();
});

describe("wrangler dev with unusable vars", () => {
	it("names each at start-up, before Ready, without its value", () => {
		const output = server.output();
		const ready = output.indexOf("Ready on");
		expect(ready, output).toBeGreaterThan(-1);
		const startUp = output.slice(0, ready);
		expect(startUp).toContain("COOKIE_SAMESITE has an unusable value");
		expect(startUp).toContain("ORIGIN has an unusable value");
		expect(startUp).toContain("COOKIE_DOMAIN has an unusable value");
		expect(startUp).not.toContain("LOGO_URL has an unusable value");
		expect(output).not.toContain("Nonee");
	});

	it("names a key left at the example's value at start-up, without its value", () => {
		const output = server.output();
		expect(EXAMPLE_SIGNING_KEY.length).toBeGreaterThan(0);
		const startUp = output.slice(0, output.indexOf("Ready on"));
		expect(startUp, output).toContain(EXAMPLE_KEY_LINE);
		// A warning (▲), not an error (✘): under npm start it is true, and fine.
		const line = startUp.split("\n").find((l) => l.includes(EXAMPLE_KEY_LINE));
		expect(line).toContain("▲");
		expect(line).not.toContain("✘");
		expect(output).not.toContain(EXAMPLE_SIGNING_KEY);
	});

	it("answers a proxied path 503 not_configured naming ORIGIN, and health says config", async () => {
		const page = await fetch(`${server.origin}/shop`);
		expect(page.status).toBe(503);
		expect((await page.json()) as unknown).toMatchObject({ error: { code: "not_configured" } });
		const health = await fetch(`${server.origin}/v1/health`);
		expect(health.status).toBe(503);
		// The example key refuses nothing: a warning beside the failing ORIGIN.
		expect((await health.json()) as unknown).toMatchObject({ failing: ["config"], warnings: ["config"] });
	});

	it("names each once: a request's env, parsed again, logs nothing the start-up log already said", async () => {
		for (const path of ["/v1/health", "/v1/consent", "/.well-known/gpc.json"])
			await (await fetch(`${server.origin}${path}`)).body?.cancel();
		// wrangler relays the worker's console a moment after the answer.
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		const output = server.output();
		expect(output.split("COOKIE_SAMESITE has an unusable value").length - 1, output).toBe(1);
		expect(output.split("ORIGIN has an unusable value").length - 1, output).toBe(1);
		expect(output.split("COOKIE_DOMAIN has an unusable value").length - 1, output).toBe(1);
		expect(output.split(EXAMPLE_KEY_LINE).length - 1, output).toBe(1);
		// Named by the first request, once, however many follow; never with its value.
		expect(output.split("LOGO_URL has an unusable value").length - 1, output).toBe(1);
		expect(output).not.toContain("cdn.example.net");
	});
});
