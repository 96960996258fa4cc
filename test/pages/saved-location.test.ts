/**
 * CONTRACT.md, Endpoints: a form post to /preferences "saves (unchecked = denied) and answers 303 to
 * `/preferences?saved=1`"; POST /v1/opt-out answers "303 to `/preferences?saved=1` for a form post";
 * "hidden fields are allowed and will be sent back". A hidden field (here `return`, which the page
 * itself now adds) must not change where the 303 leads.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hmacSign } from "../../workers/crypto/hmac";
import { BASE, call, callWithEnv, envWith, SIGNING_KEY, Visitor } from "../helpers";

const FORM = { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE };
const post = (path: string, body: string) =>
	call(path, { method: "POST", cf: { country: "DE" }, headers: FORM, body });

describe("a form post's 303", () => {
	it("leads to /preferences?saved=1 whatever hidden fields the form sent back", async () => {
		const back = encodeURIComponent(`${BASE}/article`);
		for (const path of ["/preferences", "/v1/opt-out"]) {
			const res = await post(path, `form=preferences&analytics=on&return=${back}`);
			expect(res.status, path).toBe(303);
			expect(res.headers.get("Location"), path).toBe("/preferences?saved=1");
		}
	});
});

describe("the confirmation at /preferences?saved=1", () => {
	const SAVED = '<p class="notice" role="status">Your choices have been saved.</p>';
	const formPost = (visitor: Visitor, path: string) =>
		visitor.fetch(path, { method: "POST", headers: FORM, body: "form=preferences&analytics=on" });

	it("is not claimed by a mere link: a visitor with stored choices who saved nothing is not told 'saved'", async () => {
		// Anyone can link to /preferences?saved=1 (another site, a mail): a person with a ce_vid and
		// stored choices must not read that their choices were just saved when nothing was.
		const visitor = new Visitor({ country: "DE" });
		expect((await visitor.put({ ads: false }, { headers: { Origin: BASE } })).status).toBe(200);
		for (const lang of ["ja", "en"]) {
			const html = await (await visitor.fetch(`/preferences?saved=1&lang=${lang}`)).text();
			expect(html).not.toContain(SAVED);
			expect(html).not.toContain("設定を保存しました");
			expect(html).not.toMatch(/<title>(Your choices have been saved|設定を保存しました)/);
		}
		// The browser's own save, by either form button, says so (and on a reload within the minute).
		for (const path of ["/preferences", "/v1/opt-out"]) {
			const res = await formPost(visitor, path);
			expect(res.status, path).toBe(303);
			const location = res.headers.get("Location") ?? "";
			for (let load = 0; load < 2; load++)
				expect(await (await visitor.fetch(location)).text(), path).toContain(SAVED);
		}
	});
});

describe("/preferences?saved=1 for a browser that sends no cookies", () => {
	const NOT_KEPT = '<p class="notice warning" role="alert">Your choices could not be kept';
	const NOT_KEPT_JA = '<p class="notice warning" role="alert">設定を保持できませんでした';
	const page = async (path: string, headers: Record<string, string>) => {
		const res = await call(path, { cf: { country: "DE" }, headers });
		expect(res.status).toBe(200);
		return res.text();
	};

	// A link in a mail or a bookmark (`none`), or on another site (`cross-site`): a first visit, which has
	// no cookie to send back, was told its cookies seemed blocked.
	it.each(["none", "cross-site"])(
		"Sec-Fetch-Site: %s, a new visitor's link, gets the plain page in either language",
		async (site) => {
			for (const [path, headers, title] of [
				["/preferences?saved=1", {}, "<title>Privacy preferences</title>"],
				["/preferences?saved=1&lang=ja", {}, "<title>プライバシー設定</title>"],
				["/preferences?saved=1", { "Accept-Language": "ja-JP" }, "<title>プライバシー設定</title>"],
				["/preferences?lang=JA&saved=1", {}, "<title>プライバシー設定</title>"],
			] as const) {
				const html = await page(path, { ...headers, "Sec-Fetch-Site": site });
				expect(html, path).toContain(title);
				expect(html, path).not.toContain('role="alert"');
				expect(html, path).not.toContain('role="status"');
			}
		},
	);

	// A link on a sibling subdomain (mail.example.com to prefs.example.com) is `same-site`, and so is a
	// sibling's form's 303: Chromium sends both the same Sec-Fetch-Site and Referer (the sibling's
	// origin), and the follow-up GET no Origin. Only the page's own form is told apart (`same-origin`).
	it("Sec-Fetch-Site: same-site, a sibling subdomain's link, gets the plain page", async () => {
		for (const path of ["/preferences?saved=1", "/preferences?saved=1&lang=ja", "/preferences?erased=1"]) {
			const html = await page(path, {
				"Sec-Fetch-Site": "same-site",
				Referer: "https://mail.consent.example/",
			});
			expect(html, path).not.toContain('role="alert"');
			expect(html, path).not.toContain('role="status"');
		}
	});

	// A browser that sends no Fetch Metadata (an older one, or Chromium on a plain-http origin) still
	// sends a Referer: the form's 303 names the form's page, on this origin; a link elsewhere its page.
	it("no Sec-Fetch-Site, a Referer on another origin: a link there, the plain page", async () => {
		for (const referer of [
			"https://mail.consent.example/",
			"https://news.example/article",
			"http://consent.example/",
		]) {
			for (const path of ["/preferences?saved=1", "/preferences?erased=1"]) {
				const html = await page(path, { Referer: referer });
				expect(html, `${path} ${referer}`).not.toContain('role="alert"');
				expect(html, `${path} ${referer}`).not.toContain('role="status"');
			}
		}
		for (const referer of [`${BASE}/preferences`, `${BASE}/`, `${BASE}/preferences?lang=ja`]) {
			expect(await page("/preferences?saved=1", { Referer: referer }), referer).toContain(NOT_KEPT);
			expect(await page("/preferences?erased=1", { Referer: referer }), referer).toContain('role="status"');
		}
	});

	// Back from its own save on this site (its form's 303 is a same-origin navigation, as is a reload of
	// it) without the cookies that save set: the browser refuses them.
	it.each([["same-origin"], [null]])(
		"Sec-Fetch-Site: %s, back from a save, is told its choices were not kept",
		async (site) => {
			const headers: Record<string, string> = site === null ? {} : { "Sec-Fetch-Site": site };
			const en = await page("/preferences?saved=1", headers);
			expect(en).toContain(NOT_KEPT);
			expect(en).toMatch(/<title>Your choices could not be kept/);
			const ja = await page("/preferences?saved=1", { ...headers, "Accept-Language": "ja" });
			expect(ja).toContain(NOT_KEPT_JA);
		},
	);

	it("a malformed ce_vid is no cookie kept: the same answers", async () => {
		const broken = { Cookie: "ce_vid=not*a*visitor*id; ce_saved=1" };
		expect(await page("/preferences?saved=1", { ...broken, "Sec-Fetch-Site": "same-origin" })).toContain(
			NOT_KEPT,
		);
		const linked = await page("/preferences?saved=1", { ...broken, "Sec-Fetch-Site": "cross-site" });
		expect(linked).not.toContain('role="alert"');
		expect(linked).not.toContain('role="status"');
	});
});

describe("odd saved parameters", () => {
	const SAVED = '<p class="notice" role="status">Your choices have been saved.</p>';

	it("only saved=1 with the browser's own ce_saved says saved; nothing else says anything", async () => {
		const visitor = new Visitor({ country: "DE" });
		expect((await visitor.put({ ads: false }, { headers: { Origin: BASE } })).status).toBe(200);
		const html = async (path: string, extra = "") => {
			const cookie = visitor.cookieHeader() + extra;
			return (await call(path, { cf: { country: "DE" }, headers: { Cookie: cookie } })).text();
		};
		for (const path of [
			"/preferences?saved=",
			"/preferences?saved=0",
			"/preferences?saved=true",
			"/preferences?saved",
		]) {
			const text = await html(path, "; ce_saved=1");
			expect(text, path).not.toContain(SAVED);
			expect(text, path).not.toContain('role="alert"');
		}
		for (const marker of ["", "; ce_saved=0", "; ce_saved=", "; ce_saved=11", "; ce_saved=1"]) {
			const text = await html("/preferences?saved=1", marker);
			expect(text, marker).not.toContain(SAVED);
			expect(text, marker).not.toContain('role="alert"');
		}
		// The browser's own save's marker.
		const saved = await visitor.fetch("/preferences", {
			method: "POST",
			headers: FORM,
			body: "form=preferences&analytics=on",
		});
		expect(saved.status).toBe(303);
		const own = `; ce_saved=${visitor.cookies.get("ce_saved")}`;
		visitor.cookies.delete("ce_saved");
		for (const path of ["/preferences?saved=", "/preferences?saved=0", "/preferences?saved"])
			expect(await html(path, own), path).not.toContain(SAVED);
		expect(await html("/preferences?saved=1&saved=0", own)).toContain(SAVED);
		expect(await html("/preferences?saved=1&lang=ja", own)).toContain("設定を保存しました。");
	});
});

describe("a ce_saved this browser's own save did not set", () => {
	const SAVED = '<p class="notice" role="status">Your choices have been saved.</p>';
	const FORM_POST = { method: "POST", headers: FORM, body: "form=preferences&analytics=on" } as const;
	const savedPage = (cookie: string) =>
		call("/preferences?saved=1", { cf: { country: "DE" }, headers: { Cookie: cookie } });

	it("a forged or old marker (ce_saved=1, as a sibling subdomain or a script could set) says nothing", async () => {
		const visitor = new Visitor({ country: "DE" });
		expect((await visitor.put({ ads: false }, { headers: { Origin: BASE } })).status).toBe(200);
		for (const marker of [
			"1",
			"1.AAAA",
			"0.x",
			".",
			"1764800000.",
			"%",
			"99999999999999999999.abc",
			"1".repeat(4000),
		]) {
			const res = await savedPage(`${visitor.cookieHeader()}; ce_saved=${marker}`);
			expect(res.status, marker).toBe(200);
			const html = await res.text();
			expect(html, marker).not.toContain(SAVED);
			expect(html, marker).not.toContain('role="alert"');
		}
	});

	it("another visitor's marker, from their own real save, says nothing to this one", async () => {
		const saver = new Visitor({ country: "DE" });
		expect((await saver.fetch("/preferences", FORM_POST)).status).toBe(303);
		const marker = saver.cookies.get("ce_saved");
		expect(marker).toBeDefined();
		expect(await (await saver.fetch("/preferences?saved=1")).text()).toContain(SAVED);
		const other = new Visitor({ country: "DE" });
		expect((await other.put({ ads: false }, { headers: { Origin: BASE } })).status).toBe(200);
		const html = await (await savedPage(`${other.cookieHeader()}; ce_saved=${marker}`)).text();
		expect(html).not.toContain(SAVED);
		expect(html).not.toContain('role="alert"');
	});

	it("a forged copy sent before the real one does not hide the browser's own save", async () => {
		const visitor = new Visitor({ country: "DE" });
		expect((await visitor.fetch("/v1/opt-out", FORM_POST)).status).toBe(303);
		const real = visitor.cookies.get("ce_saved");
		visitor.cookies.delete("ce_saved");
		const html = await (await savedPage(`ce_saved=1; ${visitor.cookieHeader()}; ce_saved=${real}`)).text();
		expect(html).toContain(SAVED);
	});

	it("lasts the minute it was set for, under SIGNING_KEY or a listed SIGNING_KEY_PREVIOUS", async () => {
		const visitor = new Visitor({ country: "DE" });
		expect((await visitor.put({ ads: false }, { headers: { Origin: BASE } })).status).toBe(200);
		const vid = visitor.cookies.get("ce_vid") ?? "";
		const minted = async (ageS: number, key = SIGNING_KEY) => {
			const savedAt = String(Math.floor(Date.now() / 1000) - ageS);
			return `${savedAt}.${await hmacSign(key, `ce_saved:${vid}:${savedAt}`)}`;
		};
		const says = async (marker: string, testEnv: Env = env) =>
			(
				await (
					await callWithEnv(testEnv, "/preferences?saved=1", {
						cf: { country: "DE" },
						headers: { Cookie: `${visitor.cookieHeader()}; ce_saved=${marker}` },
					})
				).text()
			).includes(SAVED);
		expect(await says(await minted(0))).toBe(true);
		expect(await says(await minted(50))).toBe(true);
		expect(await says(await minted(120))).toBe(false);
		expect(await says(await minted(-3600))).toBe(false);
		expect(await says(await minted(0, "some-other-key-0123456789abcdef0123"))).toBe(false);
		// A bit changed in the MAC's last character (two of its bits are spare) is a forgery too.
		const genuine = await minted(0);
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const last = alphabet.indexOf(genuine.at(-1) ?? "");
		for (const bit of [1, 2])
			expect(await says(`${genuine.slice(0, -1)}${alphabet[last ^ bit]}`)).toBe(false);
		const rotated = envWith({
			SIGNING_KEY: "rotated-signing-key-0123456789abcdef",
			SIGNING_KEY_PREVIOUS: SIGNING_KEY,
		} as Partial<Env>);
		expect(await says(await minted(0), rotated)).toBe(true);
		const dropped = envWith({
			SIGNING_KEY: "rotated-signing-key-0123456789abcdef",
			SIGNING_KEY_PREVIOUS: "",
		} as Partial<Env>);
		expect(await says(await minted(0), dropped)).toBe(false);
	});

	it("without SIGNING_KEY, still says saved after the browser's own save and nothing for a forged marker", async () => {
		const unsigned = envWith({ SIGNING_KEY: "", SIGNING_KEY_PREVIOUS: "" } as Partial<Env>);
		const saved = await callWithEnv(unsigned, "/preferences", { cf: { country: "DE" }, ...FORM_POST });
		expect(saved.status).toBe(303);
		const cookies = saved.headers.getSetCookie().map((line) => line.split(";")[0] ?? "");
		const own = cookies.join("; ");
		expect(own).toMatch(/ce_saved=\d+\./);
		const page = async (cookie: string) =>
			(
				await (
					await callWithEnv(unsigned, "/preferences?saved=1", {
						cf: { country: "DE" },
						headers: { Cookie: cookie },
					})
				).text()
			).includes(SAVED);
		expect(await page(own)).toBe(true);
		const vid = cookies.filter((pair) => pair.startsWith("ce_vid="));
		expect(await page([...vid, "ce_saved=1"].join("; "))).toBe(false);
	});
});
