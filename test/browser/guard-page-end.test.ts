/**
 * Pages that end cut off, behind the guard, in Chromium (the rewrite's cases are in
 * test/guard/page-end.test.ts). lol-html passes a tag the page leaves unfinished through as it is;
 * what the guard held back and writes at the end (an SVG script, a script's text) finished it, and
 * Chromium fetched a tracker the page as written never asks for: its parser drops a tag the file ends
 * in, and runs no script the file ends in. Each page is served whole (Content-Length) and streamed.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { type RecordingSite, serveRecordingSite } from "./recording-site";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("guard page end");

const OPTED_OUT = { "X-Debug-Geo": "DE" };
const TRACKER = "https://www.facebook.com/tr?id=1&amp;ev=end";

/** A page's body, the page ending where the markup does. */
const CASES: readonly string[] = [
	// An SVG script, held back to be judged, then a tag cut off.
	`<svg><script>a();<img src='${TRACKER}1'`,
	`<svg><script>a();<g>g</g><img alt='x>y' src='${TRACKER}2'`,
	`<svg><script>a();<image href="${TRACKER}3"`,
	// A script cut off inside its end tag: the held script's start tag went into it, and its text
	// was read as HTML.
	`<script>document.write("<img src='${TRACKER}4'>")</scr`,
	`<svg><style>a{}<img src='${TRACKER}5'`,
];

function page(markup: string): string {
	return `<!doctype html><html><head></head><body><p id="before">before</p>${markup}`;
}

function serveSite(): Promise<RecordingSite> {
	return serveRecordingSite(({ path }, res) => {
		const [, kind, index] = path.split("/");
		const markup = kind === "ran" ? '<script>window.ran = ["end"];' : CASES[Number(index)];
		if (markup === undefined) {
			res.writeHead(404).end();
			return;
		}
		const body = page(markup);
		if (path.endsWith("/streamed")) {
			// No Content-Length: the guard rewrites it as it streams.
			res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
			res.write(body.slice(0, 60));
			res.end(body.slice(60));
			return;
		}
		res.writeHead(200, {
			"Content-Type": "text/html; charset=utf-8",
			"Content-Length": Buffer.byteLength(body),
		});
		res.end(body);
	});
}

interface Seen {
	readonly before: string | null;
	readonly ran: boolean;
	/** Requests to anywhere but the server asked for the page. */
	readonly elsewhere: readonly string[];
}

describe.skipIf(!hasChromium)("pages cut off behind the guard, in Chromium", () => {
	let site: RecordingSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium<RecordingSite>(serveSite, (started) => {
		({ site, server, browser } = started);
	});

	async function seen(context: BrowserContext, origin: string, path: string): Promise<Seen> {
		const elsewhere: string[] = [];
		const tab = await context.newPage();
		await tab.route("**/*", (route) => {
			const url = route.request().url();
			if (url.startsWith(`${origin}/`)) return route.continue();
			elsewhere.push(url);
			return route.fulfill({ contentType: "image/gif", body: "" });
		});
		try {
			await tab.goto(`${origin}${path}`, { waitUntil: "load" });
			const found = await tab.evaluate(() => ({
				before: document.getElementById("before")?.textContent ?? null,
				ran: window.ran !== undefined,
			}));
			return { ...found, elsewhere };
		} finally {
			await tab.close();
		}
	}

	it("a tag the page ends in is not finished by what the guard held back: no tracker is asked", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: OPTED_OUT });
		try {
			for (const [index, markup] of CASES.entries()) {
				for (const how of ["whole", "streamed"]) {
					const path = `/case/${index}/${how}`;
					const written = await seen(context, site.origin, path);
					// As written, Chromium drops the unfinished tag: nothing is fetched.
					expect(written.elsewhere, `${markup} ${how}`).toEqual([]);
					const guarded = await seen(context, server.origin, path);
					expect(guarded.elsewhere, `${markup} ${how}`).toEqual([]);
					expect(guarded.before, `${markup} ${how}`).toBe("before");
				}
			}
		} finally {
			await context.close();
		}
	});

	it("a script the page ends in runs neither as written nor guarded", async () => {
		const context = await browser.newContext({ extraHTTPHeaders: OPTED_OUT });
		try {
			for (const how of ["whole", "streamed"]) {
				expect((await seen(context, site.origin, `/ran/0/${how}`)).ran, how).toBe(false);
				expect((await seen(context, server.origin, `/ran/0/${how}`)).ran, how).toBe(false);
			}
		} finally {
			await context.close();
		}
	});
});
