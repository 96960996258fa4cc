import { describe, expect, it } from "vitest";
import {
	COOKIE_ALLOWANCE_MS,
	cookieIsFresh,
	type DecisionCookie,
	signDecisionCookie,
	verifyDecisionCookie,
} from "../../workers/consent/decision-cookie";
import { toBase64Url } from "../../workers/crypto/encoding";

const KEY = "k1-0123456789abcdef";
const cookie: DecisionCookie = {
	subject: "v:abc",
	state: {
		version: 4,
		purposes: { ads: false, analytics: true },
		sources: { ads: "gpc", analytics: "ui" },
		policyVersion: "p1",
		updatedAt: 1_700_000_000_000,
	},
	issuedAt: 1_700_000_100_000,
	decision: { essential: true, ads: false, analytics: true },
	jurisdiction: "US-CA",
	prompt: false,
};

describe("decision cookie", () => {
	it("round-trips what it signs", async () => {
		const value = await signDecisionCookie(cookie, KEY);
		expect(value).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
		const back = await verifyDecisionCookie(value, [KEY]);
		expect(back?.subject).toBe("v:abc");
		expect(back?.state.version).toBe(4);
		expect(back?.state.purposes).toEqual({ ads: false, analytics: true });
		expect(back?.state.sources.ads).toBe("gpc");
		expect(back?.state.policyVersion).toBe("p1");
		expect(back?.issuedAt).toBe(1_700_000_100_000);
		expect(back?.decision).toEqual({ essential: true, ads: false, analytics: true });
	});

	it("is readable by page JavaScript: base64url JSON before the dot", async () => {
		const value = await signDecisionCookie(cookie, KEY);
		const json = JSON.parse(atob((value.split(".")[0] ?? "").replace(/-/g, "+").replace(/_/g, "/")));
		expect(json.d).toEqual({ essential: 1, ads: 0, analytics: 1 });
		expect(json.j).toBe("US-CA");
	});

	it("rejects a tampered payload, a tampered signature, another key and garbage", async () => {
		const value = await signDecisionCookie(cookie, KEY);
		// Verified first, so it is remembered (by its signature): the forgeries below share that signature.
		const genuine = await verifyDecisionCookie(value, [KEY]);
		expect(genuine).not.toBeNull();
		const [body, sig] = value.split(".") as [string, string];
		const json = JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/")));
		json.p.ads = 1;
		const forgedBody = toBase64Url(new TextEncoder().encode(JSON.stringify(json)));
		expect(await verifyDecisionCookie(`${forgedBody}.${sig}`, [KEY])).toBeNull();
		expect(await verifyDecisionCookie(`x${value}`, [KEY])).toBeNull();
		const flipped = sig.startsWith("A") ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
		expect(await verifyDecisionCookie(`${body}.${flipped}`, [KEY])).toBeNull();
		// A bit changed in the last character, whose two low bits no MAC byte fills, is tampering too.
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const last = alphabet.indexOf(sig.at(-1) ?? "");
		for (const bit of [1, 2, 3]) {
			const spare = `${sig.slice(0, -1)}${alphabet[last ^ bit]}`;
			expect(await verifyDecisionCookie(`${body}.${spare}`, [KEY])).toBeNull();
		}
		expect(await verifyDecisionCookie(value, ["another-key"])).toBeNull();
		for (const junk of [
			"",
			".",
			"abc",
			`${body}.`,
			`.${sig}`,
			`${body}.${sig}x`,
			"x".repeat(5000),
			`${body}.${sig}.extra`,
			"%%%.***",
		]) {
			expect(await verifyDecisionCookie(junk, [KEY])).toBeNull();
		}
		expect(await verifyDecisionCookie(undefined, [KEY])).toBeNull();
		// The genuine cookie still verifies, as the same object (what the steady memos are keyed on).
		expect(await verifyDecisionCookie(value, [KEY])).toBe(genuine);
		expect(await verifyDecisionCookie(value, [`${KEY}`.slice(0)])).toBe(genuine);
	});

	it("rejects its signature spelled with other trailing bits (one cookie, one spelling)", async () => {
		const value = await signDecisionCookie(cookie, KEY);
		const [body, sig] = value.split(".") as [string, string];
		// 43 characters carry 258 bits for the MAC's 256: the last one's two low bits must be zero.
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const last = alphabet.indexOf(sig.at(-1) ?? "");
		expect(last % 4).toBe(0);
		for (let low = 1; low < 4; low++) {
			const variant = `${body}.${sig.slice(0, -1)}${alphabet[last + low]}`;
			expect(await verifyDecisionCookie(variant, [KEY]), variant).toBeNull();
		}
		expect(await verifyDecisionCookie(value, [KEY])).not.toBeNull();
	});

	it("rejects a validly signed payload of the wrong shape", async () => {
		const { hmacSign } = await import("../../workers/crypto/hmac");
		const body = toBase64Url(new TextEncoder().encode(JSON.stringify({ s: "v:x", v: "1" })));
		expect(await verifyDecisionCookie(`${body}.${await hmacSign(KEY, body)}`, [KEY])).toBeNull();
	});

	it("accepts the previous key during a rotation", async () => {
		const value = await signDecisionCookie(cookie, "old-key");
		expect(await verifyDecisionCookie(value, [KEY, "old-key"])).not.toBeNull();
	});

	it("trusts allowances for ten minutes only", () => {
		expect(cookieIsFresh(cookie, cookie.issuedAt + COOKIE_ALLOWANCE_MS)).toBe(true);
		expect(cookieIsFresh(cookie, cookie.issuedAt + COOKIE_ALLOWANCE_MS + 1000)).toBe(false);
		// A cookie from the far future (clock games) is not fresh either.
		expect(cookieIsFresh(cookie, cookie.issuedAt - 5 * 60_000)).toBe(false);
	});
});
