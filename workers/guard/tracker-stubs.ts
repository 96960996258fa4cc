/**
 * Stand-ins for the globals a neutralised tracker bootstrap would have defined. Sites call them from
 * their own code (`fbq('track', 'AddToCart')` in a button's handler, `gtag('event', …)`,
 * `dataLayer.push(…)`, `analytics.track(…)`), and with the bootstrap gated each such call would throw
 * a ReferenceError and stop the site's own work with it. So a gated bootstrap is preceded by a small
 * script defining, where nothing else has, an inert function for each vendor function it names (it
 * accepts any call and any property chain, and sends nothing; `gtag` is Google's own queueing one) and
 * an empty array for each queue.
 * Should the visitor agree later, the gated script (run by `/consent.js`) first removes the inert
 * functions it would otherwise find and bail out on (`if (f.fbq) return;`), then runs as written.
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
	"rdt",
	"ym",
	"hj",
	"clarity",
	"analytics",
	"mixpanel",
	"amplitude",
	"heap",
	"plausible",
	"zaraz",
] as const;
const QUEUES = ["dataLayer", "uetq", "_hsq", "criteo_q", "_tfa", "_paq"] as const;

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
		`(function(w,f,q){var s;function n(){return s}` +
		`s=typeof Proxy==="function"?new Proxy(n,{get:function(t,k){return k==="${MARK}"?true:k==="then"||typeof k==="symbol"?undefined:s},apply:n}):n;` +
		`n.${MARK}=true;f.forEach(function(k){if(!(k in w))w[k]=s});q.forEach(function(k){w[k]=w[k]||[]});` +
		`${functions.includes("gtag") ? GTAG : ""}})` +
		`(window,${JSON.stringify(inert)},${JSON.stringify(queues)});`
	);
}

/** What a gated bootstrap runs first, once allowed: the inert stand-ins it would bail out on go. */
export function activationPrefix({ functions }: TrackerGlobals): string {
	const inert = functions.filter((name) => name !== "gtag");
	if (inert.length === 0) return "";
	return `(function(w){${JSON.stringify(inert)}.forEach(function(k){if(w[k]&&w[k].${MARK}===true)delete w[k]})})(window);\n`;
}
