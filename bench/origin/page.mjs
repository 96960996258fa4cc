/**
 * A deterministic ~100 KB news-article page of the kind the guard rewrites: a tag manager, GA4,
 * Meta and TikTok pixels, ad slots, social embeds and noscript pixels among ordinary first-party
 * markup, plus links carrying campaign parameters. Same bytes on every run.
 */

const TARGET_BYTES = 100 * 1024;

const HEAD_TRACKERS = `
<script async src="https://www.googletagmanager.com/gtm.js?id=GTM-K7Q2M9X"></script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-8XK2P4QZ1M"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','G-8XK2P4QZ1M');gtag('config','AW-123456789');</script>
<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','1234567890123456');fbq('track','PageView');</script>
<script async src="https://connect.facebook.net/en_US/fbevents.js"></script>
<script async src="https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C4ABCDEFGHIJ"></script>
<script async src="https://snap.licdn.com/li.lms-analytics/insight.min.js"></script>
<script async src="https://static.hotjar.com/c/hotjar-3456789.js?sv=6"></script>
<script async src="https://www.clarity.ms/tag/abcdef1234"></script>
<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-1234567890123456" crossorigin="anonymous"></script>
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script src="/assets/app.js" defer></script>
<link rel="stylesheet" href="/assets/site.css">
<link rel="preconnect" href="https://fonts.example-cdn.com">
`;

const BODY_TRACKERS = `
<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1"/></noscript>
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-K7Q2M9X" height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>
`;

const WORDS =
	"the council said on tuesday that the new cycle lanes would open before the summer holidays after a consultation in which residents raised concerns about parking deliveries and the safety of children walking to school while shop owners on the high street asked for loading bays".split(
		" ",
	);

function sentence(seed, length) {
	const words = [];
	for (let i = 0; i < length; i++) words.push(WORDS[(seed * 7 + i * 13) % WORDS.length]);
	const text = words.join(" ");
	return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function paragraph(i) {
	const link =
		i % 4 === 0
			? ` Read <a href="/news/story-${i}?utm_source=newsletter&utm_medium=email&utm_campaign=weekly&id=${i}">the earlier report</a>.`
			: i % 4 === 1
				? ` See <a href="https://partner.example.org/item/${i}?ref=site&fbclid=IwAR2xYz${i}">our partner's coverage</a>.`
				: "";
	return `<p>${sentence(i, 24)} ${sentence(i + 1, 18)} ${sentence(i + 2, 21)}${link}</p>\n`;
}

function adSlot(i) {
	return `<div class="ad-slot" id="ad-${i}"><ins class="adsbygoogle" data-ad-client="ca-pub-1234567890123456" data-ad-slot="${1000 + i}"></ins>
<iframe src="https://googleads.g.doubleclick.net/pagead/ads?client=ca-pub-1234567890123456&slot=${i}" width="300" height="250" frameborder="0" scrolling="no"></iframe>
<img src="https://ad.doubleclick.net/ddm/activity/src=123;type=view;cat=slot${i};ord=1" width="1" height="1" alt=""></div>\n`;
}

function figure(i) {
	return `<figure><img src="/images/article/photo-${i}.jpg" srcset="/images/article/photo-${i}@2x.jpg 2x" width="800" height="450" alt="Photo ${i}" loading="lazy"><figcaption>${sentence(i + 5, 9)}</figcaption></figure>\n`;
}

function nav() {
	let out = '<nav class="site-nav"><ul>\n';
	for (let i = 0; i < 40; i++) out += `<li><a href="/section/${i}">Section ${i}</a></li>\n`;
	return `${out}</ul></nav>\n`;
}

function render() {
	let body = "";
	let i = 0;
	const footer = `<footer><p>&copy; 2026 Example News</p><a href="https://twitter.com/examplenews">X</a>
<script async src="https://platform.twitter.com/widgets.js"></script>
<img src="https://bat.bing.com/action/0?ti=12345678&Ver=2" width="1" height="1" alt="">
<img src="https://ct.pinterest.com/v3/?tid=2612345678901&event=init&noscript=1" width="1" height="1" alt="">
</footer>\n</body>\n</html>\n`;
	const head = `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Cycle lanes to open before summer | Example News</title>\n${HEAD_TRACKERS}</head>\n<body>\n${BODY_TRACKERS}<header><a href="/">Example News</a></header>\n${nav()}<main><article>\n<h1>Cycle lanes to open before summer</h1>\n`;
	while (head.length + body.length + footer.length < TARGET_BYTES - 600) {
		body += paragraph(i);
		if (i % 12 === 5) body += figure(i);
		if (i % 20 === 10) body += adSlot(i);
		i++;
	}
	return `${head}${body}</article></main>\n${footer}`;
}

export const ARTICLE_HTML = render();

/**
 * The page as a view never served before: every `src`, every `href` with a query and every inline
 * script carries `token`, so no verdict the guard remembered from another view applies (scenario
 * `guard-html-first-view`), while the same elements match the guard's selectors (a link without a
 * query gets none). The page is split once at those places; a view only joins the parts around its token.
 */
const VIEW_PARTS = ARTICLE_HTML.replace(/\s(href|src)="([^"]*)"/g, (attribute, name, value) => {
	if (name === "href" && !value.includes("?")) return attribute;
	return ` ${name}="${value}${value.includes("?") ? "&" : "?"}view=\0"`;
})
	.replaceAll("<script>", "<script>/*\0*/")
	.split("\0");

export function articleView(token) {
	return VIEW_PARTS.join(token);
}

/**
 * The page as a server renders it afresh for each request: the same markup, links and tags, with a
 * request id in a `<meta>` and a dateline in the text, so its bytes differ from every other rendering
 * while everything the guard works out about its links and tags is as before (scenario
 * `guard-html-rendered`).
 */
const RENDER_PARTS = ARTICLE_HTML.replace(
	'<meta charset="utf-8">',
	'<meta charset="utf-8">\n<meta name="request-id" content="\0">',
)
	.replace("</h1>\n", '</h1>\n<p class="dateline">Rendered for request \0.</p>\n')
	.split("\0");

export function articleRendering(token) {
	return RENDER_PARTS.join(token);
}
