/**
 * Real-looking URLs for the stripping benchmark: most carry nothing to strip (no query, or only
 * functional parameters), as on a real site; the rest carry campaign and click identifiers.
 */
const HOSTS = [
	"https://news.example.com",
	"https://shop.example.co.uk",
	"https://www.example.org",
	"https://docs.example.dev",
];
const PATHS = [
	"/",
	"/2026/11/29/cycle-lanes-to-open-before-summer",
	"/world/europe/elections-live",
	"/products/trail-running-shoe-gtx",
	"/category/womens/jackets",
	"/search",
	"/docs/getting-started/install",
	"/blog/how-we-cut-our-build-times",
	"/account/orders/1234567",
	"/a%20b/caf%C3%A9",
];
const FUNCTIONAL = [
	"page=2",
	"q=waterproof+jacket&sort=price_asc",
	"id=42",
	"size=42&colour=red",
	"lang=de",
	"category=shoes&brand=acme&page=3",
	"v=2&tab=reviews",
	"q=caf%C3%A9&filter=open_now",
	"start=20&num=10",
	"variant=39812345678",
];
const TRACKERS = [
	"utm_source=newsletter&utm_medium=email&utm_campaign=weekly_digest",
	"gclid=EAIaIQobChMI8dL3uJ2f_QIVDeh3Ch0YBg2mEAAYASAAEgK3HPD_BwE",
	"fbclid=IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMs",
	"msclkid=3f2c1b8a9d7e4f6a8b0c2d4e6f8a0b1c",
	"utm_source=facebook&utm_medium=paid_social&utm_campaign=bf2026&utm_content=carousel_1",
	"_gl=1*1abc2de*_ga*MTIzNDU2Nzg5MC4xNzMyOTAwMDAw*_ga_8XK2P4QZ1M*MTczMjkwMDAwMC4xLjEuMTczMjkwMDAwMC4wLjAuMA..",
	"mc_cid=8d2c3e4f5a&mc_eid=1a2b3c4d5e",
	"yclid=1234567890123456789",
	"twclid=2-7bench1234567890abcdef",
	"ttclid=E.C.P.CsABbench",
	"gbraid=0AAAAADbench&wbraid=CjkKCQbench",
	"_hsenc=p2ANqtz-8bench&_hsmi=123456789",
];

function build(): { all: string[]; clean: string[] } {
	const all: string[] = [];
	const clean: string[] = [];
	let i = 0;
	for (const host of HOSTS) {
		for (const path of PATHS) {
			const bare = `${host}${path}`;
			all.push(bare);
			clean.push(bare);
			for (let k = 0; k < 3; k++) {
				const functional = `${bare}?${FUNCTIONAL[(i + k * 3) % FUNCTIONAL.length]}`;
				const withFragment = k === 2 ? `${functional}#comments` : functional;
				all.push(withFragment);
				clean.push(withFragment);
			}
			// Roughly one URL in four carries trackers, mixed in with functional parameters.
			const tracker = TRACKERS[i % TRACKERS.length];
			all.push(
				i % 2 === 0 ? `${bare}?${tracker}` : `${bare}?${FUNCTIONAL[i % FUNCTIONAL.length]}&${tracker}`,
			);
			i++;
		}
	}
	return { all, clean };
}

export const URL_CORPUS = build();
