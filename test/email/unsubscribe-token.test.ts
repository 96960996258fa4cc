/** Unsubscribe tokens: bound to address hash, list and expiry; forged, truncated, expired, swapped lists fail. */
import { describe, expect, it } from "vitest";
import { hashEmail } from "../../workers/email/email-address";
import { signUnsubscribeToken, verifyUnsubscribeToken } from "../../workers/email/unsubscribe-token";

const KEY = "test-signing-key-0123456789abcdef";
const NOW = Date.UTC(2026, 10, 29);
const LATER = NOW + 86_400_000;

async function token(list = "news", email = "ada@example.com", expiresAt = LATER, key = KEY) {
	const emailHash = await hashEmail(email, "test-email-hash-key-0123456789abcdef");
	return { emailHash, token: await signUnsubscribeToken({ emailHash, list, expiresAt }, key) };
}

describe("unsubscribe tokens", () => {
	it("round-trips address hash, list and expiry", async () => {
		const { emailHash, token: t } = await token();
		expect(t).toMatch(/^u1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
		expect(await verifyUnsubscribeToken(t, [KEY], NOW)).toEqual({
			ok: true,
			claim: { emailHash, list: "news", expiresAt: LATER },
		});
	});

	it("never contains the address, in any encoding", async () => {
		const { token: t } = await token("news", "ada.lovelace@example.com");
		for (const needle of ["ada", "lovelace", "example", btoa("ada.lovelace@example.com").slice(0, 12)]) {
			expect(t.toLowerCase()).not.toContain(needle.toLowerCase());
		}
	});

	it("rejects a changed MAC, a changed hash and a foreign key as forged", async () => {
		const { token: t } = await token();
		const parts = t.split(".");
		const flip = (s: string) => (s[0] === "A" ? `B${s.slice(1)}` : `A${s.slice(1)}`);
		const badMac = [...parts.slice(0, 4), flip(parts[4] ?? "")].join(".");
		const badHash = [parts[0], flip(parts[1] ?? ""), ...parts.slice(2)].join(".");
		expect(await verifyUnsubscribeToken(badMac, [KEY], NOW)).toEqual({ ok: false, problem: "forged" });
		expect(await verifyUnsubscribeToken(badHash, [KEY], NOW)).toEqual({ ok: false, problem: "forged" });
		expect(await verifyUnsubscribeToken(t, ["another-key-0123456789abcdefgh"], NOW)).toEqual({
			ok: false,
			problem: "forged",
		});
	});

	it("rejects its MAC spelled with other trailing bits, which decode to the same bytes", async () => {
		const { token: t } = await token();
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const last = alphabet.indexOf(t.at(-1) ?? "");
		for (let low = 1; low < 4; low++) {
			const variant = `${t.slice(0, -1)}${alphabet[last + low]}`;
			expect(await verifyUnsubscribeToken(variant, [KEY], NOW)).toEqual({ ok: false, problem: "forged" });
		}
	});

	it("is bound to its list: another list's part does not verify", async () => {
		const news = (await token("news")).token.split(".");
		const offers = (await token("offers")).token.split(".");
		const swapped = [news[0], news[1], offers[2], news[3], news[4]].join(".");
		expect(await verifyUnsubscribeToken(swapped, [KEY], NOW)).toEqual({ ok: false, problem: "forged" });
	});

	it("is bound to its expiry: a later expiry does not verify", async () => {
		const parts = (await token()).token.split(".");
		const extended = [...parts.slice(0, 3), Math.floor((LATER + 1e10) / 1000).toString(36), parts[4]].join(
			".",
		);
		expect(await verifyUnsubscribeToken(extended, [KEY], NOW)).toEqual({ ok: false, problem: "forged" });
	});

	it("rejects truncated tokens", async () => {
		const { token: t } = await token();
		// One character short: the MAC no longer decodes to 32 bytes.
		expect(await verifyUnsubscribeToken(t.slice(0, -1), [KEY], NOW)).toEqual({
			ok: false,
			problem: "forged",
		});
		expect(await verifyUnsubscribeToken(t.slice(0, -44), [KEY], NOW)).toEqual({
			ok: false,
			problem: "malformed",
		});
		expect(await verifyUnsubscribeToken(t.slice(0, 20), [KEY], NOW)).toEqual({
			ok: false,
			problem: "malformed",
		});
	});

	it("reports expiry only for genuine tokens", async () => {
		const { token: t } = await token("news", "ada@example.com", NOW - 1000);
		expect(await verifyUnsubscribeToken(t, [KEY], NOW)).toEqual({ ok: false, problem: "expired" });
		expect(await verifyUnsubscribeToken(t, [KEY], NOW - 5000)).toMatchObject({ ok: true });
	});

	it("accepts tokens signed with a previous key during rotation", async () => {
		const { token: t } = await token("news", "ada@example.com", LATER, "old-signing-key-0123456789abcdef");
		expect(await verifyUnsubscribeToken(t, [KEY, "old-signing-key-0123456789abcdef"], NOW)).toMatchObject({
			ok: true,
		});
	});

	it("classifies missing and malformed input", async () => {
		expect(await verifyUnsubscribeToken(null, [KEY], NOW)).toEqual({ ok: false, problem: "missing" });
		expect(await verifyUnsubscribeToken("", [KEY], NOW)).toEqual({ ok: false, problem: "missing" });
		for (const bad of [
			"garbage",
			"u2.a.b.c.d",
			"u1....",
			`u1.${"A".repeat(43)}.!!.1.${"A".repeat(43)}`,
			"x".repeat(500),
		]) {
			expect(await verifyUnsubscribeToken(bad, [KEY], NOW), bad).toEqual({ ok: false, problem: "malformed" });
		}
	});
});
