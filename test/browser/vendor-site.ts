/**
 * One page per tracker vendor, each with the vendor's standard install snippet as a site owner pastes
 * it (the vendors' published base codes, real hostnames), a link carrying the vendor's click id, and
 * the site's own script calling the vendor's global the way shop code does (`fbq('track', …)` in a
 * checkout handler). The site records every path it is asked for.
 */
import { type RecordingSite, serveRecordingSite } from "./recording-site";

export interface VendorCase {
	readonly id: string;
	readonly vendor: string;
	/** The purpose CONTRACT.md "Guard mode" puts it under. */
	readonly purpose: "ads" | "analytics";
	readonly head: string;
	/** `<noscript>` pixels and iframes the snippet puts in `<body>`. */
	readonly body?: string;
	/** What the site's own code calls on the vendor's global. */
	readonly call: string;
	/** The vendor's hosts: an opted-out page must attempt none, an allowed page at least one. */
	readonly hosts: RegExp;
	/** The vendor's click id (or campaign parameter) on links and landing URLs, when it has one. */
	readonly param?: string;
}

export const VENDORS: readonly VendorCase[] = [
	{
		id: "gtag-ga4",
		vendor: "Google tag (gtag.js, G- measurement id)",
		purpose: "analytics",
		head: `<script async src="https://www.googletagmanager.com/gtag/js?id=G-VENDOR1234"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', 'G-VENDOR1234');
</script>`,
		call: `gtag('event', 'purchase', {value: 9});`,
		hosts: /(^|\.)(googletagmanager\.com|google-analytics\.com)$/,
		param: "_gl",
	},
	{
		id: "gtag-ads",
		vendor: "Google tag (gtag.js, AW- conversion id)",
		purpose: "ads",
		head: `<script async src="https://www.googletagmanager.com/gtag/js?id=AW-123456789"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', 'AW-123456789');
</script>`,
		call: `gtag('event', 'conversion', {send_to: 'AW-123456789/AbC-D_efG-h12_34-567', value: 1.0, currency: 'USD'});`,
		hosts: /(^|\.)(googletagmanager\.com|googleadservices\.com|doubleclick\.net)$/,
		param: "gclid",
	},
	{
		id: "gtm",
		vendor: "Google Tag Manager (script + noscript iframe)",
		purpose: "ads",
		head: `<!-- Google Tag Manager -->
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-VEND123');</script>
<!-- End Google Tag Manager -->`,
		body: `<!-- Google Tag Manager (noscript) -->
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-VEND123"
height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>
<!-- End Google Tag Manager (noscript) -->`,
		call: `window.dataLayer.push({event: 'add_to_cart'});`,
		hosts: /(^|\.)googletagmanager\.com$/,
		param: "gbraid",
	},
	{
		id: "meta",
		vendor: "Meta Pixel (script + noscript img)",
		purpose: "ads",
		head: `<!-- Meta Pixel Code -->
<script>
!function(f,b,e,v,n,t,s)
{if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '123456789012345');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1"
/></noscript>
<!-- End Meta Pixel Code -->`,
		call: `fbq('track', 'AddToCart');`,
		hosts: /(^|\.)(facebook\.net|facebook\.com)$/,
		param: "fbclid",
	},
	{
		id: "tiktok",
		vendor: "TikTok Pixel",
		purpose: "ads",
		head: `<script>
!function (w, d, t) {
  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];ttq.methods=["page","track","identify","instances","debug","on","off","once","ready","alias","group","enableCookie","disableCookie","holdConsent","revokeConsent","grantConsent"],ttq.setAndDefer=function(t,e){t[e]=function(){t.push([e].concat(Array.prototype.slice.call(arguments,0)))}};for(var i=0;i<ttq.methods.length;i++)ttq.setAndDefer(ttq,ttq.methods[i]);ttq.instance=function(t){for(
var e=ttq._i[t]||[],n=0;n<ttq.methods.length;n++)ttq.setAndDefer(e,ttq.methods[n]);return e},ttq.load=function(e,n){var r="https://analytics.tiktok.com/i18n/pixel/events.js",o=n&&n.partner;ttq._i=ttq._i||{},ttq._i[e]=[],ttq._i[e]._u=r,ttq._t=ttq._t||{},ttq._t[e]=+new Date,ttq._o=ttq._o||{},ttq._o[e]=n||{};n=document.createElement("script")
;n.type="text/javascript",n.async=!0,n.src=r+"?sdkid="+e+"&lib="+t;e=document.getElementsByTagName("script")[0];e.parentNode.insertBefore(n,e)};

  ttq.load('CVENDOR1234567890');
  ttq.page();
}(window, document, 'ttq');
</script>`,
		call: `ttq.track('CompletePayment', {value: 9, currency: 'USD'});`,
		hosts: /(^|\.)tiktok\.com$/,
		param: "ttclid",
	},
	{
		id: "linkedin",
		vendor: "LinkedIn Insight Tag",
		purpose: "ads",
		head: `<script type="text/javascript">
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
b.src = "https://snap.licdn.com/li.lms-analytics/insight.min.js";
s.parentNode.insertBefore(b, s);})(window.lintrk);
</script>`,
		body: `<noscript>
<img height="1" width="1" style="display:none;" alt="" src="https://px.ads.linkedin.com/collect/?pid=1234567&fmt=gif" />
</noscript>`,
		call: `window.lintrk('track', { conversion_id: 7654321 });`,
		hosts: /(^|\.)(licdn\.com|linkedin\.com)$/,
		param: "li_fat_id",
	},
	{
		id: "pinterest",
		vendor: "Pinterest Tag",
		purpose: "ads",
		head: `<!-- Pinterest Tag -->
<script>
!function(e){if(!window.pintrk){window.pintrk = function () {
window.pintrk.queue.push(Array.prototype.slice.call(arguments))};var
  n=window.pintrk;n.queue=[],n.version="3.0";var
  t=document.createElement("script");t.async=!0,t.src=e;var
  r=document.getElementsByTagName("script")[0];
  r.parentNode.insertBefore(t,r)}}("https://s.pinimg.com/ct/core.js");
pintrk('load', '2612345678901', {em: '<user_email_address>'});
pintrk('page');
</script>`,
		body: `<noscript>
<img height="1" width="1" style="display:none;" alt=""
  src="https://ct.pinterest.com/v3/?event=init&tid=2612345678901&pd[em]=<hashed_email_address>&noscript=1" />
</noscript>
<!-- end Pinterest Tag -->`,
		call: `pintrk('track', 'checkout', {value: 9, order_quantity: 1, currency: 'USD'});`,
		hosts: /(^|\.)(pinimg\.com|pinterest\.com)$/,
		param: "epik",
	},
	{
		id: "snap",
		vendor: "Snap Pixel",
		purpose: "ads",
		head: `<!-- Snap Pixel Code -->
<script type='text/javascript'>
(function(e,t,n){if(e.snaptr)return;var a=e.snaptr=function()
{a.handleRequest?a.handleRequest.apply(a,arguments):a.queue.push(arguments)};
a.queue=[];var s='script';r=t.createElement(s);r.async=!0;
r.src=n;var u=t.getElementsByTagName(s)[0];
u.parentNode.insertBefore(r,u);})(window,document,
'https://sc-static.net/scevent.min.js');

snaptr('init', 'abcdef12-3456-7890-abcd-ef1234567890', {});

snaptr('track', 'PAGE_VIEW');

</script>
<!-- End Snap Pixel Code -->`,
		call: `snaptr('track', 'PURCHASE', {price: 9, currency: 'USD'});`,
		hosts: /(^|\.)(sc-static\.net|snapchat\.com)$/,
		param: "ScCid",
	},
	{
		id: "x",
		vendor: "X (Twitter) Pixel",
		purpose: "ads",
		head: `<!-- X conversion tracking base code -->
<script>
!function(e,t,n,s,u,a){e.twq||(s=e.twq=function(){s.exe?s.exe.apply(s,arguments):s.queue.push(arguments);
},s.version='1.1',s.queue=[],u=t.createElement(n),u.async=!0,u.src='https://static.ads-twitter.com/uwt.js',
a=t.getElementsByTagName(n)[0],a.parentNode.insertBefore(u,a))}(window,document,'script');
twq('config','o1abc');
</script>
<!-- End X conversion tracking base code -->`,
		call: `twq('event', 'tw-o1abc-o1def', {value: 9});`,
		hosts: /(^|\.)(ads-twitter\.com|twitter\.com|t\.co|x\.com)$/,
		param: "twclid",
	},
	{
		id: "x-single-event",
		vendor: "X (Twitter) single-event website tag (oct.js, still in older installs)",
		purpose: "ads",
		head: `<script src="//static.ads-twitter.com/oct.js" type="text/javascript"></script>`,
		body: `<script type="text/javascript">twttr.conversion.trackPid('o1abc', { tw_sale_amount: 0, tw_order_quantity: 0 });</script>
<noscript>
<img height="1" width="1" style="display:none;" alt="" src="https://analytics.twitter.com/i/adsct?txn_id=o1abc&p_id=Twitter&tw_sale_amount=0&tw_order_quantity=0" />
<img height="1" width="1" style="display:none;" alt="" src="//t.co/i/adsct?txn_id=o1abc&p_id=Twitter&tw_sale_amount=0&tw_order_quantity=0" />
</noscript>`,
		call: `twttr.conversion.trackPid('o1abc', { tw_sale_amount: 9, tw_order_quantity: 1 });`,
		hosts: /(^|\.)(ads-twitter\.com|twitter\.com|t\.co|x\.com)$/,
		param: "twclid",
	},
	{
		id: "reddit",
		vendor: "Reddit Pixel",
		purpose: "ads",
		head: `<!-- Reddit Pixel -->
<script>
!function(w,d){if(!w.rdt){var p=w.rdt=function(){p.sendEvent?p.sendEvent.apply(p,arguments):p.callQueue.push(arguments)};p.callQueue=[];var t=d.createElement("script");t.src="https://www.redditstatic.com/ads/pixel.js",t.async=!0;var s=d.getElementsByTagName("script")[0];s.parentNode.insertBefore(t,s)}}(window,document);rdt('init','a2_vendor123');rdt('track', 'PageVisit');
</script>
<!-- DO NOT MODIFY UNLESS TO REPLACE A USER IDENTIFIER -->
<!-- End Reddit Pixel -->`,
		call: `rdt('track', 'Purchase', {value: 9, currency: 'USD'});`,
		hosts: /(^|\.)(redditstatic\.com|reddit\.com)$/,
		param: "rdt_cid",
	},
	{
		id: "uet",
		vendor: "Microsoft Advertising UET",
		purpose: "ads",
		head: `<script>(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:"12345678", enableAutoSpaTracking: true};o.q=w[u],w[u]=new UET(o),w[u].push("pageLoad")},n=d.createElement(t),n.src=r,n.async=1,n.onload=n.onreadystatechange=function(){var s=this.readyState;s&&s!=="loaded"&&s!=="complete"||(f(),n.onload=n.onreadystatechange=null)},i=d.getElementsByTagName(t)[0],i.parentNode.insertBefore(n,i)})(window,document,"script","//bat.bing.com/bat.js","uetq");</script>`,
		body: `<noscript><img src="//bat.bing.com/action/0?ti=12345678&Ver=2" height="0" width="0" style="display:none; visibility: hidden;" /></noscript>`,
		call: `window.uetq = window.uetq || []; window.uetq.push('event', 'purchase', {revenue_value: 9, currency: 'USD'});`,
		hosts: /(^|\.)bing\.com$/,
		param: "msclkid",
	},
	{
		id: "clarity",
		vendor: "Microsoft Clarity",
		purpose: "analytics",
		head: `<script type="text/javascript">
    (function(c,l,a,r,i,t,y){
        c[a]=c[a]||function(){(c[a].q=c[a].q||[]).push(arguments)};
        t=l.createElement(r);t.async=1;t.src="https://www.clarity.ms/tag/"+i;
        y=l.getElementsByTagName(r)[0];y.parentNode.insertBefore(t,y);
    })(window, document, "clarity", "script", "vendor1234");
</script>`,
		call: `clarity('set', 'plan', 'pro');`,
		hosts: /(^|\.)clarity\.ms$/,
	},
	{
		id: "hotjar",
		vendor: "Hotjar",
		purpose: "analytics",
		head: `<!-- Hotjar Tracking Code for my site -->
<script>
    (function(h,o,t,j,a,r){
        h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};
        h._hjSettings={hjid:1234567,hjsv:6};
        a=o.getElementsByTagName('head')[0];
        r=o.createElement('script');r.async=1;
        r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;
        a.appendChild(r);
    })(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');
</script>`,
		call: `hj('event', 'checkout');`,
		hosts: /(^|\.)(hotjar\.com|hotjar\.io)$/,
	},
	{
		id: "segment",
		vendor: "Segment analytics.js",
		purpose: "analytics",
		head: `<script>
  !function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1){var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);t.src="https://cdn.segment.com/analytics.js/v1/" + key + "/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey="VENDORWRITEKEY";;analytics.SNIPPET_VERSION="5.2.0";
  analytics.load("VENDORWRITEKEY");
  analytics.page();
  }}();
</script>`,
		call: `analytics.track('Order Completed', {revenue: 9});`,
		hosts: /(^|\.)(segment\.com|segment\.io)$/,
		param: "ajs_uid",
	},
	{
		id: "amplitude",
		vendor: "Amplitude (Browser SDK script loader)",
		purpose: "analytics",
		head: `<script src="https://cdn.amplitude.com/script/VENDORAMPLITUDEKEY.js"></script><script>window.amplitude.add(window.sessionReplay.plugin({sampleRate: 1}));window.amplitude.init('VENDORAMPLITUDEKEY', {"fetchRemoteConfig":true,"autocapture":true});</script>`,
		call: `amplitude.track('Purchase', {value: 9});`,
		hosts: /(^|\.)amplitude\.com$/,
	},
	{
		id: "mixpanel",
		vendor: "Mixpanel",
		purpose: "analytics",
		head: `<script type="text/javascript">
(function (f, b) { if (!b.__SV) { var e, g, i, h; window.mixpanel = b; b._i = []; b.init = function (e, f, c) { function g(a, d) { var b = d.split("."); 2 == b.length && ((a = a[b[0]]), (d = b[1])); a[d] = function () { a.push([d].concat(Array.prototype.slice.call(arguments, 0))); }; } var a = b; "undefined" !== typeof c ? (a = b[c] = []) : (c = "mixpanel"); a.people = a.people || []; a.toString = function (a) { var d = "mixpanel"; "mixpanel" !== c && (d += "." + c); a || (d += " (stub)"); return d; }; a.people.toString = function () { return a.toString(1) + ".people (stub)"; }; i = "disable time_event track track_pageview track_links track_forms track_with_groups add_group set_group remove_group register register_once alias unregister identify name_tag set_config reset opt_in_tracking opt_out_tracking has_opted_in_tracking has_opted_out_tracking clear_opt_in_out_tracking start_batch_senders people.set people.set_once people.unset people.increment people.append people.union people.track_charge people.clear_charges people.delete_user people.remove".split( " "); for (h = 0; h < i.length; h++) g(a, i[h]); var j = "set set_once union unset remove delete".split(" "); a.get_group = function () { function b(c) { d[c] = function () { call2_args = arguments; call2 = [c].concat(Array.prototype.slice.call(call2_args, 0)); a.push([e, call2]); }; } for ( var d = {}, e = ["get_group"].concat( Array.prototype.slice.call(arguments, 0)), c = 0; c < j.length; c++) b(j[c]); return d; }; b._i.push([e, f, c]); }; b.__SV = 1.2; e = f.createElement("script"); e.type = "text/javascript"; e.async = !0; e.src = "undefined" !== typeof MIXPANEL_CUSTOM_LIB_URL ? MIXPANEL_CUSTOM_LIB_URL : "file:" === f.location.protocol && "//cdn.mxpnl.com/libs/mixpanel-2-latest.min.js".match(/^\\/\\//) ? "https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js" : "//cdn.mxpnl.com/libs/mixpanel-2-latest.min.js"; g = f.getElementsByTagName("script")[0]; g.parentNode.insertBefore(e, g); } })(document, window.mixpanel || []);

mixpanel.init("VENDORMIXPANELTOKEN", {
    autocapture: true,
    record_sessions_percent: 100,
});
</script>`,
		call: `mixpanel.track('Purchase', {value: 9});`,
		hosts: /(^|\.)(mxpnl\.com|mixpanel\.com)$/,
	},
	{
		id: "criteo",
		vendor: "Criteo OneTag",
		purpose: "ads",
		head: `<!-- Criteo Loader File -->
<script type="text/javascript" src="//dynamic.criteo.com/js/ld/ld.js?a=12345" async="true"></script>
<!-- END Criteo Loader File -->
<!-- Criteo Homepage Tag -->
<script type="text/javascript">
window.criteo_q = window.criteo_q || [];
var deviceType = /iPad/.test(navigator.userAgent) ? "t" : /Mobile|iP(hone|od)|Android|BlackBerry|IEMobile|Silk/.test(navigator.userAgent) ? "m" : "d";
window.criteo_q.push(
 { event: "setAccount", account: 12345},
 { event: "setEmail", email: "", hash_method: "" },
 { event: "setZipcode", zipcode: "" },
 { event: "setSiteType", type: deviceType},
 { event: "viewHome"});
</script>
<!-- END Criteo Homepage Tag -->`,
		call: `window.criteo_q.push({ event: "trackTransaction", id: "7", item: [{ id: "7", price: 9, quantity: 1 }] });`,
		hosts: /(^|\.)(criteo\.com|criteo\.net)$/,
	},
	{
		id: "quora",
		vendor: "Quora Pixel",
		purpose: "ads",
		head: `<!-- DO NOT MODIFY -->
<!-- Quora Pixel Code (JS Helper) -->
<script>
!function(q,e,v,n,t,s){if(q.qp) return; n=q.qp=function(){n.qp?n.qp.apply(n,arguments):n.queue.push(arguments);}; n.queue=[];t=document.createElement(e);t.async=!0;t.src=v; s=document.getElementsByTagName(e)[0]; s.parentNode.insertBefore(t,s);}(window, 'script', 'https://a.quora.com/qevents.js');
qp('init', 'abcdef0123456789abcdef0123456789');
qp('track', 'ViewContent');
</script>
<noscript><img height="1" width="1" style="display:none" src="https://q.quora.com/_/ad/abcdef0123456789abcdef0123456789/pixel?tag=ViewContent&noscript=1"/></noscript>
<!-- End of Quora Pixel Code -->`,
		call: `qp('track', 'Purchase');`,
		hosts: /(^|\.)quora\.com$/,
		param: "qclid",
	},
	{
		id: "outbrain",
		vendor: "Outbrain Pixel",
		purpose: "ads",
		head: `<script data-obct type = "text/javascript">
  /** DO NOT MODIFY THIS CODE**/
  !function(_window, _document) {
    var OB_ADV_ID = '00abcdef0123456789abcdef01234567ab';
    if (_window.obApi) {
      var toArray = function(object) {
        return Object.prototype.toString.call(object) === '[object Array]' ? object : [object];
      };
      _window.obApi.marketerId = toArray(_window.obApi.marketerId).concat(toArray(OB_ADV_ID));
      return;
    }
    var api = _window.obApi = function() {
      api.dispatch ? api.dispatch.apply(api, arguments) : api.queue.push(arguments);
    };
    api.version = '1.1';
    api.loaded = true;
    api.marketerId = OB_ADV_ID;
    api.queue = [];
    var tag = _document.createElement('script');
    tag.async = true;
    tag.src = '//amplify.outbrain.com/cp/obtp.js';
    tag.type = 'text/javascript';
    var script = _document.getElementsByTagName('script')[0];
    script.parentNode.insertBefore(tag, script);
  }(window, document);

  obApi('track', 'PAGE_VIEW');
</script>`,
		call: `obApi('track', 'Checkout', {orderValue: 9, currency: 'USD'});`,
		hosts: /(^|\.)outbrain\.com$/,
	},
	{
		id: "taboola",
		vendor: "Taboola Pixel",
		purpose: "ads",
		head: `<!-- Taboola Pixel Code -->
<script type='text/javascript'>
  window._tfa = window._tfa || [];
  window._tfa.push({notify: 'event', name: 'page_view', id: 1234567});
  !function (t, f, a, x) {
         if (!document.getElementById(x)) {
            t.async = 1;t.src = a;t.id=x;f.parentNode.insertBefore(t, f);
         }
  }(document.createElement('script'),
  document.getElementsByTagName('script')[0],
  '//cdn.taboola.com/libtrc/unip/1234567/tfa.js',
  'tb_tfa_script');
</script>
<!-- End of Taboola Pixel Code -->`,
		call: `window._tfa.push({notify: 'event', name: 'make_purchase', id: 1234567, revenue: 9});`,
		hosts: /(^|\.)taboola\.com$/,
		param: "tblci",
	},
	{
		id: "hubspot",
		vendor: "HubSpot tracking code",
		purpose: "ads",
		head: `<!-- Start of HubSpot Embed Code -->
<script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/1234567.js"></script>
<!-- End of HubSpot Embed Code -->`,
		call: `var _hsq = window._hsq = window._hsq || []; _hsq.push(['trackPageView']);`,
		hosts:
			/(^|\.)(hs-scripts\.com|hs-analytics\.net|hubspot\.com|hsadspixel\.net|hs-banner\.com|hscollectedforms\.net)$/,
		param: "_hsenc",
	},
	{
		id: "matomo",
		vendor: "Matomo Cloud",
		purpose: "analytics",
		head: `<!-- Matomo -->
<script>
  var _paq = window._paq = window._paq || [];
  /* tracker methods like "setCustomDimension" should be called before "trackPageView" */
  _paq.push(['trackPageView']);
  _paq.push(['enableLinkTracking']);
  (function() {
    var u="https://vendorshop.matomo.cloud/";
    _paq.push(['setTrackerUrl', u+'matomo.php']);
    _paq.push(['setSiteId', '1']);
    var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];
    g.async=true; g.src='https://cdn.matomo.cloud/vendorshop.matomo.cloud/matomo.js'; s.parentNode.insertBefore(g,s);
  })();
</script>
<!-- End Matomo Code -->`,
		call: `_paq.push(['trackEvent', 'Shop', 'Purchase']);`,
		hosts: /(^|\.)matomo\.cloud$/,
		param: "mtm_campaign",
	},
	{
		id: "plausible",
		vendor: "Plausible Analytics",
		purpose: "analytics",
		head: `<script defer data-domain="vendorshop.example" src="https://plausible.io/js/script.js"></script>
<script>window.plausible = window.plausible || function() { (window.plausible.q = window.plausible.q || []).push(arguments) }</script>`,
		call: `plausible('Signup');`,
		hosts: /(^|\.)plausible\.io$/,
	},
	{
		id: "plausible-2025",
		vendor: "Plausible Analytics (per-site script, 2025 snippet)",
		purpose: "analytics",
		head: `<!-- Privacy-friendly analytics by Plausible -->
<script async src="https://plausible.io/js/pa-AbCdEfGhIjKlMnOp.js"></script>
<script>
  window.plausible=window.plausible||function(){(plausible.q=plausible.q||[]).push(arguments)},plausible.init=plausible.init||function(i){plausible.o=i||{}};
  plausible.init()
</script>`,
		call: `plausible('Signup', {props: {plan: 'pro'}});`,
		hosts: /(^|\.)plausible\.io$/,
	},
	{
		id: "line",
		vendor: "LINE Tag (LY Corporation; base code with noscript pixel)",
		purpose: "ads",
		head: `<!-- LINE Tag Base Code -->
<!-- Do Not Modify -->
<script>
(function(g,d,o){
  g._ltq=g._ltq||[];g._lt=g._lt||function(){g._ltq.push(arguments)};
  var h=location.protocol==='https:'?'https://d.line-scdn.net':'http://d.line-cdn.net';
  var s=d.createElement('script');s.async=1;
  s.src=o||h+'/n/line_tag/public/release/v1/lt.js';
  var t=d.getElementsByTagName('script')[0];t.parentNode.insertBefore(s,t);
    })(window, document);
_lt('init', {
  customerType: 'lap',
  tagId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
});
_lt('send', 'pv', ['0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d']);
</script>
<noscript>
  <img height="1" width="1" style="display:none"
       src="https://tr.line.me/tag.gif?c_t=lap&t_id=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d&e=pv&noscript=1" />
</noscript>
<!-- End LINE Tag Base Code -->`,
		call: `_lt('send', 'cv', {type: 'Conversion'}, ['0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d']);`,
		hosts: /(^|\.)(line-scdn\.net|line-cdn\.net|line\.me)$/,
		param: "ldtag_cl",
	},
	{
		id: "yahoo-japan",
		vendor: "Yahoo! JAPAN Ads (site general tag, conversion tag)",
		purpose: "ads",
		head: `<script async src="https://s.yimg.jp/images/listing/tool/cv/ytag.js"></script>
<script>
window.yjDataLayer = window.yjDataLayer || [];
function ytag() { yjDataLayer.push(arguments); }
ytag({"type":"ycl_cookie"});
</script>`,
		call: `ytag({"type": "yss_conversion", "config": {"yahoo_conversion_id": "1000000000", "yahoo_conversion_label": "AbCdEfGhIjKlMnOp", "yahoo_conversion_value": "9"}});`,
		hosts: /(^|\.)(yimg\.jp|yahoo\.co\.jp)$/,
		param: "yclid",
	},
];

