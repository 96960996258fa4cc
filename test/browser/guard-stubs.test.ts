/**
 * The stand-ins a gated tracker bootstrap leaves (workers/guard/tracker-stubs.ts) in Chromium: they
 * must not stop the gated bootstrap from running once the visitor agrees under a page CSP that admits
 * it by hash, nor swallow what the site's own code keeps in a global of the same name.
 */
import { createHash } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type AuditSite, serveAuditSite } from "./audit-site";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("guard stand-ins");

/** Meta's published snippet: the guard gates it (ads) and stands in for `fbq`. */
const META = `!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js?vec=meta');fbq('init','1');`;
/** Google's analytics.js snippet: it names `analytics` (in its URL), so `analytics` is stood in for. */
const UA = `(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;i[r]=i[r]||function(){(i[r].q=i[r].q||[]).push(arguments)},i[r].l=1*new Date();a=s.createElement(o),m=s.getElementsByTagName(o)[0];a.async=1;a.src=g;m.parentNode.insertBefore(a,m)})(window,document,'script','https://www.google-analytics.com/analytics.js?vec=ua','ga');ga('create','UA-1-1','auto');`;
/** LINE Tag's base code: it keeps `_lt` when one is defined (`g._lt=g._lt||…`), so the stand-in must go first. */
const LINE = `(function(g,d,o){g._ltq=g._ltq||[];g._lt=g._lt||function(){g._ltq.push(arguments)};var s=d.createElement('script');s.async=1;s.src='https://d.line-scdn.net/n/line_tag/public/release/v1/lt.js?vec=line';var t=d.getElementsByTagName('script')[0];t.parentNode.insertBefore(s,t);})(window,document);_lt('init',{customerType:'lap',tagId:'abc'});_lt('send','pv',['abc']);`;
/** A thank-you page's own conversion call, after the base code. */
const LINE_CONVERSION = `_lt('send','cv',{type:'Conversion'},['abc']);document.documentElement.dataset.cv="sent";`;
/** The site's own code keeping its page data in a global that happens to be called `analytics`. */
const OWN = `window.analytics = window.analytics || {}; window.analytics.section = "news"; document.documentElement.dataset.section = window.analytics.section === "news" ? "kept" : "lost";`;

function hash(source: string): string {
	return `'sha256-${createHash("sha256").update(source).digest("base64")}'`;
}

describe.skipIf(!hasChromium)("guard stand-ins in Chromium", () => {
	let site: AuditSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium(serveAuditSite, (started) => {
		({ site, server, browser } = started);
	});

	async function open(scripts: string[], headers: Record<string, string> = {}) {
		site.page = `<!doctype html><html><head><meta charset="utf-8"><script src="/consent.js" data-banner="off"></script>${scripts.map((s) => `<script>${s}</script>`).join("")}</head><body><p>page</p></body></html>`;
		site.pageHeaders = headers;
		const context: BrowserContext = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "DE" } });
		const urls: string[] = [];
		const errors: string[] = [];
		context.on("request", (request) => urls.push(request.url()));
		await context.route("**/*", (route) => {
			if (route.request().url().startsWith(`${server.origin}/`)) return route.continue();
			return route.fulfill({ contentType: "text/javascript", body: "" });
		});
		const page: Page = await context.newPage();
		page.on("pageerror", (err) => errors.push(err.message));
		page.on("console", (message) => {
			if (message.type() === "error") errors.push(message.text());
		});
		await page.goto(`${server.origin}/`);
		await page.waitForLoadState("load");
		return { context, page, urls, errors };
	}

	it("a bootstrap the page's CSP admits by hash runs once the visitor agrees", async () => {
		const csp = `script-src 'self' ${hash(META)}`;
		const { context, page, urls } = await open([META], { "Content-Security-Policy": csp });
		try {
			expect(urls.filter((url) => url.includes("vec=meta"))).toEqual([]);
			await page.evaluate(() => window.consentEdge.acceptAll());
			await page.waitForTimeout(800);
			expect(urls.filter((url) => url.includes("vec=meta")).length).toBe(1);
		} finally {
			await context.close();
			site.pageHeaders = {};
		}
	});

	it("LINE Tag's base code queues into its own _lt once the visitor agrees; before, the site's conversion call does nothing", async () => {
		const { context, page, urls, errors } = await open([LINE, LINE_CONVERSION]);
		try {
			const before = {
				loader: urls.filter((url) => url.includes("vec=line")).length,
				cv: await page.evaluate(() => document.documentElement.dataset.cv),
				errors: [...errors],
			};
			expect(before).toEqual({ loader: 0, cv: "sent", errors: [] });
			await page.evaluate(() => window.consentEdge.acceptAll());
			await page.waitForTimeout(800);
			const queued = await page.evaluate(() =>
				((window as unknown as { _ltq?: ArrayLike<unknown>[] })._ltq ?? []).map(
					(call) => Array.from(call)[0],
				),
			);
			expect({ loader: urls.filter((url) => url.includes("vec=line")).length, queued, errors }).toEqual({
				loader: 1,
				queued: ["init", "send"],
				errors: [],
			});
		} finally {
			await context.close();
		}
	});

	it("the site's own global of a stood-in name keeps what the site stores in it", async () => {
		const { context, page, errors } = await open([UA, OWN]);
		try {
			const section = await page.evaluate(() => document.documentElement.dataset.section);
			expect({ section, errors }).toEqual({ section: "kept", errors: [] });
		} finally {
			await context.close();
		}
	});
});
