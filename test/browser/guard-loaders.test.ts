/**
 * Ways a page loads a URL other than a plain script, image or frame, in Chromium behind the guard
 * (loaders-site.ts): module imports and preloads, speculation rules, link hints, SVG `<use>`, style
 * sheets, and, from a first-party script, workers, worklets, a `<use>` made at runtime and a dynamic
 * `import()`; a `<base href>` a script gives the page (BASE_CASES), under which the page's relative
 * image loads. Every request the browser makes is recorded (anything bound elsewhere than the worker
 * is answered locally). An allowed visitor's page makes each case's request, so the recording can see
 * it; a visitor opted out of everything reaches no tracker, except where the browser offers the guard
 * nothing to hold: a worker made from a Blob or `data:` URL importing a tracker's script and a dynamic
 * `import()` in a script file (README, "Guard mode"). Speculation rules a script inserts are cleaned by
 * the runtime as they are inserted (more such cases in guard-speculation.test.ts). A base on a
 * tracker's host is held back as a tracker's URL is, so the relative image stays on the site; one on a
 * CDN or the site stays.
 * Playwright sees no request of an audio worklet's, nor a speculative prefetch to the worker's own
 * origin: those are told by the worklet's outcome and by what the site received.
 */
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import {
	BASE_CASES,
	CDN_BASE,
	MARKUP_CASES,
	OWN_BASE,
	RELATIVE_IMAGE,
	SCRIPT_CASES,
	serveLoadersSite,
} from "./loaders-site";
import type { RecordingSite } from "./recording-site";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("guard loaders");

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const VISITORS = {
	allowed: { "X-Debug-Geo": "US-CA" },
	optedOut: { "X-Debug-Geo": "DE" },
} as const;

const CASES = [
	...Object.keys(MARKUP_CASES).map((name) => [name, `/case/${name}`] as const),
	...Object.keys(SCRIPT_CASES).map((name) => [name, `/run/${name}`] as const),
	...Object.keys(BASE_CASES).map((name) => [name, `/run/${name}`] as const),
];
/** Cases whose URL is the site's own, with tracking parameters: what the site was asked for is told. */
const SAME_SITE = ["spec-same-prefetch", "spec-same-prerender"];

/** Base cases on a CDN or the site: no tracker to reach (their images are told apart, see `survey`). */
const KEPT_BASES = ["base-cdn", "base-own"];

/** Cases an allowed visitor's Chromium makes no request for that Playwright sees (see `outcomes`). */
const UNSEEN = ["link-prerender", "audio-worklet", "worker", "shared-worker", "service-worker"];

/** Cases whose tracker an opted-out visitor still reaches: out of the guard's reach. */
const OUT_OF_REACH = ["blob-worker", "data-worker", "bundle-import"];

