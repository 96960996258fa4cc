/**
 * Sec-GPC as an integrator sends it over HTTP (GPC spec §3.3): only a field value of exactly "1",
 * after HTTP's optional whitespace (SP and HTAB, RFC 9110 §5.5) is dropped, is a signal; a repeated
 * field counts when any of its values is "1". Checked on /v1/consent, /v1/check and the opt-out.
 */
import { describe, expect, it } from "vitest";
import { call, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

async function gpcOf(
	headers: Headers,
): Promise<{ consent: boolean; check: boolean; honored: string | null }> {
	const consentRes = await call("/v1/consent", { headers, cf: CA });
	expect(consentRes.status).toBe(200);
	const doc = await consentRes.json<{ gpc: boolean; purposes: Record<string, boolean> }>();
	const checkRes = await call("/v1/check?purpose=sale", { headers, cf: CA });
	expect(checkRes.status).toBe(200);
	const check = await checkRes.json<{ allowed: boolean; reason: string }>();
	// In California sale defaults to allowed: a denial with reason gpc is the signal's doing.
	expect(doc.purposes.sale).toBe(!doc.gpc);
	expect(check.reason === "gpc").toBe(!check.allowed);
	return {
		consent: doc.gpc,
		check: check.reason === "gpc",
		honored: consentRes.headers.get("X-GPC-Honored"),
	};
}

describe("Sec-GPC over HTTP", () => {
	it.each([
		["1", true],
		[" 1", true],
		["1 ", true],
		["\t1\t", true],
		["1, 1", true],
		["0, 1", true],
		["0", false],
		["", false],
		["true", false],
		["01", false],
		["1;q=1", false],
		["0, 0", false],
		// Not HTTP whitespace: obs-text (NBSP), vertical tab and form feed are part of the value.
		["\u00a01", false],
		["1\u00a0", false],
		["\v1", false],
		["\f1", false],
	])("%j: signal %s", async (value, expected) => {
		const headers = new Headers({ "Sec-GPC": value });
		expect(await gpcOf(headers)).toEqual({
			consent: expected,
			check: expected,
			honored: expected ? "1" : "0",
		});
	});

	it("lowercase field name, and a repeated field with one value of 1", async () => {
		expect((await gpcOf(new Headers([["sec-gpc", "1"]]))).consent).toBe(true);
		const repeated = new Headers();
		repeated.append("Sec-GPC", "0");
		repeated.append("Sec-GPC", "1");
		expect(repeated.get("Sec-GPC")).toBe("0, 1");
		expect((await gpcOf(repeated)).consent).toBe(true);
		const noSignal = new Headers();
		noSignal.append("Sec-GPC", "0");
		noSignal.append("sec-gpc", "");
		expect((await gpcOf(noSignal)).consent).toBe(false);
	});

	it("is read the same for every method (a keyed PUT and the opt-out)", async () => {
		for (const [value, expected] of [
			["1", true],
			["\u00a01", false],
			["0", false],
		] as const) {
			const subject = `user:gpc-method-${expected}-${value.charCodeAt(0)}`;
			const put = await call(
				"/v1/consent",
				keyed({
					method: "PUT",
					cf: CA,
					headers: { "Sec-GPC": value, "Content-Type": "application/json" },
					body: JSON.stringify({ subject, purposes: { analytics: true } }),
				}),
			);
			expect(put.status).toBe(200);
			expect((await put.json<{ gpc: boolean }>()).gpc, JSON.stringify(value)).toBe(expected);
		}
	});
});
