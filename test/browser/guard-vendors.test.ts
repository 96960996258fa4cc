/**
 * Guard mode against today's common tracker vendors in Chromium, one row per vendor (vendor-site.ts:
 * each vendor's standard install snippet as a site owner pastes it). Every request the browser makes
 * is recorded and anything bound elsewhere than the worker is answered locally (nothing leaves the
 * machine). For a visitor denied the vendor's purpose: no request to the vendor's hosts, the page's
 * own code calling the vendor's global still runs to its end, and the vendor's click id is gone from
 * the landing URL and from links. A visitor denied only the other purpose still reaches the vendor;
 * a visitor who allowed everything gets the page as the site wrote it, and the vendor is called.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";
import { serveVendorSite, VENDORS, type VendorCase, type VendorSite } from "./vendor-site";

warnIfNoChromium("guard vendors");

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const ALLOWED = { "X-Debug-Geo": "US-CA" };
/** GPC opts out of `ads` only (CONTRACT.md "Purposes"); analytics stays allowed in US-CA. */
const ADS_DENIED = { "Sec-GPC": "1", "X-Debug-Geo": "US-CA" };

type Visitor = "allowed" | "ads-denied" | "analytics-denied";

function deniedVisitor(purpose: VendorCase["purpose"]): Visitor {
	return purpose === "ads" ? "ads-denied" : "analytics-denied";
}

function otherPurposeDenied(purpose: VendorCase["purpose"]): Visitor {
	return purpose === "ads" ? "analytics-denied" : "ads-denied";
}

describe.skipIf(!hasChromium)("guard mode against common vendors in Chromium", () => {
	let site: VendorSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium(serveVendorSite, (started) => {
		({ site, server, browser } = started);
	});

	/** A context for the visitor whose every request is recorded; only the worker's are let through. */
	async function visitor(who: Visitor) {
		const context: BrowserContext = await browser.newContext({
			extraHTTPHeaders: who === "ads-denied" ? ADS_DENIED : ALLOWED,
		});
		const urls: string[] = [];
		await context.route("**/*", (route) => {
			const request = route.request();
			urls.push(request.url());
			if (request.url().startsWith(`${server.origin}/`)) return route.continue();
			if (request.resourceType() === "image") return route.fulfill({ contentType: "image/gif", body: GIF });
			if (request.resourceType() === "document")
				return route.fulfill({ contentType: "text/html", body: "<p>stub</p>" });
			return route.fulfill({ contentType: "text/javascript", body: "" });
		});
		if (who === "analytics-denied") {
			// A stored choice: analytics off, everything else at the US default (allowed).
			const page = await context.newPage();
			await page.goto(`${server.origin}/v1/check?purpose=analytics`);
			const analytics = await page.evaluate(async () => {
				const res = await fetch("/v1/consent", {
					method: "PUT",
					headers: { "Content-Type": "application/json" },
					body: JSON.stringify({ purposes: { analytics: false } }),
				});
				const doc = await res.json();
				return doc.purposes.analytics;
			});
			expect(analytics).toBe(false);
			await page.close();
			urls.length = 0;
		}
		return { context, urls };
	}

	async function open(context: BrowserContext, path: string) {
		const errors: string[] = [];
		const page: Page = await context.newPage();
		page.on("pageerror", (err) => errors.push(err.message));
		await page.goto(`${server.origin}${path}`);
		await page.waitForLoadState("load");
		// Late tracker loads (async scripts inserting others) get their chance to show up.
		await page.waitForTimeout(400);
		return { page, errors };
	}

	function vendorUrls(v: VendorCase, urls: readonly string[]): string[] {
		return urls.filter((url) => !url.startsWith(`${server.origin}/`) && v.hosts.test(new URL(url).hostname));
	}

	function landing(v: VendorCase): string {
		return v.param ? `/v/${v.id}?page=1&${v.param}=abc` : `/v/${v.id}?page=1`;
	}

	describe.each(VENDORS.map((v) => [v.vendor, v] as const))("%s", (_name, v) => {
		it(`a visitor denied ${v.purpose} reaches none of its hosts, keeps the page's own code working, and loses its click id`, async () => {
			const { context, urls } = await visitor(deniedVisitor(v.purpose));
			try {
				const { page, errors } = await open(context, landing(v));
				const result = {
					search: new URL(page.url()).search,
					vendorRequests: vendorUrls(v, urls),
					errors,
					own: await page.evaluate(() => document.documentElement.dataset.own),
					inline: await page.evaluate(() => document.documentElement.dataset.inline),
					link: await page.locator("#next").getAttribute("href"),
				};
				expect(result).toEqual({
					search: "?page=1",
					vendorRequests: [],
					errors: [],
					own: "done",
					inline: "ran",
					link: "/next?keep=1",
				});
			} finally {
				await context.close();
			}
		});

		it(`a visitor denied only ${v.purpose === "ads" ? "analytics" : "ads"} still reaches it`, async () => {
			const { context, urls } = await visitor(otherPurposeDenied(v.purpose));
			try {
				await open(context, `/v/${v.id}`);
				await expect.poll(() => vendorUrls(v, urls).length, { message: v.vendor }).toBeGreaterThan(0);
			} finally {
				await context.close();
			}
		});

		it("a visitor who allowed everything gets the page as written, and the vendor is called", async () => {
			const viaWorker = await fetch(`${server.origin}${landing(v)}`, { headers: ALLOWED });
			const direct = await fetch(`${site.origin}${landing(v)}`);
			expect(await viaWorker.text()).toBe(await direct.text());
			const { context, urls } = await visitor("allowed");
			try {
				const { page } = await open(context, landing(v));
				expect(new URL(page.url()).search).toBe(new URL(`http://x${landing(v)}`).search);
				await expect.poll(() => vendorUrls(v, urls).length, { message: v.vendor }).toBeGreaterThan(0);
			} finally {
				await context.close();
			}
		});
	});
});
