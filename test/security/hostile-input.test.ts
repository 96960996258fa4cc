import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, keyed } from "../helpers";

const RUNS = 60;

async function storageSnapshot(): Promise<string> {
	const [subjects, records] = await env.DB.batch([
		env.DB.prepare("SELECT subject, version, purposes FROM consent_subjects ORDER BY subject"),
		env.DB.prepare("SELECT count(*) AS n FROM consent_records"),
	]);
	return JSON.stringify([subjects?.results, records?.results]);
}

async function expectContractError(res: Response, path: string): Promise<void> {
	expect(res.status, path).toBeLessThan(500);
	if (res.status >= 400 && path.startsWith("/v1/")) {
		const body = await res.json<{ error: { code: string; message: string } }>();
		expect(body.error.code).toMatch(/^[a-z_]+$/);
		expect(typeof body.error.message).toBe("string");
	} else {
		await res.arrayBuffer();
	}
}

const nasty = fc.oneof(
	fc.string({ maxLength: 300 }),
	fc.string({ unit: "grapheme", maxLength: 50 }),
	fc.constantFrom(
		"../../etc/passwd",
		"a\u0000b",
		"' OR 1=1 --",
		'"; DROP TABLE consent_records; --',
		"%00",
		"%",
		"%zz",
		"..",
		"...",
		"x".repeat(5000),
		"🙂",
		"user:\u202e",
		"<script>alert(1)</script>",
		"__proto__",
		"constructor",
	),
);

