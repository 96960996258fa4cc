/**
 * A write that changes nothing creates no record: a PUT naming no purpose (and no policy) on a
 * subject with nothing stored, or an opt-out by someone already opted out of everything under the
 * current policy, answers the decision document without appending.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callWithEnv, countRecords, envWith, json, keyed, Visitor } from "../helpers";

const DE = { country: "DE" };

interface Doc {
	subject: string;
	version: number;
	prompt: boolean;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
}

const keyedPut = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
	call("/v1/consent", keyed({ method: "PUT", cf: DE, ...json(body, { headers }) }));

async function stateRow(subject: string) {
	return env.DB.prepare("SELECT version FROM consent_subjects WHERE subject = ?").bind(subject).first();
}

describe("a write that names no purpose", () => {
	it("keyed, nothing stored: the decision document at version 0, still asking in DE; no record", async () => {
		const res = await keyedPut({ subject: "user:empty-put", purposes: {} });
		expect(res.status).toBe(200);
		const doc = await res.json<Doc>();
		expect(doc).toMatchObject({ subject: "user:empty-put", version: 0, prompt: true });
		expect(doc.reasons.analytics).toBe("default");
		expect(await countRecords("user:empty-put")).toBe(0);
		expect(await stateRow("user:empty-put")).toBeNull();
		const later = await (await call("/v1/consent?subject=user:empty-put", keyed({ cf: DE }))).json<Doc>();
		expect(later).toMatchObject({ version: 0, prompt: true });
	});

	it("visitor, nothing stored: version 0 and prompt in the answer and the cookie; no record", async () => {
		const visitor = new Visitor(DE);
		const res = await visitor.put({});
		expect(res.status).toBe(200);
		const doc = await res.json<Doc>();
		expect(doc).toMatchObject({ version: 0, prompt: true });
		expect(visitor.cookies.get("ce_consent")).toBeDefined();
		expect(await countRecords(doc.subject)).toBe(0);
		const again = await (await visitor.fetch("/v1/consent")).json<Doc>();
		expect(again).toMatchObject({ version: 0, prompt: true });
	});

	it("with an Idempotency-Key, answers and replays version 0 without a record", async () => {
		const headers = { "Idempotency-Key": "empty-1" };
		const first = await keyedPut({ subject: "user:empty-idem", purposes: {} }, headers);
		const body = await first.text();
		expect(JSON.parse(body)).toMatchObject({ version: 0, prompt: true });
		const replay = await keyedPut({ subject: "user:empty-idem", purposes: {} }, headers);
		expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
		expect(await replay.text()).toBe(body);
		expect(await countRecords("user:empty-idem")).toBe(0);
	});

	it("with choices stored, changes nothing", async () => {
		await keyedPut({ subject: "user:empty-after", purposes: { analytics: true } });
		const doc = await (await keyedPut({ subject: "user:empty-after", purposes: {} })).json<Doc>();
		expect(doc).toMatchObject({ version: 1, prompt: false });
		expect(await countRecords("user:empty-after")).toBe(1);
	});

	it("with choices stored under an older policy, does not re-affirm them under the current one", async () => {
		await keyedPut({ subject: "user:empty-old", purposes: { analytics: true }, policyVersion: "2025-01" });
		const doc = await (await keyedPut({ subject: "user:empty-old", purposes: {} })).json<Doc>();
		expect(doc).toMatchObject({ version: 1, prompt: true });
		expect(await countRecords("user:empty-old")).toBe(1);
	});

	it("naming a policy version is a change (the subject answered under it)", async () => {
		const res = await keyedPut({ subject: "user:empty-policy", purposes: {}, policyVersion: "2026-11" });
		expect((await res.json<Doc>()).version).toBe(1);
		expect(await countRecords("user:empty-policy")).toBe(1);
	});

	it("an unchanged purpose re-affirmed under a newer policy is still recorded", async () => {
		await keyedPut({ subject: "user:reaffirm", purposes: { analytics: true } });
		const newer = envWith({ POLICY_VERSION: "2027-01" } as Partial<Env>);
		const res = await callWithEnv(
			newer,
			"/v1/consent",
			keyed({ method: "PUT", cf: DE, ...json({ subject: "user:reaffirm", purposes: { analytics: true } }) }),
		);
		const doc = await res.json<Doc>();
		expect(doc).toMatchObject({ version: 2, prompt: false });
		expect(await countRecords("user:reaffirm")).toBe(2);
		// Under the newer policy, an empty write changes nothing.
		const empty = await callWithEnv(
			newer,
			"/v1/consent",
			keyed({ method: "PUT", cf: DE, ...json({ subject: "user:reaffirm", purposes: {} }) }),
		);
		expect((await empty.json<Doc>()).version).toBe(2);
		expect(await countRecords("user:reaffirm")).toBe(2);
	});
});

describe("an opt-out that changes nothing", () => {
	it("someone opted out of everything under the current policy gets no second record", async () => {
		const optOut = () =>
			call("/v1/opt-out", keyed({ method: "POST", cf: DE, ...json({ subject: "user:out-twice" }) }));
		expect((await (await optOut()).json<Doc>()).version).toBe(1);
		const again = await optOut();
		expect(again.status).toBe(200);
		expect((await again.json<Doc>()).version).toBe(1);
		expect(await countRecords("user:out-twice")).toBe(1);
	});

	it("a visitor's second opt-out adds no record either", async () => {
		const visitor = new Visitor(DE);
		const first = await (await visitor.fetch("/v1/opt-out", { method: "POST", ...json({}) })).json<Doc>();
		const second = await (await visitor.fetch("/v1/opt-out", { method: "POST", ...json({}) })).json<Doc>();
		expect(second.version).toBe(first.version);
		expect(await countRecords(first.subject)).toBe(1);
	});
});
