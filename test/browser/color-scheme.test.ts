/**
 * Light and dark colour schemes in Chromium against `wrangler dev`: every page people see (the
 * preference centre in English and Japanese, under GPC, after a save; the erasure confirmation; the
 * unsubscribe confirmation, its result and a broken link; an error page) and the SDK's banner on a
 * site page, each under `prefers-color-scheme: light` and `dark`, with the default theme and with a
 * light BRAND_COLOR (#ffe600). Measured from computed colours: the page is light or dark as asked,
 * text keeps 4.5:1 on what it is drawn on, buttons' and checkboxes' edges and every focus ring 3:1
 * (WCAG 1.4.3, 1.4.11), and axe-core finds no violation. Screenshots go to test/artifacts/.
 */
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { serveWorker, TEST_SECRETS, type WorkerServer } from "./serve-worker";
import { serveTestSite, TEST_PAGE_PATH } from "./test-site";

warnIfNoChromium("colour scheme");

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const SHOP = "https://shop.example";
const DE = { "X-Debug-Geo": "DE" };
/** A logo drawn for a light site: dark ink on a transparent ground (the yellow brand's LOGO_URL). */
const DARK_INK_LOGO =
	"data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxMjAiIGhlaWdodD0iMzIiPjx0ZXh0IHg9IjAiIHk9IjI0IiBmb250LXNpemU9IjI0IiBmb250LWZhbWlseT0ic2Fucy1zZXJpZiIgZmlsbD0iIzExMSI+U0hPUDwvdGV4dD48L3N2Zz4=";
const GPC_CA = { "X-Debug-Geo": "US-CA", "Sec-GPC": "1" };
const SCHEMES = ["light", "dark"] as const;
type Scheme = (typeof SCHEMES)[number];

/** WCAG relative luminance of a computed `rgb()` colour. */
function luminance(rgb: string): number {
	const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).map(Number).map((c) => {
		const s = c / 255;
		return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

function contrast(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
	return (hi + 0.05) / (lo + 0.05);
}

interface Pair {
	readonly what: string;
	readonly fg: string;
	readonly bg: string;
}

interface Colours {
	readonly colorScheme: string;
	/** The page's background, or the banner's. */
	readonly surface: string;
	/** Each element's own text on the first opaque background behind it. */
	readonly text: Pair[];
	/** Each bordered button's edge, and each checked checkbox's accent, on what surrounds it. */
	readonly edges: Pair[];
}

/** Computed colours within `scope` (the body, or the banner). */
function colours(page: Page, scope: string): Promise<Colours> {
	return page.evaluate((selector) => {
		const root = document.querySelector<HTMLElement>(selector) as HTMLElement;
		const opaque = (c: string) => c !== "transparent" && !/rgba\(.*,\s*0\)$/.test(c);
		// With no background of its own, a page is drawn on the browser's canvas of its scheme.
		const probe = document.documentElement.appendChild(document.createElement("i"));
		probe.style.backgroundColor = "Canvas";
		const canvas = getComputedStyle(probe).backgroundColor;
		probe.remove();
		const behind = (el: Element | null): string => {
			for (let node = el; node; node = node.parentElement) {
				const bg = getComputedStyle(node).backgroundColor;
				if (opaque(bg)) return bg;
			}
			return canvas;
		};
		const name = (el: Element) =>
			`${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ""}:${(el.textContent ?? "").trim().slice(0, 30)}`;
		const text: { what: string; fg: string; bg: string }[] = [];
		const edges: { what: string; fg: string; bg: string }[] = [];
		for (const el of [root, ...root.querySelectorAll("*")]) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 || r.height === 0 || (el as HTMLInputElement).disabled) continue;
			const s = getComputedStyle(el);
			const ownText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent?.trim());
			if (ownText) text.push({ what: name(el), fg: s.color, bg: behind(el) });
			if (el.tagName === "BUTTON" && s.borderTopStyle !== "none" && Number.parseFloat(s.borderTopWidth) >= 1)
				edges.push({ what: `edge ${name(el)}`, fg: s.borderTopColor, bg: behind(el.parentElement) });
			if (el instanceof HTMLInputElement && el.type === "checkbox" && s.accentColor !== "auto")
				edges.push({ what: `checkbox ${el.id}`, fg: s.accentColor, bg: behind(el.parentElement) });
		}
		const meta = document.querySelector<HTMLMetaElement>('meta[name="color-scheme"]');
		return {
			colorScheme: meta ? meta.content : getComputedStyle(document.documentElement).colorScheme,
			surface: behind(root),
			text,
			edges,
		};
	}, scope);
}

