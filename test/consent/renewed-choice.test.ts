/**
 * Answering the first-layer question again with the same choice, once the old one has lapsed (past
 * CONSENT_LIFETIME_DAYS): the answer renews the choice, so the prompt ends and the allowances apply
 * again. The same answer under the current policy and within the lifetime still appends nothing.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PURPOSES } from "../../workers/config/purposes";
import { settingsFor } from "../../workers/config/settings";
import { BASE, call, callWithEnv, countRecords, keyed, Visitor } from "../helpers";

const NON_ESSENTIAL = PURPOSES.filter((p) => !p.essential).map((p) => p.name);
const ACCEPTED = Object.fromEntries(NON_ESSENTIAL.map((p) => [p, true]));
const REJECTED = Object.fromEntries(NON_ESSENTIAL.map((p) => [p, false]));
const DE = { country: "DE" };

interface Doc {
	subject: string;
	prompt: boolean;
	purposes: Record<string, boolean>;
}

async function send(visitor: Visitor, path: string, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set("Cookie", visitor.cookieHeader());
	headers.set("Origin", BASE);
	const res = await callWithEnv(env, path, { ...init, headers, cf: visitor.geo });
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

// The Worker's clock, faked (it runs in the test's isolate): a day past the choice's lifetime.
function lapse() {
	vi.useFakeTimers({ toFake: ["Date"] });
	vi.setSystemTime(Date.now() + settingsFor(env).policy.lifetimeMs + 86_400_000);
}

afterEach(() => {
	vi.useRealTimers();
});

describe("the same answer after a choice has lapsed", () => {
	it.each([
		["Accept all", ACCEPTED],
		["Reject all", REJECTED],
	])("%s again ends the prompt and is recorded", async (_, choice) => {
		const visitor = new Visitor(DE);
		const first = (await (await put(visitor, choice)).json()) as Doc;
		expect(first.prompt).toBe(false);
		lapse();
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
		lapse();
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