describe.skipIf(!hasChromium)("ways of loading a tracker, in Chromium behind the guard", () => {
	let site: RecordingSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium<RecordingSite>(serveLoadersSite, (started) => {
		({ site, server, browser } = started);
	});

	/** What a script case's page says of its call: an error's name, "resolved", or undefined. */
	const outcome = (page: Page) =>
		page.evaluate(() => {
			const w = window as { caseError?: string; caseDone?: string };
			return w.caseError ?? w.caseDone;
		});

	/** Whether the case's page, for a visitor with these headers, asked a tracker for its URL. */
	async function visit(headers: Record<string, string>, name: string, path: string) {
		const context = await browser.newContext({ extraHTTPHeaders: headers });
		const urls: string[] = [];
		context.on("request", (request) => {
			urls.push(request.url());
		});
		await context.route("**/*", (route) => {
			const request = route.request();
			if (request.url().startsWith(`${server.origin}/`)) return route.continue();
			const type = request.resourceType();
			if (type === "image") return route.fulfill({ contentType: "image/gif", body: GIF });
			if (type === "document") return route.fulfill({ contentType: "text/html", body: "<p>stub</p>" });
			if (type === "stylesheet") return route.fulfill({ contentType: "text/css", body: "" });
			if (request.url().includes(".svg"))
				return route.fulfill({
					contentType: "image/svg+xml",
					body: '<svg xmlns="http://www.w3.org/2000/svg"><symbol id="x"/></svg>',
				});
			return route.fulfill({
				contentType: "text/javascript",
				body: "",
				headers: { "Access-Control-Allow-Origin": "*" },
			});
		});
		try {
			const page = await context.newPage();
			await page.goto(`${server.origin}${path}`);
			await page.waitForTimeout(1200);
			const reached = urls.some(
				(url) => !url.startsWith(`${server.origin}/`) && url.includes(`/case/${name}`),
			);
			return { reached, outcome: await outcome(page), urls };
		} finally {
			await context.close();
		}
	}

	async function survey(headers: Record<string, string>) {
		const reached: string[] = [];
		const outcomes: Record<string, string | undefined> = {};
		let cdnBased = false;
		for (const [name, path] of CASES) {
			const seen = await visit(headers, name, path);
			if (seen.reached) reached.push(name);
			if (name in SCRIPT_CASES && seen.outcome !== undefined) outcomes[name] = seen.outcome;
			cdnBased ||= seen.urls.includes(`${CDN_BASE}${RELATIVE_IMAGE}`);
		}
		const sameSite = site.requests.filter((target) =>
			SAME_SITE.some((name) => target.includes(`case=${name}`)),
		);
		// Where the base cases' relative images reached the site under a base (Chromium's preload scanner
		// asks for each under the page's own URL, `/run/`, before the script has run).
		const relative = site.requests
			.filter((target) => target.endsWith(`/${RELATIVE_IMAGE}`) && !target.startsWith("/run/"))
			.sort();
		site.requests.length = 0;
		return { reached, outcomes, sameSite, cdnBased, relative };
	}

	it("an allowed visitor's pages make their requests, as written", { timeout: 300_000 }, async () => {
		expect(await survey(VISITORS.allowed)).toEqual({
			reached: CASES.map(([name]) => name).filter(
				(name) => !UNSEEN.includes(name) && !SAME_SITE.includes(name) && !KEPT_BASES.includes(name),
			),
			outcomes: {
				// Chromium refuses another origin's worker script without asking for it.
				worker: "SecurityError",
				"shared-worker": "SecurityError",
				"service-worker": "SecurityError",
				"paint-worklet": "resolved",
				// Its request goes past Playwright, to the network, which is offline here.
				"audio-worklet": "AbortError",
			},
			sameSite: [
				"/landing?case=spec-same-prefetch&gclid=abc&id=7",
				"/landing?case=spec-same-prerender&fbclid=abc&id=7",
			],
			cdnBased: true,
			relative: [`${OWN_BASE}${RELATIVE_IMAGE}`],
		});
	});

	it("an opted-out visitor's pages reach no tracker the guard can hold", { timeout: 300_000 }, async () => {
		expect(await survey(VISITORS.optedOut)).toEqual({
			reached: OUT_OF_REACH,
			outcomes: {
				worker: "SecurityError",
				"shared-worker": "SecurityError",
				"service-worker": "SecurityError",
				// No module was fetched: addModule resolves as for an empty one.
				"paint-worklet": "resolved",
				"audio-worklet": "resolved",
			},
			// Still prefetched and prerendered, without the tracking parameters.
			sameSite: ["/landing?case=spec-same-prefetch&id=7", "/landing?case=spec-same-prerender&id=7"],
			// A tracker's base is held back: those pages' relative images load from the site, under the
			// page's own URL or the `/` base-later had before; the CDN's and the site's own bases stay.
			cdnBased: true,
			relative: [`/${RELATIVE_IMAGE}`, `${OWN_BASE}${RELATIVE_IMAGE}`],
		});
	});
});
