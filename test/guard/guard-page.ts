/** A site page with first-party content and tracker tags of every kind, for the HTML guard tests. */
export const TRACKER_PAGE = `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Shop</title>
<link rel="preconnect" href="https://connect.facebook.net">
<link rel="dns-prefetch" href="//www.google-analytics.com">
<link rel="preload" as="script" href="https://snap.licdn.com/li.lms-analytics/insight.min.js">
<link rel="stylesheet" href="/site.css">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9&amp;l=dataLayer"></script>
<script>window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('js', new Date());
gtag('config', 'G-ABC123XYZ9');</script>
<script nonce="n0nce">!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '123456789012345');
fbq('track', 'PageView');</script>
<script type="text/javascript">_linkedin_partner_id = "1234567";</script>
<script type="module" src="https://analytics.tiktok.com/i18n/pixel/events.js"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('consent', 'default', {ad_storage: 'denied'});</script>
<script src="/app.js" defer></script>
<script>document.documentElement.dataset.fp = "1"; var s = "</scr" + "ipt>";</script>
<script type="application/ld+json">{"@context":"https://schema.org","name":"fbq('init')"}</script>
</head>
<body>
<h1>Shop</h1>
<a href="/p?id=7&amp;utm_source=news&amp;gclid=abc&amp;colour=red">Product</a>
<a href="https://other.example/x?fbclid=1&b=2#top">Other</a>
<a href="/plain?page=2">Plain</a>
<a href="mailto:x@example.com?subject=hi&amp;utm_source=mail">Mail</a>
<map><area href="/area?msclkid=9&amp;k=v" alt="A"></map>
<img src="https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456/?guid=ON&amp;script=0" width="1" height="1" alt="">
<img src="https://www.google-analytics.com/collect?v=1&amp;tid=UA-12345-1" width="1" height="1" alt="">
<img src="/logo.png" alt="Logo">
<iframe src="https://www.googletagmanager.com/ns.html?id=GTM-ABCD123" height="0" width="0" style="display:none"></iframe>
<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>
<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=123456789012345&amp;ev=PageView&amp;noscript=1"/></noscript>
<noscript><p>Please enable JavaScript.</p><img src="https://stats.g.doubleclick.net/g/collect?v=2&amp;tid=G-ABC123XYZ9" alt=""></noscript>
<script type="text/plain" data-consent="ads" src="https://ads.example/a.js"></script>
<img data-consent="analytics" src="/stats-pixel.gif" srcset="/stats-pixel-2x.gif 2x" alt="">
<script data-consent="personalization" src="/recs.js"></script>
<picture><source data-consent="ads" srcset="/ad-banner.webp"><img src="/fallback.png" alt=""></picture>
</body>
</html>
`;
