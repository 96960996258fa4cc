/**
 * The load test's knobs (`npm run loadtest`), each overridable from the environment: LOADTEST_SECONDS,
 * LOADTEST_CONCURRENCY, LOADTEST_UNSUB_LINKS, LOADTEST_MIX ("lookup=25,gpc-check=20,...").
 */

const num = (name, fallback) => {
	const n = Number.parseFloat(process.env[name] ?? "");
	return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** Relative weights of the operations each virtual client picks from, request by request. */
const DEFAULT_MIX = {
	lookup: 25,
	"gpc-check": 20,
	"keyed-write": 15,
	"opt-out": 12,
	unsubscribe: 12,
	"guarded-page": 16,
};

function mix() {
	const out = { ...DEFAULT_MIX };
	for (const part of (process.env.LOADTEST_MIX ?? "").split(",")) {
		const [name, weight] = part.split("=").map((s) => s?.trim());
		if (!name) continue;
		if (!(name in DEFAULT_MIX)) throw new Error(`LOADTEST_MIX: unknown operation ${name}`);
		const w = Number.parseFloat(weight ?? "");
		if (!Number.isFinite(w) || w < 0) throw new Error(`LOADTEST_MIX: bad weight for ${name}`);
		out[name] = w;
	}
	return out;
}

const seconds = num("LOADTEST_SECONDS", 20);

export const LOADTEST = {
	/** Length of the timed mixed load. */
	seconds,
	/** Virtual clients, each one request (or one retry pair) in flight at a time. */
	concurrency: Math.round(num("LOADTEST_CONCURRENCY", 32)),
	mix: mix(),
	/**
	 * One-click links created before the load (one distinct address each). Each genuine unsubscribe
	 * uses a fresh one; when they run out, the clients stop choosing unsubscribes (the summary says so).
	 */
	unsubscribeLinks: Math.round(num("LOADTEST_UNSUB_LINKS", Math.max(500, Math.ceil(seconds * 50)))),
	/** Share of keyed writes sent again with the same Idempotency-Key and body. */
	retryShare: 0.1,
	/** Share of one-click unsubscribes posted a second time. */
	repostShare: 0.1,
	list: "newsletter",
	emailDomain: "loadtest.example",
	/** The abuse phase: forged-token POSTs from one client, UNSUBSCRIBE_LIMITER at its real limit. */
	abuse: {
		posts: 150,
		/** Genuine one-clicks the same client posts right after its burst. */
		genuineAfter: 10,
		/** Starts this far into the load, so genuine unsubscribes continue after the limiter trips. */
		startFraction: 0.3,
		/** Its client address (CF-Connecting-IP); virtual client 0 has the same one. */
		address: "198.51.100.1",
		limiter: "UNSUBSCRIBE_LIMITER",
	},
	/** Polling D1 until background work (waitUntil, the queue) is done. */
	settle: { intervalMs: 500, stableReadings: 4, maxMs: 30_000 },
	/** A request not answered within this counts as an error. */
	requestTimeoutMs: 30_000,
	/** The whole run is aborted (exit 2) past this. */
	watchdogMs: (seconds + 300) * 1000,
};

/** Virtual client i's address: 198.51.100.(i+1), then 198.51.101.x, ... */
export function clientAddress(i) {
	return `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`;
}