/** Tabs through `count` stops; each focus ring's colour on what it is drawn on. */
async function focusRings(page: Page, count: number): Promise<Pair[]> {
	const rings: Pair[] = [];
	for (let i = 0; i < count; i++) {
		await page.keyboard.press("Tab");
		rings.push(
			await page.evaluate(() => {
				const el = document.activeElement as HTMLElement;
				const probe = document.documentElement.appendChild(document.createElement("i"));
				probe.style.backgroundColor = "Canvas";
				let bg = getComputedStyle(probe).backgroundColor;
				probe.remove();
				for (let node = el.parentElement; node; node = node.parentElement) {
					const c = getComputedStyle(node).backgroundColor;
					if (c !== "transparent" && !/rgba\(.*,\s*0\)$/.test(c)) {
						bg = c;
						break;
					}
				}
				const s = getComputedStyle(el);
				const what = `ring ${el.tagName.toLowerCase()}:${(el.textContent ?? el.id).trim().slice(0, 30)}`;
				return { what, fg: s.outlineStyle === "none" ? bg : s.outlineColor, bg };
			}),
		);
	}
	return rings;
}

async function axeViolations(page: Page, skip: readonly string[] = []): Promise<string[]> {
	await page.addScriptTag({ path: AXE_PATH });
	return page.evaluate(
		async ([tags, skipped]) => {
			const { axe } = window as unknown as { axe: typeof import("axe-core") };
			const rules = Object.fromEntries(skipped.map((id) => [id, { enabled: false }]));
			const results = await axe.run(document, { runOnly: { type: "tag", values: tags }, rules });
			return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
		},
		[AXE_TAGS, skip] as const,
	);
}

/** Ratios below AA, as readable lines (empty when all pass). */
function belowAA(c: Colours, rings: Pair[]): string[] {
	const low = (pairs: Pair[], min: number) =>
		pairs
			.filter((p) => contrast(p.fg, p.bg) < min)
			.map((p) => `${p.what} ${p.fg} on ${p.bg}: ${contrast(p.fg, p.bg).toFixed(2)}`);
	return [...low(c.text, 4.5), ...low(c.edges, 3), ...low(rings, 3)];
}

/** The surface looks like the scheme asked for: near white in light, near black in dark. */
function expectSurface(scheme: Scheme, surface: string, what: string) {
	if (scheme === "light") expect(luminance(surface), `${what} ${surface}`).toBeGreaterThan(0.8);
	else expect(luminance(surface), `${what} ${surface}`).toBeLessThan(0.05);
}

