/**
 * Audit: a news/shop page behind the guard with the embed snippets vendors publish (tracking.md §2,
 * §3d) and the less usual ways a page can reach a tracker. Every tracker URL the page names carries
 * `vec=<name>` where it can, so a request seen in the browser says which markup made it. The site
 * records every path it is asked for.
 */
import { type RecordingSite, serveRecordingSite } from "./recording-site";

export const AUDIT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Daily Shop News</title>
<script src="/consent.js" data-banner="off"></script>
<link rel="dns-prefetch" href="//www.google-analytics.com">
<link rel="preconnect" href="https://connect.facebook.net" crossorigin>
<link rel="preload" as="script" href="https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234&vec=preload">
<link rel="stylesheet" href="/site.css">
<!-- Google Tag Manager -->
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?vec=gtm-snippet&id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-ABC1234');</script>
<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-AUDIT12345&vec=gtag"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-AUDIT12345');
  gtag('config', 'AW-123456789');
</script>
<!-- Meta Pixel Code -->
<script>
!function(f,b,e,v,n,t,s)
{if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js?vec=meta');
fbq('init', '123456789012345');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1&vec=meta-noscript"/></noscript>
<!-- TikTok -->
<script>
!function (w, d, t) {
  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];ttq.methods=["page","track","identify"],ttq.setAndDefer=function(t,e){t[e]=function(){t.push([e].concat(Array.prototype.slice.call(arguments,0)))}};for(var i=0;i<ttq.methods.length;i++)ttq.setAndDefer(ttq,ttq.methods[i]);ttq.load=function(e,n){var r="https://analytics.tiktok.com/i18n/pixel/events.js?vec=tiktok";var o=document.createElement("script");o.type="text/javascript",o.async=!0,o.src=r+"&sdkid="+e;var a=document.getElementsByTagName("script")[0];a.parentNode.insertBefore(o,a)};
  ttq.load('C4ABCDEFGHIJ');
  ttq.page();
}(window, document, 'ttq');
</script>
<!-- LinkedIn Insight -->
<script type="text/javascript">
_linkedin_partner_id = "1234567";
window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || [];
window._linkedin_data_partner_ids.push(_linkedin_partner_id);
</script><script type="text/javascript">
(function(l) {
if (!l){window.lintrk = function(a,b){window.lintrk.q.push([a,b])};
window.lintrk.q=[]}
var s = document.getElementsByTagName("script")[0];
var b = document.createElement("script");
b.type = "text/javascript";b.async = true;
b.src = "https://snap.licdn.com/li.lms-analytics/insight.min.js?vec=linkedin";
s.parentNode.insertBefore(b, s);})(window.lintrk);
</script>
<!-- Hotjar -->
<script>
    (function(h,o,t,j,a,r){
        h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};
        h._hjSettings={hjid:1234567,hjsv:6};
        a=o.getElementsByTagName('head')[0];
        r=o.createElement('script');r.async=1;
        r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv+'&vec=hotjar';
        a.appendChild(r);
    })(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');
</script>
<!-- Microsoft Clarity -->
<script type="text/javascript">
    (function(c,l,a,r,i,t,y){
        c[a]=c[a]||function(){(c[a].q=c[a].q||[]).push(arguments)};
        t=l.createElement(r);t.async=1;t.src="https://www.clarity.ms/tag/"+i+"?vec=clarity";
        y=l.getElementsByTagName(r)[0];y.parentNode.insertBefore(t,y);
    })(window, document, "clarity", "script", "abcdefghij");
</script>
<!-- Segment -->
<script>
  !function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["track","page","identify"];analytics.factory=function(e){return function(){var t=Array.prototype.slice.call(arguments);t.unshift(e);analytics.push(t);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.src="https://cdn.segment.com/analytics.js/v1/" + key + "/analytics.min.js?vec=segment";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey="WRITEKEY123";analytics.SNIPPET_VERSION="5.2.0";
  analytics.load("WRITEKEY123");
  analytics.page();
  }}();
</script>
<!-- Mixpanel -->
<script type="text/javascript">
(function(f,b){if(!b.__SV){var e,g,i,h;window.mixpanel=b;b._i=[];b.init=function(e,f,c){var a=b;a.people=a.people||[];a.track=function(){};b._i.push([e,f,c])};b.__SV=1.2;e=f.createElement("script");e.type="text/javascript";e.async=!0;e.src="https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js?vec=mixpanel";g=f.getElementsByTagName("script")[0];g.parentNode.insertBefore(e,g)}})(document,window.mixpanel||[]);
mixpanel.init("MIXPANELTOKEN", {track_pageview: true});
</script>
<!-- Amplitude -->
<script src="https://cdn.amplitude.com/script/AMPLITUDEKEY.js?vec=amplitude"></script>
<script>window.amplitude && window.amplitude.init('AMPLITUDEKEY', {"autocapture":{"elementInteractions":true}});</script>
<!-- HubSpot -->
<script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/1234567.js?vec=hubspot"></script>
<!-- Pinterest -->
<script>
!function(e){if(!window.pintrk){window.pintrk = function () {
window.pintrk.queue.push(Array.prototype.slice.call(arguments))};var
  n=window.pintrk;n.queue=[],n.version="3.0";var
  t=document.createElement("script");t.async=!0,t.src=e;var
  r=document.getElementsByTagName("script")[0];
  r.parentNode.insertBefore(t,r)}}("https://s.pinimg.com/ct/core.js?vec=pinterest");
pintrk('load', '2612345678901', {em: 'hash'});
pintrk('page');
</script>
<!-- Snap -->
<script type='text/javascript'>
(function(e,t,n){if(e.snaptr)return;var a=e.snaptr=function()
{a.handleRequest?a.handleRequest.apply(a,arguments):a.queue.push(arguments)};
a.queue=[];var s='script';r=t.createElement(s);r.async=!0;
r.src=n;var u=t.getElementsByTagName(s)[0];
u.parentNode.insertBefore(r,u);})(window,document,
'https://sc-static.net/scevent.min.js?vec=snap');
snaptr('init', 'abcdef12-3456-7890-abcd-ef1234567890', {});
snaptr('track', 'PAGE_VIEW');
</script>
<!-- Reddit -->
<script>
!function(w,d){if(!w.rdt){var p=w.rdt=function(){p.sendEvent?p.sendEvent.apply(p,arguments):p.callQueue.push(arguments)};p.callQueue=[];var t=d.createElement("script");t.src="https://www.redditstatic.com/ads/pixel.js?vec=reddit",t.async=!0;var s=d.getElementsByTagName("script")[0];s.parentNode.insertBefore(t,s)}}(window,document);rdt('init','a2_abcdefgh', {});rdt('track', 'PageVisit');
</script>
<!-- X -->
<script>
!function(e,t,n,s,u,a){e.twq||(s=e.twq=function(){s.exe?s.exe.apply(s,arguments):s.queue.push(arguments);
},s.version='1.1',s.queue=[],u=t.createElement(n),u.async=!0,u.src='https://static.ads-twitter.com/uwt.js?vec=x',
a=t.getElementsByTagName(n)[0],a.parentNode.insertBefore(u,a))}(window,document,'script');
twq('config','o1234');
</script>
<!-- Microsoft UET -->
<script>(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:"12345678", enableAutoSpaTracking: true};o.q=w[u],w[u]=new UET(o),w[u].push("pageLoad")},n=d.createElement(t),n.src=r,n.async=1,n.onload=n.onreadystatechange=function(){var s=this.readyState;s&&s!=="loaded"&&s!=="complete"||(f(),n.onload=n.onreadystatechange=null)},i=d.getElementsByTagName(t)[0],i.parentNode.insertBefore(n,i)})(window,document,"script","//bat.bing.com/bat.js?vec=uet","uetq");</script>
<!-- Criteo -->
<script type="text/javascript" src="//dynamic.criteo.com/js/ld/ld.js?a=12345&vec=criteo" async="true"></script>
<script type="text/javascript">
window.criteo_q = window.criteo_q || [];
window.criteo_q.push({ event: "setAccount", account: 12345 }, { event: "viewHome" });
</script>
<!-- Taboola -->
<script type="text/javascript">
  window._tfa = window._tfa || [];
  window._tfa.push({notify: 'event', name: 'page_view', id: 1234567});
  !function (t, f, a, x) {
         if (!document.getElementById(x)) {
            t.async = 1;t.src = a;t.id=x;f.parentNode.insertBefore(t, f);
         }
  }(document.createElement('script'),
  document.getElementsByTagName('script')[0],
  '//cdn.taboola.com/libtrc/unip/1234567/tfa.js?vec=taboola',
  'tb_tfa_script');
