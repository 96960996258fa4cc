/**
 * The trackers Japanese sites carry most, through the worker for a visitor opted out of everything
 * (DE): LINE Tag (LY Corporation) and Yahoo! JAPAN Ads' site general tag, as sites paste them. Their
 * loaders and bootstraps are gated with stand-ins for `_lt` and `ytag` (so the site's own conversion
 * calls do nothing instead of throwing), their noscript pixels go, their click ids leave a
 * navigation's URL and the links of a page, and their first-party cookies are expired.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeOrigin, RUNTIME_TAGS, stubbed, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const LINE_TAG_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/** LINE Tag base code as LINE for Business hands it out (its https/http loader hosts, then init and a page view). */
const LINE_BASE_CODE = `<script>
(function(g,d,o){
  g._ltq=g._ltq||[];g._lt=g._lt||function(){g._ltq.push(arguments)};
  var h=location.protocol==='https:'?'https://d.line-scdn.net':'http://d.line-cdn.net';
  var s=d.createElement('script');s.async=1;
  s.src=o||h+'/n/line_tag/public/release/v1/lt.js';
  var t=d.getElementsByTagName('script')[0];t.parentNode.insertBefore(s,t);
    })(window, document);
_lt('init', {
  customerType: 'lap',
  tagId: '${LINE_TAG_ID}'
});
_lt('send', 'pv', ['${LINE_TAG_ID}']);
</script>`;
const LINE_PIXEL = `<img height="1" width="1" style="display:none"
       src="https://tr.line.me/tag.gif?c_t=lap&amp;t_id=${LINE_TAG_ID}&amp;e=pv&amp;noscript=1" />`;

/** Yahoo! JAPAN Ads site general tag (ads-help.yahoo.co.jp, サイトジェネラルタグ): its loader, then the queue. */
const YAHOO_LOADER = `<script async src="https://s.yimg.jp/images/listing/tool/cv/ytag.js"></script>`;
const YAHOO_GENERAL_TAG = `<script>
window.yjDataLayer = window.yjDataLayer || [];
function ytag() { yjDataLayer.push(arguments); }
ytag({"type":"ycl_cookie"});
</script>`;
/** The older search-ads tag's noscript pixel, still on many pages. */
const YAHOO_PIXEL = `<img height="1" width="1" style="border-style:none;" alt="" src="https://b97.yahoo.co.jp/pagead/conversion/1000000000/?guid=ON&amp;script=0&amp;disvt=false"/>`;

/** The site's own conversion calls, as a thank-you page makes them. */
const OWN_CALLS = `<script>_lt('send', 'cv', {type: 'Conversion'}, ['${LINE_TAG_ID}']);
ytag({"type":"yss_conversion","config":{"yahoo_conversion_id":"1000000000","yahoo_conversion_label":"AbCdEfGhIjKlMnOp","yahoo_conversion_value":"0"}});</script>`;

const PAGE = `<!doctype html><html><head>
${LINE_BASE_CODE}
<noscript>${LINE_PIXEL}</noscript>
${YAHOO_LOADER}
${YAHOO_GENERAL_TAG}
</head><body>
<a href="/next?ldtag_cl=Ab12Cd&amp;yclid=YSS.1000000000.AbCd&amp;keep=1">next</a>
${OWN_CALLS}
<noscript><div style="display:inline;">${YAHOO_PIXEL}</div></noscript>
</body></html>`;

function htmlOrigin(body: string) {
	return fakeOrigin(() => new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
}

describe("LINE Tag and Yahoo! JAPAN Ads for a visitor opted out of everything", () => {
	it("gate their loaders and bootstraps behind stand-ins for _lt and ytag, and drop their pixels", async () => {
		htmlOrigin(PAGE);
		const res = await visit("/thanks", VISITORS.optedOut);
		const gated = '<script type="text/plain" data-consent="ads">';
		expect(await res.text()).toBe(`<!doctype html><html><head>${RUNTIME_TAGS.optedOut}
${LINE_BASE_CODE.replace("<script>", stubbed(gated, ["_lt"], ["_ltq"]))}
<noscript></noscript>
<script async type="text/plain" data-consent="ads" data-src="https://s.yimg.jp/images/listing/tool/cv/ytag.js"></script>
${YAHOO_GENERAL_TAG.replace("<script>", stubbed(gated, ["ytag"], ["yjDataLayer"]))}
</head><body>
<a href="/next?keep=1">next</a>
${OWN_CALLS}
<noscript><div style="display:inline;"></div></noscript>
</body></html>`);
	});

	it("gate A8.net's conversion tag behind a stand-in for a8sales, and its loader", async () => {
		const cv = `<script>
a8sales({
  "pid": "s00000000062001",
  "order_number": "A-1",
  "currency": "JPY",
  "items": [{"code": "sku-1", "price": 900, "quantity": 1}],
  "total_price": 900
});
</script>`;
		htmlOrigin(
			`<body><span id="a8sales"></span><script src="//statics.a8.net/a8sales/a8sales.js"></script>${cv}</body>`,
		);
		const res = await visit("/thanks", VISITORS.optedOut);
		expect(await res.text()).toBe(
			`${RUNTIME_TAGS.optedOut}<body><span id="a8sales"></span><script type="text/plain" data-consent="ads" data-src="//statics.a8.net/a8sales/a8sales.js"></script>${cv.replace(
				"<script>",
				stubbed('<script type="text/plain" data-consent="ads">', ["a8sales"]),
			)}</body>`,
		);
	});

	it("strip their click ids from a navigation (LINE ldtag_cl, Yahoo! JAPAN yclid and yj_r, LY _ly_c, A8.net a8)", async () => {
		const { spy } = fakeOrigin();
		const res = await visit(
			"/lp?ldtag_cl=Ab12Cd&yclid=YSS.1000000000.AbCd&yj_r=Xy12&_ly_c=Zz99&a8=a8mat1&item=7",
			VISITORS.optedOut,
			{ headers: { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" } },
		);
		expect(res.status).toBe(302);
		expect(res.headers.get("Location")).toBe("/lp?item=7");
		expect(spy).not.toHaveBeenCalled();
	});

	it("expire their first-party cookies and keep them from the origin", async () => {
		const tracking = [
			"__lt__cid",
			"__lt__cid.c83939be",
			"__lt__sid",
			"_yjsu_yjad",
			"_ycl_yjad",
			"_ycl_aw",
			"_ts_yjad",
			"yjr_yjad",
			"_ly_su",
			"_ly_c",
			"_ly_r",
		];
		const { calls } = fakeOrigin(() => new Response("body{}", { headers: { "Content-Type": "text/css" } }));
		const jar = ["session=s1", ...tracking.map((name) => `${name}=v`), "theme=dark"].join("; ");
		const res = await visit("/style.css", VISITORS.optedOut, { headers: { Cookie: jar } });
		expect(calls[0]?.headers.get("Cookie")).toBe("session=s1; theme=dark");
		expect(res.headers.getSetCookie()).toEqual(
			tracking.flatMap((name) => [
				`${name}=; Max-Age=0; Path=/`,
				`${name}=; Max-Age=0; Path=/; Domain=.consent.example`,
			]),
		);
	});
});
