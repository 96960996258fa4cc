/**
 * What GET /v1/health checks. Each check is bounded by CHECK_TIMEOUT_MS and never throws, so a hung
 * or failing binding makes a failed check, not a hung or failed probe. D1 is read at the primary
 * (writes need it), on every database the worker uses, and that one read also says whether the
 * database has this code's newest migration; KV is one get of a fixed key, the EMAIL_HASH_KEY
 * fingerprint, whose value is also the fingerprint check.
 */
import { settingsFor } from "../config/settings";
import { ConsentRepository } from "../storage/consent-repository";
import { emailHashKeyFingerprint, readKeyFingerprint } from "../storage/key-fingerprint";
import { countParkedWrites } from "../storage/parked-writes";
import { boundDatabases } from "../storage/shards";

/** Well within a monitor's usual 5-30 s timeout, even with every check hung. */
const CHECK_TIMEOUT_MS = 2000;

/** Whether `work` settled in time, and how long it took (ms); it failed if it threw, rejected or hung. */
async function timed(work: () => Promise<unknown>): Promise<{ ok: boolean; ms: number }> {
	const start = Date.now();
	let timer: ReturnType<typeof setTimeout> | null = null;
	let ok = true;
	try {
		await Promise.race([
			work(),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error("health check timed out")), CHECK_TIMEOUT_MS);
			}),
		]);
	} catch (err) {
		console.warn("health check failed", err);
		ok = false;
	}
	clearTimeout(timer);
	return { ok, ms: Date.now() - start };
}

/**
 * The checks. `d1`, `schema`, `secrets` and `emailHashKey` failing means some requests are refused
 * (503: a database behind the code refuses what needs the newer schema); `kv` failing alone does
 * not: decisions and writes go on from D1 (README, "Health"); nor does `config`, whose vars fall
 * back to their defaults, except a malformed ORIGIN, for which every proxied path is refused, and a
 * D1_SHARDS name with no database bound, whose subjects are refused. A weak or example key does not
 * fail `config` (it is used all the same): it is a warning (health-route.ts).
 */
export async function healthChecks(env: Env) {
	const { emailHashKey, missingSecrets, invalidVars, unboundShards, weakKeys, exampleKeys } =
		settingsFor(env);
	let recorded: string | null = null;
	// Unknown while a database does not answer: that is `d1`'s failure, not this one's.
	let schemaBehind = false;
	const [d1, kv] = await Promise.all([
		timed(() =>
			Promise.all(
				boundDatabases(env).map(async (db) => {
					if (!(await ConsentRepository.open(db, "write").hasNewestMigration())) schemaBehind = true;
				}),
			),
		),
		timed(async () => {
			recorded = await readKeyFingerprint(env.CONSENT_KV);
		}),
	]);
	return {
		d1,
		schema: { ok: !schemaBehind },
		kv,
		secrets: { ok: missingSecrets.length === 0, missing: missingSecrets },
		// Names only, as for secrets: a value in the wrong var may be a secret.
		config: {
			ok: invalidVars.length === 0,
			invalid: invalidVars,
			unboundShards,
			weakKeys,
			exampleKeys,
		},
		// Unknown (KV unreadable), not yet recorded (it is on first use) or no key (`secrets`) is no mismatch.
		emailHashKey: {
			ok: !emailHashKey || !recorded || recorded === (await emailHashKeyFingerprint(emailHashKey)),
		},
	};
}

/** The writes parked in KV: a count, `1000+` past one list page, null when KV cannot say. */
export async function parkedWriteCount(env: Env): Promise<number | string | null> {
	let parked: number | string | null = null;
	await timed(async () => {
		const { count, more } = await countParkedWrites(env.CONSENT_KV);
		parked = more ? `${count}+` : count;
	});
	return parked;
}
