/**
 * How long unsubscribe links stay valid: UNSUBSCRIBE_TOKEN_DAYS (optional var), default 400 days.
 * Long, because people unsubscribe from old mail (CAN-SPAM wants links to work 30 days after
 * sending; archives are older), but bounded so a leaked link does not live forever.
 */
const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 400;
const MAX_DAYS = 3650;

export function unsubscribeTokenLifetimeMs(env: Env): number {
	const raw = (env as unknown as Record<string, unknown>).UNSUBSCRIBE_TOKEN_DAYS;
	const days = Number(typeof raw === "string" ? raw.trim() : raw);
	const valid = Number.isFinite(days) && days >= 1 && days <= MAX_DAYS;
	return (valid ? days : DEFAULT_DAYS) * DAY_MS;
}