describe("hostile input never gets a 5xx and never changes storage when rejected", () => {
	it("subjects in the path and query", async () => {
		await fc.assert(
			fc.asyncProperty(nasty, async (subject) => {
				for (const path of [
					`/v1/subjects/${encodeURIComponent(subject)}/records`,
					`/v1/subjects/${encodeURIComponent(subject)}/export`,
					`/v1/consent?subject=${encodeURIComponent(subject)}`,
					`/v1/subjects/${subject.replace(/[/?#]/g, "")}/records`,
				]) {
					const res = await call(path, keyed());
					await expectContractError(res, path);
				}
			}),
			{ numRuns: RUNS },
		);
	});

	it("JSON bodies of every shape", async () => {
		const before = await storageSnapshot();
		const body = fc.oneof(
			fc.json({ maxDepth: 4 }),
			fc.string({ maxLength: 200 }),
			fc.constantFrom(
				'{"purposes":{"__proto__":{"polluted":true}},"subject":"user:x"}',
				'{"purposes":{"constructor":{"prototype":{"x":1}}},"subject":"user:x"}',
				`${"[".repeat(5000)}${"]".repeat(5000)}`,
				`{"subject":"user:x","purposes":{"ads":${"1".repeat(400)}}}`,
				'{"subject":"user:x","purposes":{"ads":true},"email":"not-an-address"}',
				'{"subject":"user:x","purposes":{"ads":"true"}}',
			),
		);
		await fc.assert(
			fc.asyncProperty(body, fc.constantFrom("PUT /v1/consent", "POST /v1/opt-out"), async (text, route) => {
				const [method, path] = route.split(" ") as [string, string];
				const res = await call(
					path,
					keyed({ method, headers: { "Content-Type": "application/json" }, body: text }),
				);
				await expectContractError(res, path);
				if (res.status === 200) return;
				expect(res.status).toBeGreaterThanOrEqual(400);
			}),
			{ numRuns: RUNS * 2 },
		);
		// Rejected or not, nothing polluted the prototype chain.
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		const after = await storageSnapshot();
		// Only valid writes (a few fc.json objects can be valid opt-outs for a subject) change storage.
		if (after !== before) {
			const subjects = JSON.parse(after)[0] as { subject: string }[];
			for (const s of subjects) expect(s.subject).toMatch(/^[A-Za-z0-9._:@-]{1,128}$/);
		}
	});

	it("rejected writes leave storage exactly as it was", async () => {
		const before = await storageSnapshot();
		const bad = [
			'{"subject":"user:x","purposes":{"nope":true}}',
			'{"subject":"user:x","purposes":{"essential":false}}',
			'{"subject":"../x","purposes":{"ads":false}}',
			'{"purposes":{"ads":false}}',
			"{not json",
		];
		for (const text of bad) {
			const res = await call(
				"/v1/consent",
				keyed({ method: "PUT", headers: { "Content-Type": "application/json" }, body: text }),
			);
			expect(res.status).toBe(400);
		}
		expect(await storageSnapshot()).toBe(before);
	});

	it("cookies: oversized, malformed, forged", async () => {
		const cookie = fc.oneof(
			fc.string({ maxLength: 200 }).map((s) => `ce_vid=${s}; ce_consent=${s}`),
			fc.constantFrom(
				`ce_consent=${"A".repeat(10000)}.${"B".repeat(43)}`,
				"ce_consent=eyJzIjoidjp4In0.AAAA",
				"ce_vid=AAAAAAAAAAAAAAAAAAAAAAAA; ce_consent=e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				";;;;====;;",
				"ce_vid",
				"=",
				`a=${"x".repeat(8000)}`,
			),
		);
		await fc.assert(
			fc.asyncProperty(cookie, async (value) => {
				for (const path of ["/v1/consent", "/v1/check?purpose=ads"]) {
					const res = await call(path, { headers: { Cookie: value } });
					expect(res.status, value.slice(0, 80)).toBe(200);
					await res.arrayBuffer();
				}
			}),
			{ numRuns: RUNS },
		);
	});

	const OVERRIDE_SHAPE = /^[A-Za-z][A-Za-z0-9](?:-[A-Za-z0-9]{1,3})?$/;
	it("headers: Sec-GPC with thousands of members, odd geo overrides, odd auth", async () => {
		const gpc = fc.oneof(fc.string({ maxLength: 100 }), fc.constant(Array(3000).fill("0").join(",")));
		await fc.assert(
			fc.asyncProperty(gpc, fc.string({ maxLength: 40 }), async (signal, auth) => {
				const headers = new Headers();
				try {
					headers.set("Sec-GPC", signal);
					headers.set("X-Debug-Geo", signal.slice(0, 20));
				} catch {
					return; // Not a valid header value: a client could not send it either.
				}
				const res = await call("/v1/check?purpose=sale", { headers });
				// A geo override shaped as one but naming no country or US state (`EU`, `US-XX`) is refused.
				if (res.status === 400 && OVERRIDE_SHAPE.test(signal.slice(0, 20).trim())) {
					expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_header");
				} else {
					expect(res.status).toBe(200);
					await res.arrayBuffer();
				}
				try {
					headers.set("Authorization", auth);
				} catch {
					return;
				}
				const keyedRes = await call("/v1/consent?subject=user:1", { headers });
				await expectContractError(keyedRes, "/v1/consent");
			}),
			{
				numRuns: RUNS,
				examples: [
					["DA", ""],
					["US-XX", ""],
					["de", ""],
				],
			},
		);
	});

	it("query strings: repeated, malformed escapes, huge", async () => {
		const query = fc.oneof(
			fc.string({ maxLength: 200 }),
			fc.constantFrom(
				"purpose=%",
				"purpose=%E0%A4%A",
				"purpose=ads&purpose=ads",
				`purpose=${"a".repeat(9000)}`,
				"limit=1e3",
				"limit=-0",
				"cursor=1.5",
				"limit=9999999999999",
				"%%%%",
			),
		);
		await fc.assert(
			fc.asyncProperty(query, async (q) => {
				for (const path of ["/v1/check", "/v1/subjects/user:1/records", "/v1/consent"]) {
					const res = await call(`${path}?${q.replace(/#/g, "")}`, path === "/v1/check" ? {} : keyed());
					await expectContractError(res, path);
				}
			}),
			{ numRuns: RUNS },
		);
	});

	it("methods not allowed are 405 with Allow", async () => {
		for (const [method, path] of [
			["POST", "/v1/consent"],
			["PATCH", "/v1/consent"],
			["DELETE", "/v1/check"],
			["PUT", "/v1/opt-out"],
			["GET", "/v1/opt-out"],
			["POST", "/v1/subjects/user:1/records"],
			["PUT", "/v1/subjects/user:1"],
			["POST", "/.well-known/gpc.json"],
		] as const) {
			const res = await call(path, keyed({ method }));
			expect(res.status, `${method} ${path}`).toBe(405);
			expect(res.headers.get("Allow")).toMatch(/OPTIONS$/);
			if (path.startsWith("/v1/"))
				expect((await res.json<{ error: { code: string } }>()).error.code).toBe("method_not_allowed");
		}
	});
});
