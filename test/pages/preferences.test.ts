/**
 * The preference centre: server-rendered en/ja page, the no-JavaScript form flow (303s whatever the
 * Accept or Fetch Metadata headers), Origin rejections, the GPC status line, history and headers.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { NON_ESSENTIAL_PURPOSES, PURPOSES } from "../../workers/config/purposes";
import { visitorSubject } from "../../workers/consent/caller";
import { BASE, brokenD1, brokenKV, call, callWithEnv, keyed, setCookieNamed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const DE = { country: "DE" };
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

function checkbox(html: string, purpose: string): string {
	const m = new RegExp(`<input [^>]*id="purpose-${purpose}"[^>]*>`).exec(html);
	if (!m) throw new Error(`no checkbox for ${purpose}`);
	return m[0];
}

function isChecked(html: string, purpose: string): boolean {
	return / checked[ >]/.test(checkbox(html, purpose));
}

function formPost(visitor: Visitor, body: string, headers: Record<string, string> = {}) {
	return visitor.fetch("/preferences", {
		method: "POST",
		headers: { ...FORM, Origin: BASE, ...headers },
		body,
	});
}

async function subjectOf(visitor: Visitor): Promise<string> {
	const vid = visitor.cookies.get("ce_vid");
	if (!vid) throw new Error("visitor has no ce_vid");
	return visitorSubject(vid);
}

async function recordsOf(visitor: Visitor) {
	const subject = await subjectOf(visitor);
	const res = await call(`/v1/subjects/${encodeURIComponent(subject)}/records`, keyed());
	return (await res.json<{ records: { source: string; changes: Record<string, boolean> }[] }>()).records;
}

describe("GET /preferences", () => {
	it("renders every purpose with its description and state, and issues ce_vid and ce_consent", async () => {
		const res = await call("/preferences", { cf: CA });
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(setCookieNamed(res, "ce_vid")).toMatch(
			/^ce_vid=[A-Za-z0-9_-]{22,64}; Path=\/; Max-Age=31536000; SameSite=Lax; Secure; HttpOnly$/,
		);
		expect(setCookieNamed(res, "ce_consent")).toMatch(/^ce_consent=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+;/);
		const html = await res.text();
		expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
		expect(html).toContain('<form method="post" action="/preferences" autocomplete="off">');
		for (const purpose of PURPOSES) {
			expect(html).toContain(purpose.description.en);
			expect(html).toContain(`<label for="purpose-${purpose.name}">${purpose.label.en}</label>`);
		}
		for (const name of NON_ESSENTIAL_PURPOSES) {
			expect(checkbox(html, name)).toContain(`name="${name}"`);
			expect(checkbox(html, name)).not.toContain("disabled");
			// California is opt-out: every purpose is on by default there.
			expect(isChecked(html, name)).toBe(true);
		}
		expect(checkbox(html, "essential")).not.toContain("name=");
		expect(checkbox(html, "essential")).toContain("disabled");
		expect(html).toContain("Currently: On (default for your region)");
		expect(html).toContain("<fieldset>");
		expect(html).toMatch(/<legend>[^<]+<\/legend>/);
		expect(html).not.toMatch(/<script|role="dialog"|Opt-Out Preference Signal Honored/);
	});

	it("shows opt-in defaults as off in the EU", async () => {
		const html = await (await call("/preferences", { cf: DE })).text();
		for (const name of NON_ESSENTIAL_PURPOSES) expect(isChecked(html, name)).toBe(false);
	});

	it("has one opt-out-of-everything button styled like the save button, posting to /v1/opt-out", async () => {
		const html = await (await call("/preferences", { cf: CA })).text();
		const buttons = [...html.matchAll(/<button [^>]*>[^<]*<\/button>/g)].map((m) => m[0]);
		expect(buttons).toEqual([
			'<button type="submit" class="button">Save choices</button>',
			'<button type="submit" class="button" formaction="/v1/opt-out" aria-describedby="actions-hint">Opt out of everything</button>',
		]);
	});

	it("sends strict security headers, and the CSP allows exactly the inline stylesheet", async () => {
		const res = await call("/preferences", { cf: CA });
		const html = await res.text();
		const csp = res.headers.get("Content-Security-Policy") ?? "";
		expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src 'self' data:; /);
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("form-action 'self'");
		expect(csp).not.toMatch(/unsafe-inline|script-src/);
		const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
		const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(style)));
		expect(csp).toContain(`'sha256-${btoa(String.fromCharCode(...digest))}'`);
		expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
		expect(res.headers.get("Referrer-Policy")).toBe("same-origin");
		expect(res.headers.get("Cache-Control")).toBe("private, no-store");
		expect(res.headers.get("Content-Language")).toBe("en");
		expect(res.headers.get("Vary")).toBe("Cookie, Sec-GPC, Authorization, Accept-Language");
		expect(html).not.toMatch(/<link |src="https?:|url\(/);
	});

	it("speaks Japanese by Accept-Language, and the ?lang link switches and is remembered", async () => {
		const ja = await call("/preferences", {
			cf: CA,
			headers: { "Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8" },
		});
		const html = await ja.text();
		expect(html).toContain('<html lang="ja">');
		expect(html).toContain("<h1>プライバシー設定</h1>");
		expect(html).toContain(PURPOSES[3]?.description.ja);
		expect(html).toContain('<a href="/preferences?lang=en" hreflang="en" lang="en">English</a>');
		expect(ja.headers.get("Content-Language")).toBe("ja");

		const weighted = await call("/preferences", {
			cf: CA,
			headers: { "Accept-Language": "ja;q=0.5, en;q=0.9" },
		});
		expect(await weighted.text()).toContain('<html lang="en">');

		const visitor = new Visitor(CA);
		const switched = await visitor.fetch("/preferences?lang=ja", { headers: { "Accept-Language": "en" } });
		expect(await switched.text()).toContain('<html lang="ja">');
		expect(setCookieNamed(switched, "ce_lang")).toMatch(/^ce_lang=ja; Path=\/;.*HttpOnly/);
		const after = await visitor.fetch("/preferences?saved=1", { headers: { "Accept-Language": "en" } });
		expect(await after.text()).toContain('<html lang="ja">');
		const back = await visitor.fetch("/preferences?lang=en", { headers: { "Accept-Language": "ja" } });
		expect(await back.text()).toContain('<html lang="en">');
	});

	it("keeps a well-formed ce_vid and replaces a malformed one", async () => {
		const vid = "B".repeat(30);
		const kept = await call("/preferences", { cf: CA, headers: { Cookie: `ce_vid=${vid}` } });
		expect(setCookieNamed(kept, "ce_vid")).toBeUndefined();
		const replaced = await call("/preferences", { cf: CA, headers: { Cookie: "ce_vid=bad!" } });
		expect(replaced.status).toBe(200);
		expect(setCookieNamed(replaced, "ce_vid")).toMatch(/^ce_vid=[A-Za-z0-9_-]{22,64};/);
	});

	it("treats an Authorization header (e.g. site Basic auth) as a visitor, not a keyed call", async () => {
		const res = await call("/preferences", { cf: CA, headers: { Authorization: "Basic dXNlcjpwYXNz" } });
		expect(res.status).toBe(200);
		expect(setCookieNamed(res, "ce_vid")).toBeDefined();
	});

	it("answers HEAD, and 405 with Allow for other methods", async () => {
		expect((await call("/preferences", { method: "HEAD", cf: CA })).status).toBe(200);
		const put = await call("/preferences", { method: "PUT", cf: CA });
		expect(put.status).toBe(405);
		expect(put.headers.get("Allow")).toBe("GET, POST, HEAD, OPTIONS");
	});
});

describe("POST /preferences (no-JavaScript form)", () => {
	it("saves checked as allowed and unchecked as denied, then 303s to the confirmation", async () => {
		const visitor = new Visitor(CA);
		const res = await formPost(visitor, "form=preferences&analytics=on&email=on");
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/preferences?saved=1");
		expect(await res.text()).toBe("");
		expect(setCookieNamed(res, "ce_vid")).toBeDefined();
		expect(setCookieNamed(res, "ce_consent")).toBeDefined();

		const page = await visitor.fetch("/preferences?saved=1");
		const html = await page.text();
		expect(html).toContain('<p class="notice" role="status">Your choices have been saved.</p>');
		expect(isChecked(html, "analytics")).toBe(true);
		expect(isChecked(html, "email")).toBe(true);
		expect(isChecked(html, "personalization")).toBe(false);
		expect(isChecked(html, "ads")).toBe(false);
		expect(isChecked(html, "sale")).toBe(false);
		expect(html).toContain("Currently: Off (your choice)");

		const records = await recordsOf(visitor);
		expect(records).toHaveLength(1);
		expect(records[0]?.source).toBe("ui");
		expect(records[0]?.changes).toEqual({
			analytics: true,
			personalization: false,
			ads: false,
			sale: false,
			email: true,
		});
	});

	it("shows no confirmation without ?saved=1", async () => {
		const html = await (await call("/preferences", { cf: CA })).text();
		expect(html).not.toContain("Your choices have been saved.");
	});

	it("accepts multipart forms", async () => {
		const visitor = new Visitor(CA);
		const form = new FormData();
		form.set("form", "preferences");
		form.set("personalization", "on");
		const res = await visitor.fetch("/preferences", {
			method: "POST",
			headers: { Origin: BASE },
			body: form,
		});
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/preferences?saved=1");
		expect(isChecked(await (await visitor.fetch("/preferences")).text(), "personalization")).toBe(true);
	});

	it("answers 303 whatever the Accept and Fetch Metadata headers say", async () => {
		const visitor = new Visitor(CA);
		const res = await formPost(visitor, "analytics=on", {
			Accept: "application/json",
			"Sec-Fetch-Mode": "cors",
			"Sec-Fetch-Dest": "empty",
			"Sec-Fetch-Site": "same-origin",
		});
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/preferences?saved=1");
	});

	it("ignores unknown, hidden and essential fields, never a 400", async () => {
		const visitor = new Visitor(CA);
		const res = await formPost(visitor, "form=preferences&essential=&unknown=1&__proto__=x&ads=yes&csrf=abc");
		expect(res.status).toBe(303);
		const records = await recordsOf(visitor);
		expect(records[0]?.changes).toMatchObject({ ads: true, analytics: false });
		expect(Object.keys(records[0]?.changes ?? {})).not.toContain("unknown");
	});

	it("ignores fields that are not UTF-8 (a Shift_JIS site's hidden field, a file part), never a 400", async () => {
		const bytes = (...parts: (string | number[])[]) =>
			new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...new TextEncoder().encode(p)] : p)));
		const boundary = "----ce-test-boundary";
		const multipart = bytes(
			`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\ncaf`,
			[0xe9],
			`\r\n--${boundary}\r\nContent-Disposition: form-data; name="sjis"\r\n\r\n`,
			[0x83, 0x65, 0x83, 0x58, 0x83, 0x67],
			`\r\n--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="a.bin"\r\n`,
			"Content-Type: application/octet-stream\r\n\r\n",
			[0xff, 0xfe, 0x00, 0xc3, 0x28],
			`\r\n--${boundary}\r\nContent-Disposition: form-data; name="analytics"\r\n\r\non`,
			`\r\n--${boundary}--\r\n`,
		);
		const posts: [string, Uint8Array][] = [
			[`multipart/form-data; boundary=${boundary}`, multipart],
			[FORM["Content-Type"], bytes("note=caf%E9&analytics=on")],
			[FORM["Content-Type"], bytes("note=caf", [0xe9], "&sjis=", [0x83, 0x65], "&analytics=on")],
			// A purpose's value is only tested for presence, whatever its bytes.
			[FORM["Content-Type"], bytes("analytics=", [0xff])],
		];
		for (const [type, body] of posts) {
			const visitor = new Visitor(CA);
			const res = await visitor.fetch("/preferences", {
				method: "POST",
				headers: { "Content-Type": type, Origin: BASE },
				body,
			});
			expect(res.status, new TextDecoder().decode(body)).toBe(303);
			const records = await recordsOf(visitor);
			expect(records[0]?.changes).toMatchObject({ analytics: true, ads: false });
		}
	});

	it("a repeated identical post adds no record", async () => {
		const visitor = new Visitor(CA);
		await formPost(visitor, "analytics=on");
		await formPost(visitor, "analytics=on");
		expect(await recordsOf(visitor)).toHaveLength(1);
	});

	it("replays an Idempotency-Key as the same 303", async () => {
		const visitor = new Visitor(CA);
		const first = await formPost(visitor, "analytics=on", { "Idempotency-Key": "prefs-1" });
		const again = await formPost(visitor, "analytics=on", { "Idempotency-Key": "prefs-1" });
		expect(first.status).toBe(303);
		expect(again.status).toBe(303);
		expect(again.headers.get("Location")).toBe("/preferences?saved=1");
		expect(again.headers.get("Idempotent-Replayed")).toBe("true");
		const conflict = await formPost(visitor, "ads=on", { "Idempotency-Key": "prefs-1" });
		expect(conflict.status).toBe(409);
		expect(conflict.headers.get("Content-Type")).toMatch(/^text\/html/);
	});

	it("rejects cross-site posts with 403 as HTML and changes nothing", async () => {
		const cases: Record<string, string>[] = [
			{ Origin: "https://evil.example" },
			{ Origin: "null" },
			{ "Sec-Fetch-Site": "cross-site" },
			{ "Sec-Fetch-Site": "same-site" },
		];
		for (const headers of cases) {
			const visitor = new Visitor(CA);
			const res = await visitor.fetch("/preferences", {
				method: "POST",
				headers: { ...FORM, ...headers },
				body: "ads=on",
			});
			expect(res.status, JSON.stringify(headers)).toBe(403);
			expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
			expect(res.headers.get("Location")).toBeNull();
			expect(setCookieNamed(res, "ce_consent")).toBeUndefined();
		}
		const subject = await visitorSubject("C".repeat(24));
		const res = await call("/preferences", {
			method: "POST",
			cf: CA,
			headers: { ...FORM, Origin: "https://evil.example", Cookie: `ce_vid=${"C".repeat(24)}` },
			body: "ads=on",
		});
		expect(res.status).toBe(403);
		const records = await call(`/v1/subjects/${encodeURIComponent(subject)}/records`, keyed());
		expect((await records.json<{ records: unknown[] }>()).records).toEqual([]);
	});

	it("passes same-origin posts without an Origin header when Fetch Metadata allows", async () => {
		for (const site of [undefined, "same-origin", "none"]) {
			const headers: Record<string, string> = { ...FORM };
			if (site) headers["Sec-Fetch-Site"] = site;
			const res = await new Visitor(CA).fetch("/preferences", { method: "POST", headers, body: "ads=on" });
			expect(res.status, String(site)).toBe(303);
		}
	});

	it("keeps error statuses, with HTML bodies: JSON is 415, an oversized form 413", async () => {
		const json = await call("/preferences", {
			method: "POST",
			cf: CA,
			headers: { "Content-Type": "application/json", Origin: BASE },
			body: JSON.stringify({ ads: true }),
		});
		expect(json.status).toBe(415);
		expect(json.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		const big = await call("/preferences", {
			method: "POST",
			cf: CA,
			headers: { ...FORM, Origin: BASE },
			body: `pad=${"x".repeat(17 * 1024)}`,
		});
		expect(big.status).toBe(413);
		expect(big.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
	});

	it("the page's form, posted to /v1/opt-out by the second button, opts out of everything and 303s back", async () => {
		const visitor = new Visitor(CA);
		await formPost(visitor, "analytics=on&ads=on&email=on");
		const res = await visitor.fetch("/v1/opt-out", {
			method: "POST",
			headers: { ...FORM, Origin: BASE },
			body: "form=preferences&analytics=on",
		});
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/preferences?saved=1");
		const html = await (await visitor.fetch("/preferences?saved=1")).text();
		for (const name of NON_ESSENTIAL_PURPOSES) expect(isChecked(html, name)).toBe(false);
	});
});

describe("Global Privacy Control on the page", () => {
	it("shows the passive status line and locks the GPC-governed purposes off (en)", async () => {
		const res = await call("/preferences", { cf: CA, headers: { "Sec-GPC": "1" } });
		const html = await res.text();
		expect(html).toContain("<strong>Opt-Out Preference Signal Honored</strong>");
		for (const name of ["ads", "sale"]) {
			expect(checkbox(html, name)).toContain("disabled");
			expect(isChecked(html, name)).toBe(false);
			expect(checkbox(html, name)).toContain(`purpose-${name}-locked`);
		}
		for (const name of ["analytics", "personalization", "email"]) {
			expect(checkbox(html, name)).not.toContain("disabled");
		}
		expect(html).toContain(
			"Off: your browser sends the Global Privacy Control signal, and this cannot be turned on while it does.",
		);
		expect(html).not.toMatch(/role="dialog"|<dialog|<script/);
	});

	it("shows the Japanese status line in ja", async () => {
		const html = await (
			await call("/preferences?lang=ja", { cf: CA, headers: { "Sec-GPC": " 0, 1 " } })
		).text();
		expect(html).toContain("<strong>オプトアウト選好シグナルを適用しています</strong>");
		expect(html).not.toContain("Opt-Out Preference Signal Honored");
	});

	it("treats values other than 1 as no signal", async () => {
		const html = await (await call("/preferences", { cf: CA, headers: { "Sec-GPC": "true" } })).text();
		expect(html).not.toContain("Opt-Out Preference Signal Honored");
		expect(checkbox(html, "ads")).not.toContain("disabled");
	});

	it("a post under GPC does not write the locked purposes as a page choice", async () => {
		const visitor = new Visitor(CA);
		const res = await formPost(visitor, "analytics=on&ads=on", { "Sec-GPC": "1" });
		expect(res.status).toBe(303);
		const records = await recordsOf(visitor);
		const ui = records.find((r) => r.source === "ui");
		expect(ui?.changes).toEqual({ analytics: true, personalization: false, email: false });
	});
});

describe("consent history", () => {
	it("lists each change with its date, what changed and how, newest first", async () => {
		const visitor = new Visitor(CA);
		const empty = await (await visitor.fetch("/preferences")).text();
		expect(empty).toContain("No choices recorded yet.");
		await formPost(visitor, "analytics=on&personalization=on&ads=on&sale=on&email=on");
		await visitor.fetch("/v1/opt-out", {
			method: "POST",
			headers: { ...FORM, Origin: BASE },
			body: "form=preferences",
		});
		const html = await (await visitor.fetch("/preferences")).text();
		expect(html).toContain('<h2 id="history-heading">Your consent history</h2>');
		const rows = [
			...html.matchAll(
				/<tr><td><time datetime="([^"]+)">([^<]+)<\/time><\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g,
			),
		];
		expect(rows).toHaveLength(2);
		expect(rows[0]?.[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(rows[0]?.[2]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
		expect(rows[0]?.[3]).toContain("Analytics: denied");
		expect(rows[1]?.[3]).toContain("Analytics: allowed");
		expect(rows[1]?.[3]).toContain("Targeted advertising: allowed");
		expect(rows[0]?.[4]).toBe("Your choice in this browser");
	});

	it("labels history in Japanese", async () => {
		const visitor = new Visitor(CA);
		await formPost(visitor, "analytics=on");
		const html = await (await visitor.fetch("/preferences?lang=ja")).text();
		expect(html).toContain('<h2 id="history-heading">同意の履歴</h2>');
		expect(html).toContain("アクセス解析：許可、パーソナライズ：拒否");
		expect(html).toContain("<td>このブラウザーでの選択</td>");
		// Dates as Japanese readers write them (年月日), the time still in UTC as the column says.
		const [, iso, shown] = /<time datetime="([^"]+)">([^<]+)<\/time>/.exec(html) ?? [];
		const [, y, m, d, hm] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(iso ?? "") ?? [];
		expect(shown).toBe(`${y}年${Number(m)}月${Number(d)}日 ${hm}`);
		expect(html).toContain("日時（UTC）");
	});
});

describe("theme and links from configuration", () => {
	const themed = (vars: Record<string, string>) => ({ ...env, ...vars }) as unknown as Env;

	it("escapes the site name, applies a valid brand colour with a contrasting text colour, and links the policy", async () => {
		const res = await callWithEnv(
			themed({
				SITE_NAME: "<Acme & Co>",
				BRAND_COLOR: "#FE0",
				PRIVACY_POLICY_URL: "https://acme.example/privacy",
				LOGO_URL: "/static/logo.png",
			}),
			"/preferences",
			{ cf: CA } as RequestInit,
		);
		const html = await res.text();
		expect(html).toContain("<title>Privacy preferences – &lt;Acme &amp; Co&gt;</title>");
		expect(html).toContain("--brand:#ffee00;--brand-text:#000000");
		expect(html).toContain('<img src="/static/logo.png" alt="&lt;Acme &amp; Co&gt;">');
		expect(html).toContain('<footer><a href="https://acme.example/privacy">Privacy policy</a></footer>');
	});

	it("rejects unsafe values: script URLs, foreign or protocol-relative logos, CSS injection", async () => {
		for (const logo of [
			"//evil.example/x.png",
			"https://evil.example/x.png",
			"javascript:alert(1)",
			"/\\evil",
		]) {
			const html = await (
				await callWithEnv(
					themed({
						LOGO_URL: logo,
						BRAND_COLOR: "red;}body{display:none",
						PRIVACY_POLICY_URL: "javascript:alert(1)",
					}),
					"/preferences",
					{ cf: CA } as RequestInit,
				)
			).text();
			expect(html, logo).not.toContain("<img");
			expect(html).toContain("--brand:#1d4ed8;--brand-text:#ffffff");
			expect(html).not.toContain("javascript:");
			expect(html).not.toContain("<footer>");
		}
		const dataLogo = "data:image/png;base64,iVBORw0KGgo=";
		const html = await (
			await callWithEnv(themed({ LOGO_URL: dataLogo }), "/preferences", { cf: CA } as RequestInit)
		).text();
		expect(html).toContain(`<img src="${dataLogo}" alt="">`);
	});
});

describe("storage outages", () => {
	it("still renders the page, failing closed, when D1 and KV cannot be read", async () => {
		const res = await callWithEnv({ ...env, DB: brokenD1(), CONSENT_KV: brokenKV() } as Env, "/preferences", {
			cf: CA,
			headers: { Cookie: `ce_vid=${"D".repeat(24)}` },
		} as RequestInit);
		expect(res.status).toBe(200);
		const html = await res.text();
		for (const name of NON_ESSENTIAL_PURPOSES) expect(isChecked(html, name)).toBe(false);
		expect(html).toContain("Currently: Off (until your saved choice can be loaded)");
		expect(html).toContain("Your history cannot be shown right now.");
	});

	it("answers a save during an outage with 503, Retry-After and an HTML body", async () => {
		const res = await callWithEnv({ ...env, DB: brokenD1() } as Env, "/preferences", {
			method: "POST",
			cf: CA,
			headers: { ...FORM, Origin: BASE },
			body: "ads=on",
		} as RequestInit);
		expect(res.status).toBe(503);
		expect(res.headers.get("Retry-After")).toBe("5");
		expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
	});
});
