/**
 * GET /v1/health, for uptime monitors and operators. Without a key: 200 `{"status": "ok"}` while the
 * worker can decide and write, else 503 `{"status": "degraded"}` with Retry-After (a deliberate 5xx
 * beyond the contract's list, as `not_configured` is: README, "Health"); either names the failing
 * checks, and under `warnings` those with a finding that refuses nothing (a weak key), never a
 * secret's name. With the admin key: every check, how long it took, and the configuration's shape;
 * never a secret, subject, hash or address.
 */
import { settingsFor } from "../config/settings";
import { identifyCaller, requireScope } from "../consent/caller";
import { authorizationHeader } from "../http/request-inputs";
import { jsonResponse } from "../http/responses";
import { boundDatabases } from "../storage/shards";
import { healthChecks, parkedWriteCount } from "./health-checks";

/** Monitors poll on their own schedule; this only tells a client not to retry at once. */
const RETRY_AFTER_S = "30";

/** The vars that, unusable, refuse requests rather than fall back to a default. */
const REFUSING_VARS = new Set(["ORIGIN", "D1_SHARDS"]);

/**
 * A keyless probe's checks are reused for this long per isolate (per env): the path is under no
 * limiter, so a flood of probes costs at most one D1 and one KV read per database each few seconds.
 */
const KEYLESS_REUSE_MS = 5000;
type Checks = Awaited<ReturnType<typeof healthChecks>>;
// The results, not a promise: a request cannot wait on I/O another request started.
const keylessChecks = new WeakMap<Env, { at: number; checks: Checks }>();

async function checksForKeyless(env: Env): Promise<Checks> {
	const known = keylessChecks.get(env);
	if (known && Date.now() - known.at < KEYLESS_REUSE_MS) return known.checks;
	const checks = await healthChecks(env);
	keylessChecks.set(env, { at: Date.now(), checks });
	return checks;
}

/**
 * The checks with a finding that fails nothing: a weak or example key is used all the same, so it
 * is no `failing` check (a monitor alerting on that would page for a 200), yet a probe should see it.
 */
function checksWarning(checks: Checks): string[] {
	const { weakKeys, exampleKeys } = checks.config;
	return weakKeys.length > 0 || exampleKeys.length > 0 ? ["config"] : [];
}

export async function health(request: Request, env: Env): Promise<Response> {
	const detailed = authorizationHeader(request) !== null;
	// A wrong key is a 401 and a narrower one a 403, as on every keyed route.
	if (detailed) requireScope(await identifyCaller(request, env), ["admin"]);
	const [checks, parkedWrites] = await Promise.all([
		detailed ? healthChecks(env) : checksForKeyless(env),
		detailed ? parkedWriteCount(env) : null,
	]);
	const failing = Object.entries(checks)
		.filter(([, check]) => !check.ok)
		.map(([name]) => name);
	const degraded =
		failing.some((name) => name !== "kv" && name !== "config") ||
		checks.config.invalid.some((name) => REFUSING_VARS.has(name));
	const warnings = checksWarning(checks);
	const settings = settingsFor(env);
	const status = degraded ? "degraded" : "ok";
	const body = detailed
		? {
				status,
				failing,
				...(warnings.length > 0 ? { warnings } : {}),
				checks,
				// Guard mode (ORIGIN set), and whether X-Debug-Geo may override request.cf's location.
				guard: !!settings.origin,
				debugGeo: settings.debugGeo,
				// As `d1` reads them: a D1_SHARDS name with nothing bound is `config`'s `unboundShards`.
				d1Databases: boundDatabases(env).length,
				parkedWrites,
			}
		: {
				status,
				...(failing.length > 0 ? { failing } : {}),
				...(warnings.length > 0 ? { warnings } : {}),
			};
	// A 503's body carries the contract's error shape too, for clients that read only that.
	const answer = degraded
		? {
				...body,
				error: { code: "degraded", message: `Some requests are refused: ${failing.join(", ")} failing.` },
			}
		: body;
	return jsonResponse(answer, {
		status: degraded ? 503 : 200,
		headers: degraded ? { "Retry-After": RETRY_AFTER_S } : {},
	});
}
