/**
 * A site whose own bundle builds tracker requests at runtime, as one embedding vendor SDKs does: a
 * `fetch` to GA4's collector, an XHR, `navigator.sendBeacon` and an `Image()` pixel to Meta, a script
 * element made and appended to load fbevents.js and (by setAttribute) gtag.js, and an ad frame; a
 * video poster, an embed, an object, an image button and images (setAttributeNS, SVG xlink:href)
 * loading Meta's pixel; the
 * calls posthog-js makes from a bundle (its config script, then `fetch` to its flags and event
 * endpoints, the events sent again later unless the answer was a 200 or a 4xx); then a request to the site itself and to an ordinary third-party CDN. Each call's
 * outcome is kept in `window.runtimeResults`. Another page writes tracker markup with `document.write`,
 * one writes it split mid-tag across calls, one leaves elements open for later markup to close, and one enforces Trusted Types (`?tt=`) and writes it as a
 * `TrustedHTML`. The page's CSP admits scripts by nonce only (`strict-dynamic`), as strict
 * policies do; `/runtime-listed` serves the first page under a policy admitting the nonce and the
 * trackers' script hosts only (no `strict-dynamic`), so a script the worker's SDK inserts runs only
 * with the nonce; `/runtime-async` serves it with the SDK's tag `async`, under that policy as a header or
 * (`?meta`) in a `<meta>`. The site records every path it is asked for.
 */
import { type RecordingSite, serveRecordingSite } from "./recording-site";

export const NONCE = "rt-n0nce";

/** Tracker hosts the site's code calls, by the purpose the guard puts them under. */
export const RUNTIME_HOSTS = {
	ads: ["www.facebook.com", "connect.facebook.net", "td.doubleclick.net"],
	analytics: [
		"www.google-analytics.com",
		"www.googletagmanager.com",
		"us-assets.i.posthog.com",
		"us.i.posthog.com",
		"eu.i.posthog.com",
	],
} as const;
export const CDN_HOST = "cdn.example.net";

const PAGE = `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Runtime</title>
<script nonce="${NONCE}" src="/consent.js" data-banner="off"></script>
<script nonce="${NONCE}" src="/bundle.js"></script>
</head>
<body><h1>Shop</h1></body>
</html>
`;

/** A page whose inline script writes markup while the page is parsed, as old tag snippets do. */
const WRITE_PAGE = `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Written</title>
<script nonce="${NONCE}" src="/consent.js" data-banner="off"></script>
</head>
<body><script nonce="${NONCE}">
document.write('<img id="pixel" src="https://www.facebook.com/tr?id=1&ev=MarkupWrite" alt="">', '<p id="plain">plain</p>');
document.writeln('<iframe id="frame" src="https://td.doubleclick.net/td/rul/9?ev=MarkupWriteln"></iframe>');
document.write('<img id="busted" src="https://www.facebook.com/tr?id=1&ev=MarkupWriteBuster&cb=', Date.now(), '" alt="">');
document.documentElement.dataset.own = "done-1";
</script></body>
</html>
`;

/**
 * Tag snippets that write their markup in pieces, a tag split across calls: the joined markup is what
 * the page parses. The last piece is left unfinished for the page's own markup to close.
 */
const SPLIT_WRITE_PAGE = `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Split</title>
<script nonce="${NONCE}" src="/consent.js" data-banner="off"></script>
</head>
<body><h1 id="heading">Split</h1><script nonce="${NONCE}">
document.write('<p id="before">before</p><img id="pixel" alt="" src="https://www.fac');
document.documentElement.dataset.before = String(document.getElementById("before") !== null);
document.write('ebook.com/tr?id=1&ev=SplitWrite">');
document.write('<p id="plain" class="a');
document.write('b">plain</p><iframe id="frame" src="https://td.double', "click.net/td/rul/9?ev=SplitArgs");
document.writeln('"></iframe>');
document.write('<p id="tail" class="open"');
document.documentElement.dataset.own = "done-1";
</script></body>
</html>
`;

