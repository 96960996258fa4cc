/**
 * Rotating SIGNING_KEY (docs/SECURITY.md): the old key moves to SIGNING_KEY_PREVIOUS, so unsubscribe
 * links already in inboxes and `ce_consent` cookies already in browsers keep working, and everything
 * new is signed with the new key. Once the old key is deleted, what it signed is refused (links: 403
 * HTML, cookies: ignored and the choice re-read from storage), never a 5xx, and nobody loses an opt-out.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { verifyDecisionCookie } from "../../workers/consent/decision-cookie";
import { verifyUnsubscribeToken } from "../../workers/email/unsubscribe-token";
import { callWithEnv, issueLink, json, keyed, pathOf, suppression } from "../email/email-fixtures";
import { brokenD1, brokenKV, envWith, SIGNING_KEY, signedVisitorCookie } from "../helpers";

const NEW_KEY = "rotated-signing-key-fedcba9876543210";
const CA = { country: "US", regionCode: "CA" };
const rotating = () => envWith({ SIGNING_KEY: NEW_KEY, SIGNING_KEY_PREVIOUS: SIGNING_KEY } as Partial<Env>);
const rotated = () => envWith({ SIGNING_KEY: NEW_KEY } as Partial<Env>);

const oneClickWith = (testEnv: Env, path: string) =>
	callWithEnv(testEnv, path, {
		method: "POST",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: "List-Unsubscribe=One-Click",
	});

const oldKeyCookie = (vid: string, purposes: Record<string, boolean>, issuedAt: number) =>
	signedVisitorCookie(vid, purposes, { issuedAt }, SIGNING_KEY);

const tokenOf = (url: string) => new URL(url).searchParams.get("t");

describe("unsubscribe links across a SIGNING_KEY rotation", () => {
	it("a link sent before the rotation still unsubscribes; new links are signed with the new key", async () => {
		const sent = await issueLink("rotation-kept@example.com", "news");
		expect((await callWithEnv(rotating(), pathOf(sent.url))).status).toBe(200);
		expect((await oneClickWith(rotating(), pathOf(sent.url))).status).toBe(200);
		expect(await suppression("rotation-kept@example.com", "news")).toMatchObject({ suppressed: true });

		const res = await callWithEnv(
			rotating(),
			"/v1/unsubscribe-links",
			keyed({ method: "POST", ...json({ email: "rotation-new@example.com", list: "news" }) }),
		);
		const fresh = await res.json<{ url: string }>();
		const now = Date.now();
		expect((await verifyUnsubscribeToken(tokenOf(fresh.url), [NEW_KEY], now)).ok).toBe(true);
		expect((await verifyUnsubscribeToken(tokenOf(fresh.url), [SIGNING_KEY], now)).ok).toBe(false);
	});

	it("once the old key is deleted, its links are refused with an HTML 403 and change nothing", async () => {
		const sent = await issueLink("rotation-dropped@example.com", "news");
		const page = await callWithEnv(rotated(), pathOf(sent.url));
		expect(page.status).toBe(403);
		expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		const post = await oneClickWith(rotated(), pathOf(sent.url));
		expect(post.status).toBe(403);
		// A person pressing the confirmation page's button (loaded before the key was deleted) is told
		// in a page, in their language, not in the plain text a mail provider's server gets.
		const pressed = await callWithEnv(rotated(), pathOf(sent.url), {
			method: "POST",
			headers: {
				"Content-Type": "application/x-www-form-urlencoded",
				"Sec-Fetch-Mode": "navigate",
				"Sec-Fetch-Dest": "document",
				"Accept-Language": "ja",
			},
			body: "List-Unsubscribe=One-Click",
		});
		expect(pressed.status).toBe(403);
		expect(pressed.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(await pressed.text()).toContain('<html lang="ja">');
		expect(await suppression("rotation-dropped@example.com", "news")).toEqual({ suppressed: false });
	});
});

describe("ce_consent across a SIGNING_KEY rotation", () => {
	it("a fresh cookie signed with the previous key still decides without storage", async () => {
		const vid = "rotationFreshCookie_012345";
		const cookie = await oldKeyCookie(vid, { ads: false, analytics: true }, Date.now());
		const res = await callWithEnv(
			envWith({ ...rotating(), DB: brokenD1(), CONSENT_KV: brokenKV() }),
			"/v1/consent",
			{
				cf: CA,
				headers: { Cookie: `ce_vid=${vid}; ce_consent=${cookie}` },
			},
		);
		const doc = await res.json<{ reasons: Record<string, string> }>();
		expect(doc.reasons).toMatchObject({ ads: "explicit", analytics: "explicit" });
	});

	it("once stale it is re-issued under the new key; once the old key is deleted it is ignored and the opt-out read from storage", async () => {
		const vid = "rotationStaleCookie_012345";
		const subject = await visitorSubject(vid);
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: false } }) }),
		);
		// Cookies that still say ads are allowed: only storage knows better. While both keys are
		// accepted a stale one is re-read; once the old key is gone even a fresh one is ignored.
		const stale = await oldKeyCookie(vid, { ads: true }, Date.now() - 20 * 60_000);
		const fresh = await oldKeyCookie(vid, { ads: true }, Date.now());
		for (const [testEnv, cookie] of [
			[rotating(), stale],
			[rotated(), fresh],
		] as const) {
			const res = await callWithEnv(testEnv, "/v1/consent", {
				cf: CA,
				headers: { Cookie: `ce_vid=${vid}; ce_consent=${cookie}` },
			});
			expect(res.status).toBe(200);
			expect((await res.json<{ purposes: Record<string, boolean> }>()).purposes.ads).toBe(false);
			const reissued = res.headers.getSetCookie().find((c) => c.startsWith("ce_consent="));
			const value = reissued?.split(";")[0]?.slice("ce_consent=".length);
			expect(await verifyDecisionCookie(value, [NEW_KEY])).not.toBeNull();
			expect(await verifyDecisionCookie(value, [SIGNING_KEY])).toBeNull();
		}
	});
});

/**
 * Two rotations within UNSUBSCRIBE_TOKEN_DAYS (a leak, a staff change): with one previous key, the
 * links signed two keys ago answered 403, and the person who pressed one stayed subscribed.
 * SIGNING_KEY_PREVIOUS takes a comma-separated list, so every key still in use keeps verifying.
 */
