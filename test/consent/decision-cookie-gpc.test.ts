/**
 * The `ce_consent` cookie says whether the request it was issued for carried GPC (`gp`), so the SDK
 * deciding from it reports what the worker said even in a browser whose JavaScript lacks
 * `navigator.globalPrivacyControl` (an extension that sends only `Sec-GPC: 1`).
 */
import { describe, expect, it } from "vitest";
import { verifyDecisionCookie } from "../../workers/consent/decision-cookie";
import { fromBase64Url } from "../../workers/crypto/encoding";
import { SIGNING_KEY, Visitor } from "../helpers";

const GPC = { "Sec-GPC": "1" };

/** The JSON payload of a `ce_consent` value, as the SDK reads it. */
function payload(value: string | undefined): Record<string, unknown> {
	const body = fromBase64Url(value?.slice(0, value.lastIndexOf(".")) ?? "");
	return JSON.parse(new TextDecoder().decode(body ?? new Uint8Array()));
}

describe("ce_consent and the request's GPC signal", () => {
	it("carries gp = 1 when the request carried Sec-GPC, 0 otherwise", async () => {
		const withSignal = new Visitor();
		const doc = await (await withSignal.fetch("/v1/consent", { headers: GPC })).json<{ gpc: boolean }>();
		expect(doc.gpc).toBe(true);
		expect(payload(withSignal.cookies.get("ce_consent"))).toMatchObject({ gp: 1, d: { ads: 0, sale: 0 } });
		expect((await verifyDecisionCookie(withSignal.cookies.get("ce_consent"), [SIGNING_KEY]))?.gpc).toBe(true);

		const without = new Visitor();
		await (await without.fetch("/v1/consent")).arrayBuffer();
		expect(payload(without.cookies.get("ce_consent"))).toMatchObject({ gp: 0 });
	});

	it("is re-signed, not re-sent as it came, when only the signal changed", async () => {
		const v = new Visitor();
		await (await v.put({ ads: false, sale: false })).arrayBuffer();
		const before = v.cookies.get("ce_consent");
		expect(payload(before)).toMatchObject({ gp: 0 });
		// Same effective choices (ads and sale denied), now with the signal: the cookie must say so.
		const res = await v.fetch("/v1/consent", { headers: GPC });
		const doc = await res.json<{ gpc: boolean; purposes: Record<string, boolean> }>();
		expect(doc.gpc).toBe(true);
		expect(doc.purposes).toMatchObject({ ads: false, sale: false });
		const after = v.cookies.get("ce_consent");
		expect(after).not.toBe(before);
		expect(payload(after)).toMatchObject({ gp: 1 });
		// And back: the signal gone, the cookie says so again.
		await (await v.fetch("/v1/consent")).arrayBuffer();
		expect(payload(v.cookies.get("ce_consent"))).toMatchObject({ gp: 0 });
	});
});