/**
 * Tag snippets whose writes leave elements open for a later write or the page's own markup to close:
 * an element (`a`, the case a review saw), text after the last tag (`b`), an open comment (`c`), an
 * open style sheet (`d`), a paragraph closed by a later start tag (`e`), a table cell (`f`), a
 * textarea (`g`) and a template (`h`); end tags for elements an earlier write opened (`i`); and an
 * image breaking out of an SVG `<style>` (`j`: not raw text there, so the runtime cannot match its tag
 * to the element and writes what its template parsed). Each case sits in its own `<div>`, followed by a
 * paragraph of the page's own.
 */
const OPEN_WRITE_PAGE = `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Open</title>
<script nonce="${NONCE}" src="/consent.js" data-banner="off"></script>
</head>
<body><div id="a"><script nonce="${NONCE}">
document.write('<div id="a-inner"><img id="a-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenElement">');
document.write('</div>');
</script><p id="a-after">a</p></div>
<div id="b"><script nonce="${NONCE}">
document.writeln('<span id="b-span">text <img id="b-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenText"> more');
document.write('end</span><i id="b-end">i</i>');
</script><p id="b-after">b</p></div>
<div id="c"><script nonce="${NONCE}">
document.write('<section id="c-inner"><img id="c-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenComment"><!-- note');
document.write(' still a comment --></section>');
</script><p id="c-after">c</p></div>
<div id="d"><script nonce="${NONCE}">
document.write('<div id="d-inner"><img id="d-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenStyle"><style>');
document.write('#d-after { color: rgb(1, 2, 3) }</style></div>');
</script><p id="d-after">d</p></div>
<div id="e"><script nonce="${NONCE}">
document.write('<p id="e-p"><img id="e-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenImplied"><div id="e-inner">e');
document.write('</div>');
</script><p id="e-after">e</p></div>
<div id="f"><script nonce="${NONCE}">
document.write('<table id="f-table"><tr><td id="f-first"><img id="f-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenCell">');
document.write('</td><td id="f-cell">2</td></tr></table>');
</script><p id="f-after">f</p></div>
<div id="g"><script nonce="${NONCE}">
document.write('<div id="g-inner"><img id="g-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenTextarea"><textarea id="g-text">');
document.write('typed</textarea></div>');
</script><p id="g-after">g</p></div>
<div id="h"><script nonce="${NONCE}">
document.write('<div id="h-inner"><img id="h-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenTemplate"><template><b>');
document.write('t</b></template></div>');
</script><p id="h-after">h</p></div>
<div id="i"><script nonce="${NONCE}">
document.write('<div id="i-inner"><span id="i-span">');
document.write('<img id="i-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenEarlier"></span></div>');
</script><p id="i-after">i</p></div>
<div id="j"><script nonce="${NONCE}">
document.write('<div id="j-inner"><svg><style><img id="j-pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=OpenForeign">');
document.write('</div>');
</script><p id="j-after">j</p></div>
<script nonce="${NONCE}">document.documentElement.dataset.own = "done-1";</script>
</body>
</html>
`;

/** Trusted Types as `?tt=` asks: `off` (none), `open` (enforced; any policy name) or `closed` (enforced; only the site's policy). */
const TRUSTED_TYPES: Record<string, string> = {
	off: "",
	open: "; require-trusted-types-for 'script'",
	closed: "; require-trusted-types-for 'script'; trusted-types site",
};

/** A page that writes a `TrustedHTML` made by its own policy while it is parsed, as `window.sitePolicy`. */
const TRUSTED_PAGE = `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Trusted</title>
<script nonce="${NONCE}" src="/consent.js" data-banner="off"></script>
</head>
<body><script nonce="${NONCE}">
window.sitePolicy = trustedTypes.createPolicy("site", { createHTML: function (html) { return html; } });
document.write(sitePolicy.createHTML('<p id="own">own</p><img id="pixel" alt="" src="https://www.facebook.com/tr?id=1&ev=TrustedWrite">'));
document.documentElement.dataset.own = "done-1";
</script></body>
</html>
`;