</script>
<style>
.hero { min-height: 40px; background: #eef; }
.promo { background-image: url("https://bat.bing.com/action/0?ti=12345678&evt=custom&vec=style-block"); }
</style>
</head>
<body>
<!-- Google Tag Manager (noscript) -->
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-ABC1234&vec=gtm-noscript"
height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>
<header class="hero"><h1>Daily Shop News</h1></header>
<main>
<article>
<h2 id="headline">Our headline</h2>
<p>Story text.</p>
<p><a id="partner" href="https://partner.example/deal?id=3&amp;utm_source=dailyshop&amp;utm_medium=link">Partner deal</a></p>
<p><a id="encoded-q" href="/product&#63;id=7&amp;gclid=enc">Encoded query link</a></p>
<p><a id="upper-href" HREF="/product?id=8&amp;fbclid=UP">Upper-case HREF link</a></p>
<p><a id="news-link" href="/news">News (cached)</a></p>
<p><a id="ping-link" href="/about" ping="https://www.facebook.com/tr?id=123456789012345&amp;ev=Click&amp;vec=a-ping">About (ping)</a></p>
<button id="buy" onclick="gtag('event','add_to_cart',{value:9}); fbq('track','AddToCart'); document.getElementById('cart').textContent='1 item'">Add to cart</button>
<span id="cart">empty</span>
</article>
<aside>
<img alt="upper" SRC="https://px.ads.linkedin.com/collect/?pid=1234567&amp;fmt=gif&amp;vec=img-upper-src" width="1" height="1">
<img alt="entity" src="https:&#x2F;&#x2F;ct.pinterest.com&#x2F;v3&#x2F;?event=init&amp;tid=2612345678901&amp;noscript=1&amp;vec=img-entity-slash" width="1" height="1">
<img alt="proto-rel" src="//t.co/i/adsct?txn_id=o1234&amp;p_id=Twitter&amp;vec=img-proto-rel" width="1" height="1">
<img alt="srcset-only" srcset="https://tr.snapchat.com/cm/i?id=abc&amp;ev=PAGE_VIEW&amp;vec=img-srcset 1x" width="1" height="1">
<picture><source srcset="https://alb.reddit.com/rp.gif?id=a2_abcdefgh&amp;vec=picture-source"><img alt="pic" src="/logo.svg"></picture>
<div class="promo">promo</div>
<div id="styled" style="background:url('https://analytics.twitter.com/i/adsct?txn_id=o1234&amp;vec=style-attr')">styled</div>
<video id="vid" width="10" height="10" poster="https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456/?vec=video-poster"><source src="https://www.google-analytics.com/collect?v=1&amp;tid=UA-12345-1&amp;t=event&amp;vec=video-source" type="video/mp4"></video>
<object data="https://www.facebook.com/tr?id=123456789012345&amp;ev=Object&amp;vec=object" width="1" height="1"></object>
<embed src="https://px.ads.linkedin.com/collect/?pid=1234567&amp;fmt=gif&amp;vec=embed" width="1" height="1">
<input type="image" alt="go" src="https://bat.bing.com/action/0?ti=12345678&amp;vec=input-image" width="1" height="1">
<svg width="1" height="1"><image href="https://ct.pinterest.com/v3/?event=init&amp;tid=2612345678901&amp;vec=svg-image" width="1" height="1"/></svg>
<iframe title="srcdoc" width="1" height="1" srcdoc="&lt;img src=&quot;https://www.facebook.com/tr?id=123456789012345&amp;amp;ev=PageView&amp;amp;vec=iframe-srcdoc&quot;&gt;"></iframe>
<iframe title="embed" width="10" height="10" src="https://widgets.partner.example/embed?utm_source=dailyshop&amp;gclid=iframe&amp;vec=iframe-param"></iframe>
<form id="search" action="https://search.partner.example/find?utm_source=dailyshop&amp;utm_campaign=search" method="post"><input name="q" value="x"></form>
</aside>
</main>
<script>fbq('track', 'ViewContent', {content_ids: ['7']});</script>
<script>gtag('event', 'view_item', {items: [{id: '7'}]});</script>
<script src="/app.js"></script>
<script src="/runtime.js"></script>
<script type="text/javascript1.5" src="https://connect.facebook.net/en_US/fbevents.js?vec=legacy-js-type"></script>
<script type="rocketlazyloadscript" data-rocket-type="text/javascript" data-rocket-src="https://www.googletagmanager.com/gtag/js?id=G-DELAYED123&amp;vec=wp-rocket-delayed"></script>
<script type="rocketlazyloadscript">!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js?vec=wp-rocket-inline');fbq('init','123456789012345');fbq('track','PageView');</script>
<img class="lazyload" alt="" width="1" height="1" data-src="https://www.facebook.com/tr?id=123456789012345&amp;ev=PageView&amp;vec=lazy-img">
<iframe title="like" width="10" height="10" src="about:blank" data-lazy-src="https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fshop.example&amp;vec=lazy-iframe"></iframe>
<script>
/* Stand-in for a lazy-load plugin (lazysizes, WP Rocket LazyLoad): URLs move into src after load. */
window.addEventListener("load", function () {
  document.querySelectorAll("img[data-src]").forEach(function (e) { e.src = e.getAttribute("data-src"); });
  document.querySelectorAll("iframe[data-lazy-src]").forEach(function (e) { e.src = e.getAttribute("data-lazy-src"); });
});
</script>
<script>
/* Stand-in for WP Rocket's "delay JavaScript execution" loader: runs delayed scripts after load. */
window.addEventListener("load", function () {
  document.querySelectorAll('script[type="rocketlazyloadscript"]').forEach(function (old) {
    var s = document.createElement("script");
    var src = old.getAttribute("data-rocket-src");
    if (src) s.src = src; else s.text = old.text;
    old.replaceWith(s);
  });
});
</script>
</body>
</html>`;

/** The site's own script: its first-party work, then the runtime ways a script reaches trackers. */
export const AUDIT_APP_JS = `
document.documentElement.dataset.app = "ran";
try { analytics.track("Product Viewed", {id: 7}); } catch (e) { document.documentElement.dataset.segmentError = String(e); }
dataLayer.push({event: "app_ready"});
document.documentElement.dataset.app = "done";
`;

/** Runtime ways a first-party script reaches trackers, in a script of its own that nothing breaks. */
export const AUDIT_RUNTIME_JS = `
new Image().src = "https://www.facebook.com/tr?id=123456789012345&ev=Lead&vec=runtime-image";
navigator.sendBeacon("https://api.segment.io/v1/t?vec=runtime-beacon", JSON.stringify({event: "x"}));
fetch("https://api2.amplitude.com/2/httpapi?vec=runtime-fetch", {method: "POST", mode: "no-cors", body: "{}"}).catch(() => {});
var xhr = new XMLHttpRequest(); xhr.open("GET", "https://api-js.mixpanel.com/track/?data=e30&vec=runtime-xhr"); xhr.send();
window.addEventListener("load", function () {
  setTimeout(function () {
    var s = document.createElement("script");
    s.src = "https://www.googletagmanager.com/gtm.js?id=GTM-LATE123&vec=runtime-late-script";
    document.head.appendChild(s);
  }, 50);
});
fetch("/api/event", {method: "POST", headers: {"Content-Type": "text/plain"}, body: JSON.stringify({n: "pageview", u: location.href, d: "shop.example", r: null})});
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");
`;

const SW_JS = `
self.addEventListener("install", (e) => { self.skipWaiting(); });
self.addEventListener("activate", (e) => {
  e.waitUntil(fetch("https://www.facebook.com/tr?id=123456789012345&ev=SW&vec=service-worker", {mode: "no-cors"}).catch(() => {}));
});
`;

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#2a6"/></svg>`;

export interface AuditSite extends RecordingSite {
	/** Extra response headers for `/`, set by a test. */
	pageHeaders: Record<string, string>;
	page: string;
}

export async function serveAuditSite(): Promise<AuditSite> {
	// The answers read `site`, so a test's changes to its page and headers apply to later requests.
	const site: AuditSite = Object.assign(
		await serveRecordingSite(({ path }, res) => {
			const files: Record<string, readonly [string, string]> = {
				"/": ["text/html; charset=utf-8", site.page],
				"/product": ["text/html; charset=utf-8", site.page],
				"/news": ["text/html; charset=utf-8", site.page],
				"/about": ["text/html; charset=utf-8", "<!doctype html><title>About</title><h1>About</h1>"],
				"/app.js": ["text/javascript", AUDIT_APP_JS],
				"/sw.js": ["text/javascript", SW_JS],
				"/runtime.js": ["text/javascript", AUDIT_RUNTIME_JS],
				"/site.css": ["text/css", "body { font-family: sans-serif; }"],
				"/logo.svg": ["image/svg+xml", LOGO],
			};
			if (path === "/api/event") {
				res.writeHead(202).end();
				return;
			}
			const file = files[path];
			if (!file) {
				res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
				return;
			}
			const extra = path === "/" || path === "/product" ? site.pageHeaders : {};
			// A news page any cache may keep for ten minutes, as news sites commonly send.
			const cache = path === "/news" ? "public, max-age=600" : "no-cache";
			res.writeHead(200, { "Content-Type": file[0], "Cache-Control": cache, ...extra }).end(file[1]);
		}),
		{ pageHeaders: {}, page: AUDIT_PAGE },
	);
	return site;
}
