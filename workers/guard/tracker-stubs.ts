/**
 * Stand-ins for the globals a neutralised tracker bootstrap would have defined. Sites call them from
 * their own code (`fbq('track', 'AddToCart')` in a button's handler, `gtag('event', …)`,
 * `dataLayer.push(…)`, `analytics.track(…)`), and with the bootstrap gated each such call would throw
 * a ReferenceError and stop the site's own work with it. So a gated bootstrap is preceded by a small
 * script defining, where nothing else has, an inert function for each vendor function it names (it
 * accepts any call and any property chain, and sends nothing; `gtag` is Google's own queueing one) and
 * an empty array for each queue.
 * Each stand-in is its own, and keeps what the site's code stores in it (`analytics.section = "news"`
 * reads back), so a site global that merely shares a vendor's name keeps working.
 * Should the visitor agree later, a gated script of its own, just before the bootstrap (run first by
 * `/consent.js`), removes the inert functions the bootstrap would otherwise find and bail out on
 * (`if (f.fbq) return;`); the bootstrap itself runs as written, byte for byte, so a page CSP that admits
 * it by hash still does.
 */

/** Vendor functions and queues (tracking.md §3d "HTML signals"; the vendors' published snippets). */
const FUNCTIONS = [
	"gtag",
	"ga",
	"fbq",
	"_fbq",
	"ttq",
	"lintrk",
	"snaptr",
	"pintrk",
	"twq",
	"twttr",
	"rdt",
	"qp",
	"obApi",
	"ym",
	"_lt",
	"ytag",
	"a8sales",
	"hj",
	"clarity",
	"analytics",
	"mixpanel",
	"amplitude",
	"heap",
	"plausible",
	"Treasure",
	"zaraz",
] as const;
const QUEUES = ["dataLayer", "uetq", "_hsq", "criteo_q", "_tfa", "_paq", "_ltq", "yjDataLayer"] as const;

const NAMED = new RegExp(`(?<![\\w$])(?:${[...FUNCTIONS, ...QUEUES].join("|")})(?![\\w$])`, "g");

export interface TrackerGlobals {
	readonly functions: readonly string[];
	readonly queues: readonly string[];
}

/** The vendor functions and queues a bootstrap's source names, or null when it names none. */
export function trackerGlobals(source: string): TrackerGlobals | null {
	const named = new Set(source.match(NAMED));
	if (named.size === 0) return null;
	return {
		functions: FUNCTIONS.filter((name) => named.has(name)),
		queues: QUEUES.filter((name) => named.has(name)),
	};
}

const MARK = "__consentEdgeStub";

/**
 * `gtag` stands in as Google's own snippet defines it, pushing into `dataLayer`: sending nothing until
 * a Google tag loads, and keeping the Consent Mode commands `/consent.js` sends through it (a swallowing
 * stand-in would lose them, and the tag would later run with no consent state).
 */
const GTAG = `if(!("gtag" in w)){w.dataLayer=w.dataLayer||[];w.gtag=function(){w.dataLayer.push(arguments)}}`;

/** The script defining the stand-ins (its body only). */
export function stubSource({ functions, queues }: TrackerGlobals): string {
	const inert = functions.filter((name) => name !== "gtag");
	return (
		`(function(w,f,q){function m(){var o={},s;function n(){return s}` +
		`s=typeof Proxy==="function"?new Proxy(n,{get:function(t,k){return k==="${MARK}"?true:Object.prototype.hasOwnProperty.call(o,k)?o[k]:k==="then"||typeof k==="symbol"?undefined:s},` +
		`set:function(t,k,v){o[k]=v;return true},has:function(t,k){return k in o||k in t},apply:n}):n;` +
		`n.${MARK}=true;return s}f.forEach(function(k){if(!(k in w))w[k]=m()});q.forEach(function(k){w[k]=w[k]||[]});` +
		`${functions.includes("gtag") ? GTAG : ""}})` +
		`(window,${JSON.stringify(inert)},${JSON.stringify(queues)});`
	);
}

/**
 * What runs, once allowed, just before a gated bootstrap (in a gated script of its own): the inert
 * stand-ins it would bail out on go. Empty when there are none. Like the stand-ins, it holds no `&`
 * or `<`: in an XHTML page either is a fatal XML error, and the page would not render at all.
 */
export function activationPrefix({ functions }: TrackerGlobals): string {
	const inert = functions.filter((name) => name !== "gtag");
	if (inert.length === 0) return "";
	return `(function(w){${JSON.stringify(inert)}.forEach(function(k){if((w[k]||0).${MARK}===true)delete w[k]})})(window);`;
}
