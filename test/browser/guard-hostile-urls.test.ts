/**
 * A tracker's URL spelled as the HTML and URL parsers read it (character references, named ones
 * too, numeric ones without `;`, backslashes, a tab between the slashes, letters IDNA folds or
 * drops), in Chromium: for a visitor opted out of everything, neither the page the guard rewrote nor
 * markup the page's own script writes (the runtime's screen) requests it; nor is anything requested
 * that is on one of the guard's own beacon paths (`/matomo.php?…`, also percent-escaped or in a
 * frame's `srcdoc`), named in CSS (escapes, an SVG `<style>`, `image-set()`) or in a frame's `srcdoc`
 * (nor that frame's `src` instead); and what a person sees stays as an allowed visitor's page shows it
 * (a `url()` in a CSS string or comment, text after a tag that ends an SVG style). An allowed visitor's page
 * requests every tracker, so each spelling does load one. The test pages are served over http, where
 * `https:host` (no slashes) names another host: the runtime and the rewrite read it so.
 */
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, warnIfNoChromium } from "./chromium";
import { type RecordingSite, serveRecordingSite } from "./recording-site";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("guard hostile URLs");

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const FB = "connect.facebook.net";
const VISITORS = {
	allowed: { "X-Debug-Geo": "US-CA" },
	optedOut: { "X-Debug-Geo": "DE" },
} as const;

/** Image URLs as written in markup, each naming Meta's host for the browser; `ev` tells them apart. */
const SPELLINGS = (ev: string): string[] => [
	`https:\\\\face%62ook.net\\tr?ev=${ev}1`,
	`https:&#x2F;&#x2F;face&#x62;ook.net/tr?ev=${ev}2`,
	`https:&sol;&sol;${FB}/tr?ev=${ev}3`,
	`https:&#47&#47${FB}/tr?ev=${ev}4`,
	`/&Tab;/${FB}/tr?ev=${ev}5`,
	`/\t/${FB}/tr?ev=${ev}6`,
	`https://&fopf;acebook.net/tr?ev=${ev}7`,
	`https://face&shy;book.net/tr?ev=${ev}8`,
	`https://connect&period;facebook.net/tr?ev=${ev}9`,
	`/\\face%62ook.net/tr?ev=${ev}10`,
	`https:\\\\connect.facebook.n&#x65;t/tr?ev=${ev}11`,
	`https://&#x63onnect.facebook.net/tr?ev=${ev}12`,
	`HTTPS&colon;&sol;&sol;CONNECT.FACEBOOK.NET/tr?ev=${ev}13`,
	`https://face&ZeroWidthSpace;book.net/tr?ev=${ev}14`,
	`https://face&NoBreak;book.net/tr?ev=${ev}15`,
	`&sol;&sol;face&#x62;ook.net/tr?ev=${ev}16`,
	`/&NewLine;/face%62ook.net/tr?ev=${ev}17`,
	// The page is served over http, where a special scheme without slashes names a host.
	`https:face%62ook.net/tr?ev=${ev}18`,
	`https:${FB}/tr?ev=${ev}19`,
];

/** Backgrounds naming Meta's host in CSS: escapes in the URL, a string in an image set. */
const CSS_SPELLINGS = [
	`background:url(https://connect.facebook\\2e net/tr?ev=PageCss1)`,
	`background:url('https://connect\\.facebook.net/tr?ev=PageCss2')`,
	`background:url(/\\\\${FB}/tr?ev=PageCss3)`,
	`background:image-set('https://${FB}/tr?ev=PageCss4' 1x)`,
	`background:-webkit-image-set(&quot;https://${FB}/tr?ev=PageCss5&quot; 1x)`,
	// The function's own name or parentheses escaped (CSS) or referenced (HTML).
	`background:u&#114;l(https://${FB}/tr?ev=PageCss6)`,
	`background:\\75 rl(https://${FB}/tr?ev=PageCss7)`,
	`background:url&#40;https://${FB}/tr?ev=PageCss8&#41;`,
	`background:\\69mage-set('https://${FB}/tr?ev=PageCss9' 1x)`,
	`background:&bsol;75 rl(https://${FB}/tr?ev=PageCss10)`,
];

/** Style blocks naming Meta's host by a function or an `@import` whose name is escaped or in capitals, or after a comment. */
const BLOCK_SPELLINGS = [
	`#css-block1{background:\\75 rl(https://${FB}/tr?ev=PageBlock1)}`,
	`@\\69mport "https://${FB}/x.css?ev=PageBlock2";`,
	`@\\69 mport url(https://${FB}/x.css?ev=PageBlock3);`,
	`@import"https://${FB}/x.css?ev=PageBlock4";`,
	`@IMPORT "https://${FB}/x.css?ev=PageBlock5";`,
	`#css-block6{background:-webkit-image-s\\65t("https://${FB}/tr?ev=PageBlock6" 1x)}`,
	`@import/**/"https://${FB}/x.css?ev=PageBlock7";`,
	`#css-block8{background:image-set(/*"*/"https://${FB}/tr?ev=PageBlock8" 1x)}`,
];

