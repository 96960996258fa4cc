import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyedScope, scopedKeyHash } from "../../workers/http/idempotency-key";
import { IDEMPOTENCY_TTL_MS } from "../../workers/storage/consent-repository";
import { call, countRecords, json, keyed, Visitor } from "../helpers";

const put = (subject: string, purposes: Record<string, boolean>, key: string) =>
	call(
		"/v1/consent",
		keyed({ method: "PUT", ...json({ subject, purposes }, { headers: { "Idempotency-Key": key } }) }),
	);

describe("Idempotency-Key", () => {
	it("a retried write creates no second record and replays the first answer", async () => {
		const first = await put("user:idem", { ads: false }, "k-1");
		const body = await first.text();
		const second = await put("user:idem", { ads: false }, "k-1");
		expect(second.status).toBe(200);
		expect(await second.text()).toBe(body);
		expect(second.headers.get("Idempotent-Replayed")).toBe("true");
		expect(await countRecords("user:idem")).toBe(1);
	});

	it("replays even after the state moved on", async () => {
		const first = await (await put("user:idem2", { ads: false }, "k-a")).json<{ version: number }>();
		await put("user:idem2", { ads: true }, "k-b");
		const replay = await (await put("user:idem2", { ads: false }, "k-a")).json<{
			version: number;
			purposes: { ads: boolean };
		}>();
		expect(replay.version).toBe(first.version);
		expect(await countRecords("user:idem2")).toBe(2);
	});

	it("the same key with a different body is 409", async () => {
		await put("user:idem3", { ads: false }, "k-x");
		const res = await put("user:idem3", { ads: true }, "k-x");
		expect(res.status).toBe(409);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("idempotency_conflict");
		expect(await countRecords("user:idem3")).toBe(1);
	});

	it("concurrent retries with one key write once", async () => {
		const answers = await Promise.all(
			Array.from({ length: 8 }, () => put("user:idem4", { analytics: true }, "k-c")),
		);
		expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
		expect(await countRecords("user:idem4")).toBe(1);
	});

	it("keys are scoped to the caller", async () => {
		const a = new Visitor();
		const b = new Visitor();
		const headers = { "Idempotency-Key": "shared" };
		expect((await a.put({ ads: false }, { headers })).status).toBe(200);
		const res = await b.put({ ads: true }, { headers });
		expect(res.status).toBe(200);
		expect((await res.json<{ purposes: { ads: boolean } }>()).purposes.ads).toBe(true);
	});

	it("a replayed visitor write still gets a decision cookie", async () => {
		const v = new Visitor();
		await v.put({ analytics: false }, { headers: { "Idempotency-Key": "v-1" } });
		const replay = await v.put({ analytics: false }, { headers: { "Idempotency-Key": "v-1" } });
		expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
		expect(replay.headers.getSetCookie().some((c) => c.startsWith("ce_consent="))).toBe(true);
	});

	it("the same bytes sent as JSON and as a form are two requests: the second is 409, never the other's answer", async () => {
		// A visitor's opt-out takes `{}` as JSON (answered with the document) or as a form (answered 303).
		const optOut = (v: Visitor, type: string, key: string) =>
			v.fetch("/v1/opt-out", {
				method: "POST",
				headers: { "Content-Type": type, Origin: "https://consent.example", "Idempotency-Key": key },
				body: "{}",
			});
		const form = "application/x-www-form-urlencoded";
		const a = new Visitor();
		expect((await optOut(a, "application/json", "both-1")).status).toBe(200);
		const formAfterJson = await optOut(a, form, "both-1");
		expect(formAfterJson.status).toBe(409);
		expect(formAfterJson.headers.get("Content-Type")).toMatch(/^text\/html/);

		const b = new Visitor();
		expect((await optOut(b, form, "both-2")).status).toBe(303);
		const jsonAfterForm = await optOut(b, "application/json", "both-2");
		// It was a 303 with no Location and an empty JSON body.
		expect(jsonAfterForm.status).toBe(409);
		expect((await jsonAfterForm.json<{ error: { code: string } }>()).error.code).toBe("idempotency_conflict");
		// The form post replayed is still the form post's answer.
		const again = await optOut(b, form, "both-2");
		expect([again.status, again.headers.get("Location")]).toEqual([303, "/preferences?saved=1"]);
	});

	it("rejects malformed keys", async () => {
		for (const key of ["", " ", "a b", "x".repeat(256)]) {
			const res = await call(
				"/v1/consent",
				keyed({
					method: "PUT",
					...json({ subject: "user:1", purposes: {} }, { headers: { "Idempotency-Key": key } }),
				}),
			);
			expect(res.status, JSON.stringify(key)).toBe(400);
		}
	});
});

