/**
 * Random pages for the guard's rewrite differential (guard-rewrite-diff.test.ts): trackers the guard
 * gates (pixels, tracker script URLs, vendor bootstraps, links with tracking parameters) mixed with the
 * constructs HTML parsers disagree on (comments, CDATA outside foreign content, raw and escapable raw
 * text, templates, foster parenting, SVG and MathML, odd attributes, nulls). Deterministic for a seed.
 * Every tracker here that runs asks for a URL on a tracker's host; every other script that runs pushes
 * its id to `window.r`.
 */

/** mulberry32: a small seeded generator, so a page is its seed and index alone. */
export function randomSource(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Hosts whose requests tell that a tracker ran or loaded. */
export const TRACKER_HOSTS = [
	"facebook.com",
	"facebook.net",
	"google-analytics.com",
	"googletagmanager.com",
	"doubleclick.net",
];

/** Tracking parameters the links here carry (the guard strips them). */
export const TRACKING_PARAMS = ["utm_source", "utm_medium", "utm_campaign", "gclid", "fbclid"];

/**
 * `loaders`: trackers load by every other way a page can ask for a URL too (`srcset`, a `<picture>`
 * source, `<link>` of each loading kind, `poster`, media and frame sources, `<object>`, `<embed>`, an
 * image input, an SVG `<image>` or `<feImage>`, a sheet's `url()`, `image-set()`, `@font-face` and
 * `@import`, a style attribute, `background`, a module script, a `<base>` on a tracker's host).
 * Without it the pages are those of every seed run before (the same draws).
 */
export function randomPage(seed: number, index: number, loaders = false): string {
	const random = randomSource(seed * 100_003 + index);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
	let id = 0;
	const nextId = () => `s${id++}`;

	const tracking = () => {
		const params = [`${pick(TRACKING_PARAMS)}=${pick(["a", "1", "x%20y", ""])}`];
		if (random() < 0.5) params.unshift(pick(["q=1", "page=2", "a=&lt;b"]));
		if (random() < 0.5) params.push(`${pick(TRACKING_PARAMS)}=z`);
		return params.join(pick(["&amp;", "&", "&amp;"]));
	};
	const quoted = (value: string) => {
		const q = pick(['"', "'", ""]);
		return q === "" && /[\s"'=<>`]/.test(value) ? `"${value}"` : `${q}${value}${q}`;
	};
	const space = () => pick([" ", " ", "\t", "\n", "\f", " \r\n "]);

	const link = () =>
		`<${pick(["a", "A", "a"])}${space()}${pick(["href", "HREF"])}=${quoted(`${pick(["/next", "https://x.example/p", "?", "next.html"])}?${tracking()}`)}${random() < 0.2 ? ` title=${quoted(pick(["a&amp;b", "x'y", "&notit;", "&#0;"]))}` : ""}>${pick(["link", "", "<b>bold</b>"])}</a>`;
	const pixel = () =>
		`<img${space()}src=${quoted(`https://www.facebook.com/tr?id=1&amp;ev=${nextId()}`)} width="1" height="1"${random() < 0.3 ? " alt=''" : ""}>`;
	const trackerScript = () =>
		`<script${random() < 0.3 ? "/" : " "}src=${quoted(pick(["https://connect.facebook.net/en_US/fbevents.js", "https://www.googletagmanager.com/gtag/js?id=G-ABC123", "https://www.google-analytics.com/analytics.js"]))}${random() < 0.2 ? " async" : ""}></script>`;
	const beacon = () => `new Image().src="https://www.facebook.com/tr?id=1&ev=${nextId()}";`;
	const bootstrap = () =>
		pick([
			`<script>${beacon()}fbq('init', '123');</script>`,
			`<SCRIPT>${beacon()}window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('config','G-ABC123');</SCRIPT>`,
			`<script>${beacon()}(function(w,d,s,l,i){w[l]=w[l]||[];})(window,document,'script','dataLayer','GTM-ABC1');var u='https://www.googletagmanager.com/gtm.js?id=GTM-ABC1';</script>`,
			`<script type="text/javascript">${beacon()}/* <!-- */fbq("init","9");</script>`,
		]);
	const plainScript = () =>
		pick([
			`<script>(window.r=window.r||[]).push("${nextId()}");</script>`,
			`<script><!--\n(window.r=window.r||[]).push("${nextId()}");//--></script>`,
			`<script>(window.r=window.r||[]).push("${nextId()}<!--<script>");</script>`,
			`<script>(window.r=window.r||[]).push("${nextId()}"); var s="</scr"+"ipt>";</script>`,
			`<script type="application/ld+json">{"a":"<b>"}</script>`,
		]);
	const text = () =>
		pick([
			"text",
			"a &amp; b",
			"&lt;img src=x&gt;",
			"&notin; &noti &amp",
			"a\u0000b",
			"x\r\ny",
			" ",
			"&#0;&#x80;&#xD800;",
			"<b>&#97;</b>",
			"]]>",
			"-->",
		]);
	const comment = () =>
		pick([
			"<!-- c -->",
			"<!-->",
			"<!--->",
			"<!-- a --!> b -->",
			"<!-- <script>fbq('init','1')</script> -->",
			"<!--<!-- x -->",
			"<? pi ?>",
			"<!DOCTYPE inner>",
			"</ foo>",
			"</>",
			`<![CDATA[<img src="https://www.facebook.com/tr?id=9">]]>`,
			"<![CDATA[ x ]]>",
			"<!-- a -- b -->",
			"<!--x--!>",
		]);

	/** A tracker's URL as an attribute value (`&amp;`), and as raw text (`&`). */
	const trackerUrl = () => {
		const id = nextId();
		return pick([
			`https://www.facebook.com/tr?id=1&amp;ev=${id}`,
			`https://connect.facebook.net/signals/${id}.js`,
			`https://www.google-analytics.com/collect?v=1&amp;tid=${id}`,
			`https://stats.g.doubleclick.net/r/collect?t=${id}`,
			`https://www.googletagmanager.com/ns.html?id=GTM-ABC1&amp;x=${id}`,
		]);
	};
	const loader = () => {
		const url = trackerUrl();
		const raw = url.replaceAll("&amp;", "&");
		return pick<() => string>([
			() => `<img src="/logo.png" srcset=${quoted(`/a.png 1x, ${url} 2x`)}>`,
			() => `<picture><source srcset=${quoted(url)}><img src="/logo.png"></picture>`,
			() =>
				`<link rel=${quoted(pick(["stylesheet", "preload", "prefetch", "modulepreload", "icon", "STYLESHEET"]))}${pick(["", " as=image", " as=script", " as=style"])} href=${quoted(url)}>`,
			() => `<video poster=${quoted(url)}></video>`,
			() => {
				const media = pick(["video", "audio"]);
				return `<${media} src=${quoted(url)}></${media}>`;
			},
			() => `<video><source src=${quoted(url)}></video>`,
			() => `<iframe${space()}src=${quoted(url)}></iframe>`,
			() => `<object data=${quoted(url)}></object>`,
			() => `<embed src=${quoted(url)}>`,
			() => `<input type=image src=${quoted(url)}>`,
			() => `<svg><image ${pick(["href", "xlink:href"])}=${quoted(url)} width="1" height="1"/></svg>`,
			() => `<div style=${quoted(`background-image:url(${url})`)}>x</div>`,
			() => `<style>${pick(["@import", "@import url("])}"${raw}"${pick(["", ")"])};</style>`,
			() => `<style>p{background:url(${raw})}</style>`,
			() => `<table background=${quoted(url)}><tr><td>x</td></tr></table>`,
			() => `<script type=module src=${quoted(url)}></script>`,
			() => `<link rel=preload as=image imagesrcset=${quoted(`${url} 1x`)} href="/logo.png">`,
			() =>
				`<svg><filter id=f><feImage href=${quoted(url)}/></filter><rect filter="url(#f)" width="9" height="9"/></svg>`,
			() => `<style>@font-face{font-family:T;src:url(${raw})}p{font-family:T}</style>`,
			() => `<style>p{background-image:image-set("${raw}" 1x)}</style>`,
			() => `<base href="https://www.facebook.com/"><img src=${quoted(`tr?id=1&amp;ev=${nextId()}`)}>`,
		])();
	};
	const tracker = () =>
		pick(
			loaders
				? [link, link, pixel, trackerScript, bootstrap, loader, loader, loader]
				: [link, link, pixel, trackerScript, bootstrap],
		)();
	const leaf = (): string =>
		pick([
			tracker,
			tracker,
			tracker,
			plainScript,
			text,
			text,
			comment,
			comment,
			() => `<br${pick(["", "/", " /"])}>`,
		])();

	const content = (depth: number): string => {
		let out = "";
		const n = 1 + Math.floor(random() * 4);
		for (let i = 0; i < n; i++) out += depth > 2 || random() < 0.5 ? leaf() : wrapper(depth + 1);
		return out;
	};
	const escapedAttr = (markup: string) => markup.replaceAll("&", "&amp;").replaceAll('"', "&quot;");

	const wrapper = (depth: number): string => {
		const inner = () => content(depth);
		return pick<() => string>([
			() => `<div>${inner()}</div>`,
			() => `<p>${inner()}`,
			() => `<b><i>${inner()}</b></i>`,
			() => `<noscript>${inner()}</noscript>`,
			() => `<template>${inner()}</template>`,
			() => `<textarea>${inner()}</textarea>`,
			() => `<title>${inner()}</title>`,
			() => `<xmp>${inner()}</xmp>`,
			() => `<noembed>${inner()}</noembed>`,
			() => `<noframes>${inner()}</noframes>`,
			() => `<iframe>${inner()}</iframe>`,
			() => `<iframe srcdoc="${escapedAttr(inner())}"></iframe>`,
			() => `<table>${inner()}<tr><td>${inner()}</td></tr>${inner()}</table>`,
			() => `<table><tbody><tr>${inner()}</tr></tbody></table>`,
			() => `<select><option>${inner()}</select>`,
			() => `<svg><g>${inner()}</g><desc>${inner()}</desc></svg>`,
			() => `<svg><foreignObject>${inner()}</foreignObject>${inner()}</svg>`,
			() => `<math><mi>${inner()}</mi><mtext>${inner()}</mtext>${inner()}</math>`,
			() => `<svg><![CDATA[${inner()}]]></svg>`,
			() => `<style>p{}${inner()}</style>`,
			() => `<script>var x = "${inner().replaceAll('"', "'").replaceAll("\n", " ")}";</script>`,
			() => `<ul><li>${inner()}<li>${inner()}</ul>`,
			() => `<form><form>${inner()}</form></form>`,
			() => `<pre>\n${inner()}</pre>`,
			() => `<DIV CLASS=x>${inner()}</DIV>`,
			() => `<button><button>${inner()}</button>`,
		])();
	};

	const head = () => {
		let out = "";
		const n = Math.floor(random() * 3);
		for (let i = 0; i < n; i++) {
			out += pick([
				() => `<base href=${quoted(pick(["/sub/", "https://x.example/b/", "?q=1"]))}>`,
				() => `<noscript>${pixel()}${link()}</noscript>`,
				() => `<title>${text()}</title>`,
				trackerScript,
				bootstrap,
				plainScript,
				comment,
				() => `<meta name="x" content=${quoted(pick(["a", "b&amp;c"]))}>`,
				() => `<style>a{}</style>`,
			])();
		}
		return out;
	};

	const doctype = pick(["<!doctype html>", "<!DOCTYPE html>", "", "<!doctype html>\n"]);
	const body = content(0) + (random() < 0.1 ? `<plaintext>${content(2)}` : "");
	return pick([
		() => `${doctype}<html><head>${head()}</head><body>${body}</body></html>`,
		() => `${doctype}<head>${head()}</head>${body}`,
		() => `${doctype}${head()}${body}`,
		() => `${doctype}<HTML><HEAD>${head()}</HEAD><BODY>${body}`,
	])();
}