/**
 * SVG style sheets naming Meta's host: parsed as markup, so character references are decoded (as in
 * an attribute), a CDATA section is text, and the sheet is the style's text children joined.
 */
const SVG_SPELLINGS = [
	`#svg-css1{background:url(https://${FB}/tr?ev=PageSvg1)}`,
	`#svg-css2{background:u&#114;l(https://${FB}/tr?ev=PageSvg2)}`,
	`#svg-css3{background:url(https://${FB}&#47;tr?ev=PageSvg3)}`,
	`@import "https://${FB}/x.css?ev=PageSvg4";`,
	`<![CDATA[#svg-css5{background:url(https://${FB}/tr?ev=PageSvg5)}]]>`,
	`#svg-css6{background:url(https://${FB}/tr?ev=PageSvg6)}<g></g>`,
	// Split by a comment or a child element: the sheet is the text pieces joined.
	`#svg-css7{background:url(https://connect.face<!--x-->book.net/tr?ev=PageSvg7)}`,
	`#svg-css8{background:url(https://connect.face<a/>book.net/tr?ev=PageSvg8)}`,
	`#svg-css9{background:u<!---->rl(https://${FB}/tr?ev=PageSvg9)}`,
	`@import "https://connect.face<g></g>book.net/x.css?ev=PageSvg10";`,
];

/**
 * Markup naming Meta's host that session 37's QA found Chromium loading past the rewrite, keyed by
 * the `ev` each request carries: CSS escapes and an SVG style split by a comment inside a frame's
 * `srcdoc`, a CSS string's escaped newline or quote, a `url()` or string left open at the sheet's end.
 */
const QA_CASES: Readonly<Record<string, string>> = {
	QaSrcdocEscape: `<iframe title="q1" srcdoc="<div style=&quot;width:9px;height:9px;background:url(https://connect.facebook\\2e net/tr?ev=QaSrcdocEscape)&quot;></div>"></iframe>`,
	QaSrcdocImport: `<iframe title="q2" srcdoc="<style>@import 'https://connect.face\\62ook.net/x.css?ev=QaSrcdocImport';</style>"></iframe>`,
	QaSrcdocSvgSplit: `<iframe title="q3" srcdoc="<svg width=1 height=1><style>#s{background:url(https://connect.face<!---->book.net/tr?ev=QaSrcdocSvgSplit)}</style></svg><div id=s style=width:9px;height:9px></div>"></iframe>`,
	QaStringNewline: `<style>#qa4{background:url("https://connect.facebook\\\n.net/tr?ev=QaStringNewline")}</style><div id="qa4" style="width:9px;height:9px"></div>`,
	QaEscapedQuote: `<style>#qa5{background:url("https://${FB}/tr?ev=QaEscapedQuote&x=\\"")}</style><div id="qa5" style="width:9px;height:9px"></div>`,
	QaUnclosedUrl: `<div id="qa6" style="width:9px;height:9px"></div><style>#qa6{background:url(https://${FB}/tr?ev=QaUnclosedUrl</style>`,
	QaUnclosedString: `<div id="qa7" style="width:9px;height:9px"></div><style>#qa7{background:url("https://${FB}/tr?ev=QaUnclosedString</style>`,
	QaUnclosedAttr: `<div style="width:9px;height:9px;background:url(https://${FB}/tr?ev=QaUnclosedAttr"></div>`,
	// Session 38: CSS read again after a string a line break ends, an escaped quote that opens no
	// string, and a quote inside an unquoted url( (a bad URL, which ends at its `)`).
	QaBadString: `<style>#qa8{content:"x\n;background:url(https://${FB}/tr?ev=QaBadString)}</style><div id="qa8" style="width:9px;height:9px"></div>`,
	QaEscapedQuoteOutside: `<style>#qa9{content:\\"x;background:url(https://${FB}/tr?ev=QaEscapedQuoteOutside)}</style><div id="qa9" style="width:9px;height:9px"></div>`,
	QaQuoteInUrl: `<style>#qa10{background:url(x'y)}#qa10{background:url(https://${FB}/tr?ev=QaQuoteInUrl)}</style><div id="qa10" style="width:9px;height:9px"></div>`,
};

/**
 * What a person sees that the rewrite must leave as it is (session 38): a `url()` or `@import` inside a
 * CSS string or comment is text, shown by `content` or kept in a custom property; the text after a tag
 * that ends the SVG inside an SVG style is the page's, and the sheet before it still applies.
 */