describe("two SIGNING_KEY rotations in a row", () => {
	const THIRD_KEY = "third-signing-key-0123456789abcdef0123";
	const twiceRotated = () =>
		envWith({ SIGNING_KEY: THIRD_KEY, SIGNING_KEY_PREVIOUS: `${NEW_KEY}, ${SIGNING_KEY}` } as Partial<Env>);

	it("a link signed two keys ago still unsubscribes, and new links use the newest key only", async () => {
		const sent = await issueLink("rotated-twice@example.com", "news");
		expect((await callWithEnv(twiceRotated(), pathOf(sent.url))).status).toBe(200);
		expect((await oneClickWith(twiceRotated(), pathOf(sent.url))).status).toBe(200);
		expect(await suppression("rotated-twice@example.com", "news")).toMatchObject({ suppressed: true });

		const res = await callWithEnv(
			twiceRotated(),
			"/v1/unsubscribe-links",
			keyed({ method: "POST", ...json({ email: "rotated-twice-new@example.com", list: "news" }) }),
		);
		const token = tokenOf((await res.json<{ url: string }>()).url);
		expect((await verifyUnsubscribeToken(token, [THIRD_KEY], Date.now())).ok).toBe(true);
		expect((await verifyUnsubscribeToken(token, [NEW_KEY, SIGNING_KEY], Date.now())).ok).toBe(false);
	});

	it("a fresh ce_consent signed two keys ago still decides without storage", async () => {
		const vid = "rotatedTwiceFreshCookie_01";
		const cookie = await oldKeyCookie(vid, { ads: false, analytics: true }, Date.now());
		const res = await callWithEnv(
			envWith({ ...twiceRotated(), DB: brokenD1(), CONSENT_KV: brokenKV() }),
			"/v1/consent",
			{ cf: CA, headers: { Cookie: `ce_vid=${vid}; ce_consent=${cookie}` } },
		);
		const doc = await res.json<{ reasons: Record<string, string> }>();
		expect(doc.reasons).toMatchObject({ ads: "explicit", analytics: "explicit" });
	});
});