/** The page a site serves for a vendor: its snippet, a link carrying its click id, and its own script. */
export function vendorPage(v: VendorCase): string {
	const link = v.param ? `/next?keep=1&amp;${v.param}=abc` : "/next?keep=1";
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${v.vendor}</title>
${v.head}
</head>
<body>
${v.body ?? ""}
<h1>Shop</h1>
<p><a id="next" href="${link}">Next</a></p>
<script>document.documentElement.dataset.inline = "ran";</script>
<script src="/shop.js?case=${v.id}"></script>
</body>
</html>`;
}

/** The site's own script: calls the vendor's global, then marks that it got to the end. */
function ownScript(v: VendorCase): string {
	return `${v.call}\ndocument.documentElement.dataset.own = "done";\n`;
}

export type VendorSite = RecordingSite;

export function serveVendorSite(): Promise<VendorSite> {
	const byId = new Map(VENDORS.map((v) => [v.id, v]));
	return serveRecordingSite(({ target, path }, res) => {
		const page = /^\/v\/([\w-]+)$/.exec(path);
		// Not `/<vendor>.js`: a first-party `/matomo.js` is Matomo's own loader to the guard.
		const own = path === "/shop.js" ? /[?&]case=([\w-]+)/.exec(target) : null;
		const vendor = byId.get((page ?? own)?.[1] ?? "");
		if (page && vendor) {
			res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" });
			res.end(vendorPage(vendor));
		} else if (own && vendor) {
			res.writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "no-cache" });
			res.end(ownScript(vendor));
		} else if (path === "/next") {
			res
				.writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
				.end("<!doctype html><title>Next</title>");
		} else {
			res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
		}
	});
}