const SEEN = [
	`<style>#inert1::before{content:"url(https://${FB}/tr?ev=Inert1)"}</style><div id="inert1"></div>`,
	`<style>#inert2::before{content:"@import 'https://${FB}/x.css?ev=Inert2'"}#inert2{color:rgb(1, 2, 3)}</style><div id="inert2"></div>`,
	`<style>/* url(https://${FB}/tr?ev=Inert3) */#inert3{color:rgb(4, 5, 6)}</style><div id="inert3"></div>`,
	`<div id="inert4" style="--x:'url(https://${FB}/tr?ev=Inert4)'"></div>`,
	`<div id="breakout"><svg width="1" height="1"><style>#breakout1{color:rgb(7, 8, 9)}<p>para</p>tail</style></svg><span id="breakout1">x</span></div>`,
];
const seenInPage = () => {
	const style = (id: string, pseudo?: string) =>
		getComputedStyle(document.getElementById(id) as Element, pseudo);
	return {
		inert1: style("inert1", "::before").content,
		inert2: [style("inert2", "::before").content, style("inert2").color],
		inert3: style("inert3").color,
		inert4: style("inert4").getPropertyValue("--x"),
		// biome-ignore lint/performance/useDomNodeTextContent: what a person sees (a style's text is not shown).
		breakout: [(document.getElementById("breakout") as HTMLElement).innerText, style("breakout1").color],
	};
};

/** A srcdoc whose CSS, decoded as the frame reads it, names a path of the site: its frame stays. */
const FIRST_PARTY_SRCDOC = `<iframe title="fp" srcdoc="<div style=&quot;width:9px;height:9px;background:url(&amp;amp;sol;&amp;amp;sol;${FB}/tr?ev=QaFirstParty)&quot;></div>"></iframe>`;

const BEACON = "/matomo.php?idsite=1&amp;rec=1&amp;action_name=hostile";
/** The guard's beacon paths spelled with percent-escapes, and one in a frame's `srcdoc` (`&` escaped twice). */
const BEACONS = [
	BEACON,
	"/%6datomo.php?idsite=1&amp;rec=1&amp;action_name=escaped1",
	"/matomo.php?idsite=1&amp;rec=%31&amp;action_name=escaped2",
	"/g/%63ollect?v=2&amp;t%69d=G-ABC123XYZ9&amp;dl=escaped3",
	// Session 38: a mark's `=` as `&equals;`, dot segments and a backslash the URL parser resolves.
	"/matomo.php?idsite&equals;1&amp;rec&equals;1&amp;action_name=equals4",
	"/g/./collect?v=2&amp;tid=G-ABC123XYZ9&amp;dl=dot5",
	"/g/x/%2e%2e/collect?v=2&amp;tid=G-ABC123XYZ9&amp;dl=dots6",
	"/g\\collect?v=2&amp;tid=G-ABC123XYZ9&amp;dl=backslash7",
];
const SRCDOC_BEACON = `<iframe title="beacon" srcdoc="<img src=&quot;/matomo.php?idsite=1&amp;amp;rec=1&amp;amp;action_name=srcdoc&quot; alt=&quot;&quot;>"></iframe>`;

const page = (body: string) =>
	`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hostile</title>` +
	`<script src="/consent.js" data-banner="off"></script></head><body>${body}</body></html>`;

const HOSTILE_PAGE = page(
	SPELLINGS("Page")
		.map((url) => `<img src="${url}" alt="">`)
		.join("\n") +
		`<img src="/a.png" srcset="/a.png 2x, https:&sol;&sol;${FB}/tr?ev=PageSrcset 1x" alt="">` +
		`<iframe title="ad" srcdoc="<img src=&quot;https:&amp;#47;&amp;#47;${FB}/tr?ev=PageSrcdoc&quot; alt=&quot;&quot;>"></iframe>` +
		BEACONS.map((src) => `<img src="${src}" alt="">`).join("") +
		SRCDOC_BEACON +
		`<img src="/logo.png" alt="">` +
		CSS_SPELLINGS.map((css) => `<div style="width:9px;height:9px;${css}"></div>`).join("") +
		`<style>#css-block{width:9px;height:9px;background:url(https://connect.facebook\\2e net/tr?ev=PageCssBlock)}</style>` +
		`<div id="css-block"></div>` +
		BLOCK_SPELLINGS.map(
			(css, at) => `<style>${css}</style><div id="css-block${at + 1}" style="width:9px;height:9px"></div>`,
		).join("") +
		SVG_SPELLINGS.map(
			(css, at) =>
				`<svg width="1" height="1"><style>${css}</style></svg><div id="svg-css${at + 1}" style="width:9px;height:9px"></div>`,
		).join("") +
		`<iframe title="both" src="https://frames.example/x?ev=PageFrameSrc" srcdoc="<img src=https://${FB}/tr?ev=PageFrameSrcdoc>"></iframe>` +
		Object.values(QA_CASES).join("") +
		FIRST_PARTY_SRCDOC +
		SEEN.join(""),
);

