/**
 * The site behind the guard in the browser test: a plain Node HTTP server on 127.0.0.1 serving a page
 * with first-party scripts, a first-party analytics beacon and the tracker tags of ad, social and
 * analytics vendors. It records every path it is asked for, so a test can tell what reached it.
 */
import { type RecordingSite, serveRecordingSite } from "./recording-site";

export const GA_ID = "G-XXXX";

export const GUARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Guarded shop</title>
<link rel="preconnect" href="https://connect.facebook.net">
<link rel="stylesheet" href="/style.css">
<script async src="https://www.googletagmanager.com/gtag/js?id=${GA_ID}"></script>
<script>
window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('js', new Date());
gtag('config', '${GA_ID}');
</script>
<script>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window, document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '123456789012345');
fbq('track', 'PageView');
</script>
<script>
_linkedin_partner_id = "1234567";
(function(l) { var s = document.getElementsByTagName("script")[0]; var b = document.createElement("script");
b.async = true; b.src = "https://snap.licdn.com/li.lms-analytics/insight.min.js"; s.parentNode.insertBefore(b, s); })();
</script>
<script async src="https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C1234567890"></script>
<script>document.documentElement.dataset.inline = "ran";</script>
</head>
<body>
<h1>Guarded shop</h1>
<p id="marker">first-party script did not run</p>
<p><a id="product" href="/product?id=7&amp;gclid=abc&amp;utm_source=news">A product</a></p>
<img src="/logo.svg" alt="Logo" width="40" height="40">
<img src="https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456/?guid=ON&amp;script=0" width="1" height="1" alt="">
<img src="https://www.facebook.com/tr?id=123456789012345&amp;ev=PageView&amp;noscript=1" width="1" height="1" alt="">
<noscript><img height="1" width="1" src="https://px.ads.linkedin.com/collect/?pid=1234567&amp;fmt=gif"></noscript>
<script src="/app.js"></script>
</body>
</html>`;

const APP_JS = `document.getElementById("marker").textContent = "first-party script ran";
navigator.sendBeacon("/g/collect?v=2&tid=${GA_ID}&en=page_view", "");`;
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#2a6"/></svg>`;

/** The Meta Pixel bootstrap in an XHTML page, where a stray `&` or `<` is a fatal XML error. */
const XHTML_PAGE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>XHTML shop</title>
<script>//<![CDATA[
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;
n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '123456789012345');
fbq('track', 'PageView');
//]]></script>
</head><body><h1>XHTML shop</h1><p id="marker">first-party script did not run</p>
<script src="/app.js"></script></body></html>`;

const FILES: Readonly<Record<string, readonly [type: string, body: string]>> = {
	"/shop.xhtml": ["application/xhtml+xml", XHTML_PAGE],
	"/": ["text/html; charset=utf-8", GUARD_PAGE],
	"/app.js": ["text/javascript", APP_JS],
	"/style.css": ["text/css", "body { font-family: sans-serif; margin: 2rem; } h1 { color: #264; }"],
	"/logo.svg": ["image/svg+xml", LOGO],
};

export type GuardSite = RecordingSite;

export function serveGuardSite(): Promise<GuardSite> {
	return serveRecordingSite(({ target, path }, res) => {
		if (path === "/g/collect") {
			res.writeHead(204).end();
			return;
		}
		// A page the site insists on reaching with its own campaign tag: the clean URL redirects to it.
		if (path === "/campaign") {
			if (target === "/campaign?utm_source=site")
				res.writeHead(200, { "Content-Type": "text/html" }).end(GUARD_PAGE);
			else res.writeHead(302, { Location: "/campaign?utm_source=site" }).end();
			return;
		}
		const file = FILES[path];
		if (!file) {
			res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
			return;
		}
		res.writeHead(200, { "Content-Type": file[0], "Cache-Control": "no-cache" }).end(file[1]);
	});
}
