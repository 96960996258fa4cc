/**
 * The cron triggers (wrangler.toml [triggers]), told apart by their schedule. Each job runs in an
 * invocation of its own, so each has D1's 1000 queries to itself: the daily retention purge spends up
 * to 900, and the hourly replay of parked writes (queue/parked-write-replay.ts) its own. Hourly, as a
 * write is parked only after about 15.5 hours of retries: a daily replay could keep it waiting a day
 * more after D1 is back. The hourly run also makes the KV deletes of erased subjects' cached state
 * that KV and the queue both refused at the erasure (consent/erased-cache-drop.ts).
 */
import { settingsFor } from "../config/settings";
import { sweepPendingCacheDrops } from "../consent/erased-cache-drop";
import { replayParkedWrites } from "../queue/parked-write-replay";
import { purgeShards } from "../storage/retention";
import { allConsentDatabases } from "../storage/shards";

export const RETENTION_PURGE_CRON = "17 3 * * *";
export const PARKED_WRITES_CRON = "47 * * * *";

export async function runCronJob(cron: string, env: Env): Promise<void> {
	if (cron === RETENTION_PURGE_CRON) {
		await purgeShards(allConsentDatabases(env), Date.now(), settingsFor(env).recordRetentionMs);
		return;
	}
	if (cron !== PARKED_WRITES_CRON) console.error("unknown cron schedule; replaying parked writes only", cron);
	// After: the replay throws only when KV cannot list, which would fail the sweep's deletes too. D1
	// down, it logs what it could not write, as the sweep does.
	await replayParkedWrites(env);
	await sweepPendingCacheDrops(env).catch((err) =>
		console.error("noted kv deletes wait for the next run", err),
	);
}
