/**
 * A page HTMLRewriter gives up on (about 25K unclosed nested elements), in Chromium. Sent whole, an
 * opted-out visitor gets it locked down (guard-response.ts): its text shows, its own images load,
 * and no script runs and nothing of another site loads; an allowed visitor's page loads its tracker.
 * Streamed, the rewrite fails after part of the page was sent: what was rewritten shows, then a
 * notice; the tracker after the failure is never sent.
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { serveRecordingSite } from "./recording-site";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("guard rewrite failure");

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const DEEP_PAGE =
	'<!doctype html><html><head><script>document.title = "ran"</script>' +
	'<script src="https://connect.facebook.net/en_US/fbevents.js"></script></head><body>' +
	'<p id="shown">Hello</p><img src="/logo.png" alt=""><img src="https://www.facebook.com/tr?id=1&amp;ev=Before" alt="">' +
	`${"<div>".repeat(26_000)}<img src="https://www.facebook.com/tr?id=1&amp;ev=After" alt=""><p id="after">After</p>`;
const HTML = "text/html; charset=utf-8";
/** A locked-down page's links, one to another site and an image map's area to the site itself. */
const LINKS_PAGE =
	'<!doctype html><html><body><p><a id="away" href="https://shop.example/p?id=1&amp;gclid=abc">Shop</a></p>' +
	'<map name="m"><area shape="rect" coords="0,0,40,40" href="/landing?fbclid=f&amp;utm_source=x&amp;ref=2"></map>' +
	`<img id="map" usemap="#m" src="/logo.png" width="40" height="40" alt="">${"<div>".repeat(26_000)}`;

describe.skipIf(!hasChromium)("a page the rewrite fails on, in Chromium", () => {
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium(
		() =>
			serveRecordingSite(({ path }, res) => {
				if (path === "/whole") {
					res.writeHead(200, { "Content-Type": HTML, "Content-Length": Buffer.byteLength(DEEP_PAGE) });
					res.end(DEEP_PAGE);
				} else if (path === "/links") {
					res.writeHead(200, { "Content-Type": HTML, "Content-Length": Buffer.byteLength(LINKS_PAGE) });
					res.end(LINKS_PAGE);
				} else if (path.startsWith("/landing")) {
					res.writeHead(200, { "Content-Type": HTML }).end("<p>Landed</p>");
				} else if (path === "/streamed") {
					res.writeHead(200, { "Content-Type": HTML });
					for (let at = 0; at < DEEP_PAGE.length; at += 4096) res.write(DEEP_PAGE.slice(at, at + 4096));
					res.end();
				} else {
					res.writeHead(200, { "Content-Type": "image/gif" }).end(GIF);
				}
			}),
		(started) => {
			({ server, browser } = started);
		},
	);

	/** What Chromium loaded (`finished`), and what it refused or lost, with why (`failed`). */
	async function visit(geo: string, path: string) {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": geo } });
		const finished: string[] = [];
		const failed: string[] = [];
		context.on("requestfinished", (request) => {
			finished.push(request.url());
		});
		context.on("requestfailed", (request) => {
			failed.push(`${request.url()} ${request.failure()?.errorText}`);
		});
		await context.route("**/*", (route) => {
			if (route.request().url().startsWith(`${server.origin}/`)) return route.continue();
			return route.fulfill({ contentType: "image/gif", body: GIF });
		});
		try {
			const tab = await context.newPage();
			await tab.goto(`${server.origin}${path}`, { waitUntil: "commit" }).catch(() => {});
			// The deep page's parse ends after its bytes arrive (a loaded machine: seconds later, and the
			// streamed page's notice, its last element, was not there yet at 1.5 s): wait for its load.
			await tab.waitForLoadState("load", { timeout: 30_000 }).catch(() => {});
			await tab.waitForTimeout(1500);
			const seen = await tab.evaluate(() => ({
				title: document.title,
				shown: document.getElementById("shown")?.textContent ?? null,
				after: document.getElementById("after")?.textContent ?? null,
				alert: document.querySelector("[role=alert]")?.textContent ?? null,
			}));
			return {
				// The runtime's version (`&v=`) changes with its source.
				finished: finished.map((url) => url.replace(server.origin, "").replace(/&v=\w+$/, "")).sort(),
				failed: failed.sort(),
				seen,
			};
		} finally {
			await context.close();
		}
	}

	it("whole, an opted-out visitor sees its text and own images; its scripts and other sites' loads are refused", async () => {
		const { finished, failed, seen } = await visit("DE", "/whole");
		expect(finished).toEqual(["/logo.png", "/whole"]);
		expect(failed).toEqual([
			"https://connect.facebook.net/en_US/fbevents.js csp",
			"https://www.facebook.com/tr?id=1&ev=After csp",
			"https://www.facebook.com/tr?id=1&ev=Before csp",
		]);
		expect(seen).toEqual({ title: "", shown: "Hello", after: "After", alert: null });
	});

	it("whole, an allowed visitor's page runs its script and loads its trackers", async () => {
		const { finished, seen } = await visit("US-CA", "/whole");
		expect(finished).toEqual([
			"/logo.png",
			"/whole",
			"https://connect.facebook.net/en_US/fbevents.js",
			"https://www.facebook.com/tr?id=1&ev=After",
			"https://www.facebook.com/tr?id=1&ev=Before",
		]);
		expect(seen.title).toBe("ran");
	});

	it("streamed, an opted-out visitor sees the part rewritten before the failure and a notice, and no tracker", async () => {
		const { finished, failed, seen } = await visit("DE", "/streamed");
		expect(finished).toEqual(["/logo.png", "/streamed", "/v1/guard/runtime.js?deny=ads,analytics"]);
		expect(failed).toEqual([]);
		expect(seen).toEqual({
			title: "ran",
			shown: "Hello",
			after: null,
			alert: "The rest of this page could not be shown with your privacy choices applied.",
		});
	});

	/** Where a click on `selector` of the locked-down links page navigates, every URL Chromium asked for. */
	async function followed(selector: string) {
		const context = await browser.newContext({ extraHTTPHeaders: { "X-Debug-Geo": "DE" } });
		const asked: string[] = [];
		context.on("request", (request) => {
			if (request.isNavigationRequest()) asked.push(request.url().replace(server.origin, ""));
		});
		await context.route("https://shop.example/**", (route) =>
			route.fulfill({ contentType: "text/html", body: "<p>Shop</p>" }),
		);
		try {
			const tab = await context.newPage();
			await tab.goto(`${server.origin}/links`);
			await Promise.all([tab.waitForURL((url) => !url.pathname.startsWith("/links")), tab.click(selector)]);
			return { url: tab.url().replace(server.origin, ""), asked };
		} finally {
			await context.close();
		}
	}

	it("whole and locked down, its links navigate without their tracking parameters", async () => {
		expect(await followed("#away")).toEqual({
			url: "https://shop.example/p?id=1",
			asked: ["/links", "https://shop.example/p?id=1"],
		});
		// The area's link is the site's own: the guard would redirect a tracked URL; none is asked for.
		expect(await followed("#map")).toEqual({ url: "/landing?ref=2", asked: ["/links", "/landing?ref=2"] });
	});
});
