/**
 * Answering the first-layer question again with the same choice, once the old one has lapsed (past
 * CONSENT_LIFETIME_DAYS): the answer renews the choice, so the prompt ends and the allowances apply
 * again. The same answer under the current policy and within the lifetime still appends nothing.
 */
import { describe, expect, it } from "vitest";
import { PURPOSES } from "../../workers/config/purposes";
import { BASE, call, callWithEnv, countRecords, envWith, keyed, Visitor } from "../helpers";

const NON_ESSENTIAL = PURPOSES.filter((p) => !p.essential).map((p) => p.name);
const ACCEPTED = Object.fromEntries(NON_ESSENTIAL.map((p) => [p, true]));
const REJECTED = Object.fromEntries(NON_ESSENTIAL.map((p) => [p, false]));
const DE = { country: "DE" };
// About 0.9 s: long enough for one request, short enough to outlive in a test.
const SHORT_LIFETIME = { CONSENT_LIFETIME_DAYS: "0.00001" } as Partial<Env>;

interface Doc {
	subject: string;
	prompt: boolean;
	purposes: Record<string, boolean>;
}

async function send(visitor: Visitor, path: string, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set("Cookie", visitor.cookieHeader());
	headers.set("Origin", BASE);
	const res = await callWithEnv(envWith(SHORT_LIFETIME), path, { ...init, headers, cf: visitor.geo });
	visitor.remember(res);
	return res;
}

function put(visitor: Visitor, purposes: Record<string, boolean>) {
	return send(visitor, "/v1/consent", {
		method: "PUT",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ purposes }),
	});
}

const lapse = () => new Promise((resolve) => setTimeout(resolve, 1_000));

describe("the same answer after a choice has lapsed", () => {
	it.each([
		["Accept all", ACCEPTED],
		["Reject all", REJECTED],
	])("%s again ends the prompt and is recorded", async (_, choice) => {
		const visitor = new Visitor(DE);
		const first = (await (await put(visitor, choice)).json()) as Doc;
		expect(first.prompt).toBe(false);
		await lapse();
		const asked = (await (await send(visitor, "/v1/consent")).json()) as Doc;
		expect(asked.prompt).toBe(true);

		const again = (await (await put(visitor, choice)).json()) as Doc;
		expect(again.prompt).toBe(false);
		expect(again.purposes).toEqual({ essential: true, ...choice });
		expect(await countRecords(first.subject)).toBe(2);
		// The history shows what was chosen again, not "no purpose changed".
		const history = await call(`/v1/subjects/${encodeURIComponent(first.subject)}/records`, keyed());
		const { records } = (await history.json()) as { records: { changes: Record<string, boolean> }[] };
		expect(records[0]?.changes).toEqual(choice);
		expect(((await (await send(visitor, "/v1/consent")).json()) as Doc).prompt).toBe(false);
	});

	it("a save on the preference page renews it too", async () => {
		const visitor = new Visitor(DE);
		await put(visitor, { ...REJECTED, analytics: true });
		await lapse();
		const res = await send(visitor, "/preferences", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: "form=preferences&analytics=on",
		});
		expect(res.status).toBe(303);
		const doc = (await (await send(visitor, "/v1/consent")).json()) as Doc;
		expect(doc.prompt).toBe(false);
		expect(doc.purposes.analytics).toBe(true);
	});

	it("within the lifetime, the same answer still appends nothing", async () => {
		const visitor = new Visitor(DE);
		const first = (await (await put(visitor, ACCEPTED)).json()) as Doc;
		await put(visitor, ACCEPTED);
		expect(await countRecords(first.subject)).toBe(1);
	});
});