for (const [brandName, brand] of [
	["default", null],
	["yellow", "#ffe600"],
] as const) {
	describe.skipIf(!hasChromium)(`colour schemes in Chromium, ${brandName} brand`, () => {
		let server: WorkerServer;
		let browser: Browser;

		beforeAll(async () => {
			server = await serveWorker({
				vars: {
					SITE_NAME: "Shop Example",
					PRIVACY_POLICY_URL: `${SHOP}/privacy`,
					ALLOWED_ORIGINS: SHOP,
					...(brand ? { BRAND_COLOR: brand, LOGO_URL: DARK_INK_LOGO } : {}),
				},
			});
			browser = await launchChromium();
			await mkdir(ARTIFACTS, { recursive: true });
		});

		afterAll(async () => {
			await browser?.close();
			await server?.stop();
		});

		async function unsubscribePath(list: string): Promise<string> {
			const res = await fetch(`${server.origin}/v1/unsubscribe-links`, {
				method: "POST",
				headers: {
					Authorization: `Bearer ${TEST_SECRETS.ADMIN_API_KEY}`,
					"Content-Type": "application/json",
				},
				body: JSON.stringify({ email: `${list}-${brandName}@example.com`, list }),
			});
			expect(res.status).toBe(200);
			const url = new URL(((await res.json()) as { url: string }).url);
			return `${url.pathname}${url.search}`;
		}

		/** Opens `path` in `scheme`, then runs `next` (a click to the next state) if given. */
		async function check(
			scheme: Scheme,
			name: string,
			path: string,
			options: {
				headers?: Record<string, string>;
				status?: number;
				next?: (page: Page) => Promise<void>;
				axeSkip?: readonly string[];
			} = {},
		) {
			const context = await browser.newContext({
				viewport: { width: 1024, height: 768 },
				locale: "en-US",
				bypassCSP: true,
				extraHTTPHeaders: options.headers ?? DE,
			});
			const page = await context.newPage();
			await page.emulateMedia({ colorScheme: scheme });
			const res = await page.goto(`${server.origin}${path}`);
			expect(res?.status()).toBe(options.status ?? 200);
			if (options.next) await options.next(page);
			await page.screenshot({
				path: `${ARTIFACTS}color-scheme-${brandName}-${name}-${scheme}.png`,
				fullPage: true,
			});
			const c = await colours(page, "body");
			expectSurface(scheme, c.surface, name);
			expect(c.text.length).toBeGreaterThan(0);
			const stops = await page.locator("a[href], button, input:not([type=hidden]):not([disabled])").count();
			expect(belowAA(c, await focusRings(page, stops))).toEqual([]);
			expect(await axeViolations(page, options.axeSkip)).toEqual([]);
			// Native parts (checkboxes, scrollbars) follow the scheme too.
			expect(c.colorScheme).toBe("light dark");
			await context.close();
		}

		for (const scheme of SCHEMES) {
			it(`${scheme}: the preference centre in English and Japanese, under GPC, and after a save`, async () => {
				await check(scheme, "preferences-en", "/preferences?lang=en");
				await check(scheme, "preferences-ja-gpc", "/preferences?lang=ja", { headers: GPC_CA });
				await check(scheme, "preferences-saved", "/preferences?lang=en", {
					next: async (page) => {
						await page.locator("#purpose-analytics").check();
						await Promise.all([
							page.waitForURL(/saved=1$/),
							page.locator('button[type="submit"]').first().click(),
						]);
					},
				});
			});

			it(`${scheme}: the erasure confirmation and an error page`, async () => {
				await check(scheme, "erase-en", "/preferences/erase?lang=en");
				await check(scheme, "erase-ja", "/preferences/erase?lang=ja");
				// The error page has no stylesheet (its CSP allows none): its colours are the browser's for the
				// scheme its meta names. axe takes a page without a background as white, so its contrast rule
				// misjudges the dark one; colours() above measures it on the browser's own canvas instead.
				await check(scheme, "not-found", "/preferences/nowhere", {
					status: 404,
					axeSkip: scheme === "dark" ? ["color-contrast"] : [],
				});
			});

			it(`${scheme}: the unsubscribe confirmation, its result and a link that does not work`, async () => {
				await check(scheme, "unsubscribe-confirm", await unsubscribePath(`news-${scheme}`));
				await check(scheme, "unsubscribe-done", await unsubscribePath(`offers-${scheme}`), {
					next: async (page) => {
						await Promise.all([page.waitForEvent("load"), page.locator("button").click()]);
					},
				});
				await check(scheme, "unsubscribe-broken", "/unsubscribe?t=damaged&lang=ja", { status: 400 });
			});

			// A logo drawn for a light site keeps its ground in dark: the first background behind it is light.
			if (brand !== null)
				it(`${scheme}: a dark-ink logo stays on a light ground`, async () => {
					const context = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: DE });
					const page = await context.newPage();
					await page.emulateMedia({ colorScheme: scheme });
					await page.goto(`${server.origin}/preferences?lang=en`);
					const ground = await page.locator(".site img").evaluate((img) => {
						for (let el: Element | null = img; el; el = el.parentElement) {
							const bg = getComputedStyle(el).backgroundColor;
							if (bg !== "rgba(0, 0, 0, 0)") return bg;
						}
						return "none";
					});
					expect(ground).toMatch(/^rgb/);
					expect(luminance(ground), ground).toBeGreaterThan(0.8);
					await context.close();
				});

			// The banner's colours are the SDK's own (or the site's CSS variables), not BRAND_COLOR: its
			// cases run under the default brand only.
			if (brand !== null) continue;
			it(`${scheme}: the banner on a site page, in English and Japanese`, async () => {
				for (const lang of ["en", "ja"]) {
					const context = await browser.newContext({
						viewport: { width: 1024, height: 600 },
						bypassCSP: true,
						extraHTTPHeaders: DE,
					});
					// A page offering both schemes (its <meta>): the banner follows the visitor's.
					await serveTestSite(context, server.origin, { gtag: true, lang, colorScheme: "light dark" });
					const page = await context.newPage();
					await page.emulateMedia({ colorScheme: scheme });
					await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
					await page.waitForSelector("#ce-banner");
					await page.screenshot({
						path: `${ARTIFACTS}color-scheme-${brandName}-banner-${lang}-${scheme}.png`,
					});
					const c = await colours(page, "#ce-banner");
					expectSurface(scheme, c.surface, "banner");
					expect(c.text.length).toBeGreaterThan(3);
					// Focus starts on the banner: its three buttons are the next stops.
					expect(belowAA(c, await focusRings(page, 3))).toEqual([]);
					expect(await axeViolations(page)).toEqual([]);
					await context.close();
				}
			});

			it(`${scheme}: a site's own banner colours win over the scheme's`, async () => {
				const css =
					":root{--ce-banner-bg:#fffbeb;--ce-banner-fg:#422006;--ce-button-bg:#7c2d12;--ce-button-fg:#ffffff}";
				const context = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: DE });
				await serveTestSite(context, server.origin, { gtag: true, css });
				const page = await context.newPage();
				await page.emulateMedia({ colorScheme: scheme });
				await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
				await page.waitForSelector("#ce-banner");
				const c = await colours(page, "#ce-banner");
				expect(c.surface).toBe("rgb(255, 251, 235)");
				expect(c.text.find((t) => t.what.startsWith("button"))?.bg).toBe("rgb(124, 45, 18)");
				expect(belowAA(c, [])).toEqual([]);
				await context.close();
			});

			// As the page's own form controls: a light-only page keeps a light banner on a dark system,
			// and a dark-only one (`color-scheme: dark` in its CSS) gets a dark banner on a light one.
			it(`${scheme}: the banner takes the page's side when the page offers one scheme`, async () => {
				for (const [css, expected] of [
					["", "light"],
					[":root{color-scheme:dark}", "dark"],
				] as const) {
					const context = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: DE });
					await serveTestSite(context, server.origin, { gtag: true, css });
					const page = await context.newPage();
					await page.emulateMedia({ colorScheme: scheme });
					await page.goto(`${server.origin}${TEST_PAGE_PATH}`);
					await page.waitForSelector("#ce-banner");
					const c = await colours(page, "#ce-banner");
					expectSurface(expected, c.surface, `banner on a page saying "${css}"`);
					expect(belowAA(c, await focusRings(page, 3))).toEqual([]);
					await context.close();
				}
			});
		}
	});
}