/**
 * The site's bundle: `buildTrackers()` runs as soon as the head loads it (so some of its requests are
 * built before the body is parsed) and can be run again (after a choice).
 */
const BUNDLE = `window.buildTrackers = async function (round) {
	const results = { round };
	const r = await fetch("https://www.google-analytics.com/g/collect?v=2&tid=G-RUNTIME12&en=page_view&r=" + round, { method: "POST", mode: "no-cors" });
	results.fetch = r.status;
	results.xhr = await new Promise((resolve) => {
		const x = new XMLHttpRequest();
		x.open("POST", "https://www.google-analytics.com/j/collect?v=1&r=" + round);
		x.onload = () => resolve(x.readyState + ":" + x.status);
		x.onerror = () => resolve("error");
		x.send("t=event");
	});
	results.beacon = navigator.sendBeacon("https://www.facebook.com/tr?id=1&ev=Beacon&r=" + round, "x");
	const img = new Image();
	img.src = "https://www.facebook.com/tr?id=1&ev=PageView&r=" + round;
	(document.body || document.documentElement).appendChild(img);
	const fb = document.createElement("script");
	fb.async = true;
	fb.src = "https://connect.facebook.net/en_US/fbevents.js?r=" + round;
	document.head.appendChild(fb);
	results.fbScript = [fb.getAttribute("type"), fb.getAttribute("data-consent"), fb.getAttribute("data-src")];
	const g = document.createElement("script");
	g.setAttribute("src", "https://www.googletagmanager.com/gtag/js?id=G-RUNTIME12&r=" + round);
	document.head.appendChild(g);
	const frame = document.createElement("iframe");
	frame.src = "https://td.doubleclick.net/td/rul/123?r=" + round;
	(document.body || document.documentElement).appendChild(frame);
	// Elements the HTML rewrite also gates, loading a pixel by property, setAttribute or setAttributeNS.
	const pixel = (kind) => "https://www.facebook.com/tr?id=1&ev=" + kind + "&r=" + round;
	const video = document.createElement("video");
	video.poster = pixel("Poster");
	const embed = document.createElement("embed");
	embed.src = pixel("Embed");
	const object = document.createElement("object");
	object.setAttribute("data", pixel("Object"));
	const button = document.createElement("input");
	button.type = "image";
	button.src = pixel("ImageButton");
	const nsImage = document.createElement("img");
	nsImage.setAttributeNS(null, "src", pixel("SetAttributeNS"));
	const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
	const svgImage = document.createElementNS("http://www.w3.org/2000/svg", "image");
	svgImage.setAttributeNS("http://www.w3.org/1999/xlink", "xlink:href", pixel("SvgImage"));
	svg.appendChild(svgImage);
	const audio = document.createElement("audio");
	audio.src = pixel("Audio");
	const source = document.createElement("source");
	source.setAttribute("src", pixel("Source"));
	const track = document.createElement("track");
	track.src = pixel("Track");
	// The page's CSP (object-src 'none') refuses plugins, and media need no playing: those are only
	// checked, not added.
	for (const element of [video, button, nsImage, svg]) (document.body || document.documentElement).appendChild(element);
	results.elements = [video, embed, object, button, nsImage, svgImage, audio, source, track].map((el) =>
		el.getAttribute("data-consent"),
	);
	// posthog-js 1.449 from npm with its default api_host (and an EU project's), as a bundle calls it.
	const ph = document.createElement("script");
	ph.src = "https://us-assets.i.posthog.com/array/phc_runtime/config.js?r=" + round;
	document.head.appendChild(ph);
	await fetch("https://us.i.posthog.com/flags/?v=2&r=" + round, { method: "POST", body: "{}" });
	// Its retry queue sends a batch again, later, unless the answer was a 200 or a 4xx.
	const sendEvents = async (attempt) => {
		const url = "https://eu.i.posthog.com/e/?r=" + round + "&retry_count=" + attempt;
		const res = await fetch(url, { method: "POST", body: "[]", keepalive: true });
		if (res.status !== 200 && (res.status < 400 || res.status >= 500) && attempt < 10) {
			setTimeout(() => sendEvents(attempt + 1), 300);
		}
		return res.status;
	};
	results.posthog = await sendEvents(0);
	results.own = (await fetch("/api/ping?r=" + round)).status;
	results.cdn = (await fetch("https://${CDN_HOST}/lib.json?r=" + round, { mode: "no-cors" })).type;
	window.runtimeResults = results;
	document.documentElement.dataset.own = "done-" + round;
	return results;
};
window.buildTrackers(1);
`;

