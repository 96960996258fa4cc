/**
 * A tracker's URL as a browser's URL parser folds it before requesting it: spaces and controls
 * around it and tabs or newlines anywhere are taken out, and a host's percent-escapes and non-ASCII
 * letters are mapped (IDNA: a full-width `ｆ` is `f`, `。` is `.`, a soft hyphen is nothing). Written
 * so, the tracker still loads, so the guard judges the URL as the browser will request it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { classifyTrackerUrl } from "../../workers/guard/tracker-hosts";
import { fakeOrigin, RUNTIME_TAGS, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const FOLDED: readonly string[] = [
	" https://connect.facebook.net/en_US/fbevents.js",
	"https://connect.facebook.net/en_US/fbevents.js\n",
	"\thttps://connect.facebook.net/en_US/fbevents.js",
	"ht\ntps://connect.facebook.net/en_US/fbevents.js",
	"https://connect.face\nbook.net/en_US/fbevents.js",
	"https://connect.face%62ook.net/en_US/fbevents.js",
	"https://connect.%66acebook.net/en_US/fbevents.js",
	"https://connect.ｆacebook.net/en_US/fbevents.js",
	"https://connect.facebook。net/en_US/fbevents.js",
	"https://connect.face\u00adbook.net/en_US/fbevents.js",
	"//connect.ＦＡＣＥＢＯＯＫ.net/en_US/fbevents.js",
	" /cdn-cgi/zaraz/s.js?z=abc",
];

describe("classifyTrackerUrl reads a URL as the browser will request it", () => {
	for (const url of FOLDED) {
		it(`${JSON.stringify(url)} is an ad tracker`, () => expect(classifyTrackerUrl(url)).toBe("ads"));
	}
	it("leaves what no browser folds into a tracker's host alone", () => {
		expect(classifyTrackerUrl("https://example.com/a%20b?x=%41")).toBeNull();
		expect(classifyTrackerUrl("https://exämple.com/app.js")).toBeNull();
		expect(classifyTrackerUrl(" /app.js ")).toBeNull();
		expect(classifyTrackerUrl("https://connect.face%zzbook.net/x.js")).toBeNull();
	});
});

describe("a page naming trackers in folded spellings, for a visitor opted out of everything", () => {
	it("gates each script as it gates the plain spelling", async () => {
		const scripts = FOLDED.slice(0, -1).map(
			(url) => `<script async src="${url.replace(/\n/g, "&#10;").replace(/\t/g, "&#9;")}"></script>`,
		);
		fakeOrigin(
			() =>
				new Response(`<html><head>${scripts.join("")}</head><body></body></html>`, {
					headers: { "Content-Type": "text/html; charset=utf-8" },
				}),
		);
		const res = await visit("/", VISITORS.optedOut);
		const body = await res.text();
		expect(body.startsWith(`<html><head>${RUNTIME_TAGS.optedOut}`)).toBe(true);
		const gated = body.match(/<script async type="text\/plain" data-consent="ads" data-src=/g) ?? [];
		expect(gated.length).toBe(scripts.length);
		expect(body).not.toMatch(/<script async src=/);
	});
});