describe.skipIf(!hasChromium)("tracker URLs in hostile spellings, in Chromium", () => {
	let site: RecordingSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium(
		() =>
			serveRecordingSite(({ path }, res) => {
				if (path === "/hostile") {
					res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" });
					res.end(HOSTILE_PAGE);
				} else if (path === "/blank") {
					res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" });
					res.end(page("<p>blank</p>"));
				} else {
					res.writeHead(200, { "Content-Type": "image/gif" }).end(GIF);
				}
			}),
		(started) => {
			({ site, server, browser } = started);
		},
	);

	/** The requests Chromium makes for `path` and for each of `written` set as an image by script. */
	async function visit(headers: Record<string, string>, path: string, written: readonly string[] = []) {
		const context = await browser.newContext({ extraHTTPHeaders: headers });
		const urls: string[] = [];
		context.on("request", (request) => {
			urls.push(request.url());
		});
		await context.route("**/*", (route) => {
			if (route.request().url().startsWith(`${server.origin}/`)) return route.continue();
			return route.fulfill({ contentType: "image/gif", body: GIF });
		});
		try {
			const tab = await context.newPage();
			await tab.goto(`${server.origin}${path}`);
			await tab.evaluate((list) => {
				for (const url of list) {
					const div = document.createElement("div");
					div.innerHTML = `<img src="${url}" alt="">`;
					document.body.append(div);
				}
			}, written);
			await tab.waitForTimeout(500);
			return Object.assign(urls, { seen: await tab.evaluate(seenInPage) });
		} finally {
			await context.close();
		}
	}

	const trackerEvents = (urls: readonly string[]) =>
		urls
			.filter((url) => /facebook\.net$/.test(new URL(url).hostname))
			.map((url) => new URL(url).searchParams.get("ev"))
			.sort();
	const beaconRequests = (urls: readonly string[]) =>
		urls.filter((url) => /matomo\.php|%6datomo|%63ollect|\/g\/collect/.test(url)).sort();
	let allowedSeen: unknown;

	it("an allowed visitor's page requests every spelling's tracker, and the beacon image", async () => {
		const written = SPELLINGS("Written");
		const urls = await visit(VISITORS.allowed, "/hostile", written);
		const expected = [
			...SPELLINGS("Page").map((_url, at) => `Page${at + 1}`),
			"PageSrcset",
			"PageSrcdoc",
			...CSS_SPELLINGS.map((_css, at) => `PageCss${at + 1}`),
			"PageCssBlock",
			...BLOCK_SPELLINGS.map((_css, at) => `PageBlock${at + 1}`),
			...SVG_SPELLINGS.map((_css, at) => `PageSvg${at + 1}`),
			"PageFrameSrcdoc",
			...Object.keys(QA_CASES),
			...written.map((_url, at) => `Written${at + 1}`),
		].sort();
		expect(trackerEvents(urls)).toEqual(expected);
		expect(beaconRequests(urls)).toEqual(
			[...BEACONS, "/matomo.php?idsite=1&amp;rec=1&amp;action_name=srcdoc"]
				.map((src) => new URL(src.replaceAll("&amp;", "&").replaceAll("&equals;", "="), server.origin).href)
				.sort(),
		);
		allowedSeen = urls.seen;
		expect(urls.seen).toMatchObject({ inert3: "rgb(4, 5, 6)", breakout: ["para\n\ntailx", "rgb(7, 8, 9)"] });
		// A frame's srcdoc wins over its src.
		expect(urls.filter((url) => url.includes("frames.example"))).toEqual([]);
	});

	it("an opted-out visitor's page requests none of them, the page's images or those its script writes", async () => {
		const siteRequests = site.requests.length;
		const urls = await visit(VISITORS.optedOut, "/hostile", SPELLINGS("Written"));
		const frames = urls.filter((url) => url.includes("frames.example"));
		expect({ trackers: trackerEvents(urls), beacons: beaconRequests(urls), frames }).toEqual({
			trackers: [],
			beacons: [],
			frames: [],
		});
		// The page shows what the allowed visitor's shows: strings and comments as written, the SVG ended.
		expect(urls.seen).toEqual(allowedSeen);
		expect(urls).toContain(`${server.origin}/logo.png`);
		expect(site.requests.slice(siteRequests)).toContain("/logo.png");
		expect(site.requests.slice(siteRequests).filter((target) => target.includes("QaFirstParty"))).toEqual([
			`/&sol;&sol;${FB}/tr?ev=QaFirstParty`,
		]);
	});
});