/** The tracker hosts the bundle loads scripts from, and nothing else: the worker's needs the nonce. */
const LISTED_CSP = `script-src 'nonce-${NONCE}' https://connect.facebook.net https://www.googletagmanager.com https://us-assets.i.posthog.com; object-src 'none'`;

export type RuntimeSite = RecordingSite;

export function serveRuntimeSite(): Promise<RuntimeSite> {
	return serveRecordingSite(({ path, target }, res) => {
		if (path === "/runtime") {
			res.writeHead(200, {
				"Content-Type": "text/html; charset=utf-8",
				"Cache-Control": "no-cache",
				"Content-Security-Policy": `script-src 'nonce-${NONCE}' 'strict-dynamic'; object-src 'none'`,
			});
			res.end(PAGE);
		} else if (path === "/runtime-listed") {
			res.writeHead(200, {
				"Content-Type": "text/html; charset=utf-8",
				"Cache-Control": "no-cache",
				"Content-Security-Policy": LISTED_CSP,
			});
			res.end(PAGE);
		} else if (path === "/runtime-async") {
			// The SDK's tag async, the policy in a <meta> rather than a header when `?meta` asks.
			const meta = target.includes("?meta");
			const page = PAGE.replace(
				`<script nonce="${NONCE}" src="/consent.js"`,
				`<script async nonce="${NONCE}" src="/consent.js"`,
			);
			res.writeHead(200, {
				"Content-Type": "text/html; charset=utf-8",
				"Cache-Control": "no-cache",
				...(meta ? {} : { "Content-Security-Policy": LISTED_CSP }),
			});
			res.end(
				meta
					? page.replace(
							'<meta charset="utf-8">',
							`<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${LISTED_CSP}">`,
						)
					: page,
			);
		} else if (path === "/runtime-write") {
			res.writeHead(200, {
				"Content-Type": "text/html; charset=utf-8",
				"Cache-Control": "no-cache",
				"Content-Security-Policy": `script-src 'nonce-${NONCE}' 'strict-dynamic'; object-src 'none'`,
			});
			res.end(WRITE_PAGE);
		} else if (path === "/runtime-split") {
			res.writeHead(200, {
				"Content-Type": "text/html; charset=utf-8",
				"Cache-Control": "no-cache",
				"Content-Security-Policy": `script-src 'nonce-${NONCE}' 'strict-dynamic'; object-src 'none'`,
			});
			res.end(SPLIT_WRITE_PAGE);
		} else if (path === "/runtime-open") {
			res.writeHead(200, {
				"Content-Type": "text/html; charset=utf-8",
				"Cache-Control": "no-cache",
				"Content-Security-Policy": `script-src 'nonce-${NONCE}' 'strict-dynamic'; object-src 'none'`,
			});
			res.end(OPEN_WRITE_PAGE);
		} else if (path === "/runtime-trusted") {
			const tt = TRUSTED_TYPES[new URLSearchParams(target.slice(path.length)).get("tt") ?? ""] ?? "";
			res.writeHead(200, {
				"Content-Type": "text/html; charset=utf-8",
				"Cache-Control": "no-cache",
				"Content-Security-Policy": `script-src 'nonce-${NONCE}' 'strict-dynamic'; object-src 'none'${tt}`,
			});
			res.end(TRUSTED_PAGE);
		} else if (path === "/bundle.js") {
			res.writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "no-cache" }).end(BUNDLE);
		} else if (path === "/api/ping") {
			res.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}');
		} else {
			res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
		}
	});
}
