/**
 * The bench configuration: load shape, secrets, the raised rate limits and the request.cf every
 * request carries. Every knob can be overridden from the environment (BENCH_*), so a quick run is
 * `BENCH_ROUNDS=2 BENCH_ROUND_S=1 npm run bench`.
 */
import { fileURLToPath } from "node:url";

const int = (name, fallback) => {
	const n = Number.parseInt(process.env[name] ?? "", 10);
	return Number.isFinite(n) && n > 0 ? n : fallback;
};

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL("../", import.meta.url));
/** Build output, generated load scripts and the peer's node headers; git-ignored. */
export const WORK_DIR = fileURLToPath(new URL("../.work/", import.meta.url));

export const LOAD = {
	/** Keep-alive connections held by the load generator. */
	connections: int("BENCH_CONNECTIONS", 10),
	/** Measured rounds per scenario; scenario and baseline alternate round by round. */
	rounds: int("BENCH_ROUNDS", 4),
	/** Seconds per round (wrk takes whole seconds). */
	roundSeconds: int("BENCH_ROUND_S", 2),
	/** Unmeasured warm-up per scenario, seconds. */
	warmupSeconds: int("BENCH_WARMUP_S", 1),
};

export const DATA = {
	/** Subjects seeded into D1 (and into the peer's SQLite). */
	subjects: int("BENCH_SUBJECTS", 10_000),
	/** The first this many subjects are also written to KV (the warm set). */
	kvWarm: int("BENCH_KV_WARM", 1_000),
	/** Visitors that get a signed ce_consent cookie for cookie-decision. */
	cookieVisitors: 50,
};

/** Bench-only secrets: never used anywhere else. */
export const SECRETS = {
	ADMIN_API_KEY: "bench-admin-key-0123456789abcdef",
	SIGNING_KEY: "bench-signing-key-0123456789abcdef0123456789",
	EMAIL_HASH_KEY: "bench-email-hash-key-0123456789abcdef",
};

/** Vars as in production ([env.production]): no debug geo; geo comes from request.cf below. */
export const VAR_OVERRIDES = {
	DEBUG_GEO: "false",
};

/**
 * Every `[[ratelimits]]` binding of wrangler.toml is raised to this, so the bench measures work and
 * not 429s. A binding added later is raised automatically; the run prints which ones it raised.
 */
export const RAISED_RATE_LIMIT = { limit: 1_000_000_000, period: 60 };

/**
 * request.cf for every request, sent to workerd as the MF-CF-Blob header (what Cloudflare's edge
 * provides in production). California: an opt-out jurisdiction where GPC is binding.
 */
export const REQUEST_CF = {
	country: "US",
	regionCode: "CA",
	region: "California",
	continent: "NA",
	city: "San Francisco",
	timezone: "America/Los_Angeles",
	colo: "SJC",
	asn: 13335,
	httpProtocol: "HTTP/1.1",
	tlsVersion: "TLSv1.3",
};

/**
 * What Cloudflare's edge adds to every request a Worker receives, as the bench sends it: request.cf
 * (workerd reads it from MF-CF-Blob) and the client's address in CF-Connecting-IP (a documentation
 * address, RFC 5737).
 */
export const CF_HEADER = { "MF-CF-Blob": JSON.stringify(REQUEST_CF), "CF-Connecting-IP": "198.51.100.7" };

export const HOST = "127.0.0.1";