describe("concurrent writes", { timeout: 90_000 }, () => {
	it("hundreds of writes to one subject are all recorded in one consistent version chain", async () => {
		const subject = "user:race";
		const n = 60;
		const answers = await Promise.all(
			Array.from({ length: n }, (_, i) =>
				put(subject, { analytics: i % 2 === 0, ads: i % 3 === 0 }, `race-${i}`),
			),
		);
		expect(answers.map((r) => r.status)).toEqual(Array(n).fill(200));
		const res = await call(`/v1/subjects/${subject}/records?limit=1000`, keyed());
		const { records } = await res.json<{
			records: { version: number; recordId: string; previousRecordId: string | null }[];
		}>();
		const versions = records.map((r) => r.version);
		expect(versions).toEqual(Array.from({ length: records.length }, (_, i) => records.length - i));
		for (let i = 0; i < records.length - 1; i++)
			expect(records[i]?.previousRecordId).toBe(records[i + 1]?.recordId);
		const state = await (await call(`/v1/subjects/${subject}/export`, keyed())).json<{
			state: { version: number };
		}>();
		expect(state.state.version).toBe(records.length);
	});

	it("writes to distinct subjects all land", async () => {
		const n = 200;
		const answers = await Promise.all(
			Array.from({ length: n }, (_, i) => put(`user:many-${i}`, { ads: false }, `m-${i}`)),
		);
		expect(answers.every((r) => r.status === 200)).toBe(true);
		const counts = await Promise.all(Array.from({ length: n }, (_, i) => countRecords(`user:many-${i}`)));
		expect(counts).toEqual(Array(n).fill(1));
	});
});

describe("a replayed keyed write", () => {
	it("carries X-D1-Bookmark, as new as the first answer's, so the caller reads its own write", async () => {
		const first = await put("user:idem-bookmark", { ads: false }, "k-bm");
		const written = first.headers.get("X-D1-Bookmark");
		expect(written).toBeTruthy();
		const replay = await put("user:idem-bookmark", { ads: false }, "k-bm");
		expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
		const bookmark = replay.headers.get("X-D1-Bookmark");
		expect(bookmark).toBeTruthy();
		// D1 bookmarks order as strings: a later position in the database's history sorts after.
		expect((bookmark ?? "") >= (written ?? "")).toBe(true);
	});
});

describe("a key whose answer expired but is not purged yet", () => {
	it("is free for a new consent write (the daily purge may leave it up to a day longer)", async () => {
		const hashed = await scopedKeyHash(keyedScope("admin"), "k-expired");
		await env.DB.prepare(
			"INSERT INTO idempotency_keys (key, subject, request_hash, status, body, created_at) VALUES (?, NULL, 'x', 201, '{}', ?)",
		)
			.bind(hashed, Date.now() - IDEMPOTENCY_TTL_MS - 60_000)
			.run();
		const res = await put("user:idem-expired", { ads: false }, "k-expired");
		expect(res.status).toBe(200);
		expect(res.headers.get("Idempotent-Replayed")).toBeNull();
		expect(await countRecords("user:idem-expired")).toBe(1);
		const replay = await put("user:idem-expired", { ads: false }, "k-expired");
		expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
	});
});
