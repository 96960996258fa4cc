/**
 * The abuse phase: one client posts 150 one-click unsubscribes with forged tokens (right shape, wrong
 * MAC) while UNSUBSCRIBE_LIMITER stays at its configured limit. Each must be refused (403) or limited
 * (429 with Retry-After), and some must be limited; nothing may be suppressed. Right after the
 * burst, the same client posts genuine one-clicks, which must all be answered 200 (never limited).
 */
import { LOADTEST } from "./loadtest-config.mjs";
import { forgeToken } from "./loadtest-ops.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Miniflare's limiter counts in windows aligned to the wall clock (like Cloudflare's, per period):
 * a burst that straddles a window edge is split between two budgets. So the burst starts early in
 * a window: if fewer than 8 s of this one remain, it waits for the next.
 */
async function alignToWindow(periodS, log) {
	const periodMs = periodS * 1000;
	const left = periodMs - (Date.now() % periodMs);
	if (left < 8000) {
		log(`  abuse phase waits ${(left / 1000).toFixed(1)} s for the limiter's next ${periodS} s window`);
		await sleep(left + 100);
	}
}

/**
 * @param {{ send: Function, rec: import("./loadtest-stats.mjs").Recorder, ledger: any }} ctx
 * @param {{url: string}[]} decoys links whose tokens are forged (their addresses are never unsubscribed)
 */
export async function abusePhase(ctx, decoys, { periodS, startedAt, log }) {
	await alignToWindow(periodS, log);
	const at = (Date.now() - startedAt) / 1000;
	const { posts, address } = LOADTEST.abuse;
	let limited = 0;
	for (let k = 0; k < posts; k++) {
		const a = await ctx.send(forgeToken(decoys[k % decoys.length].url), {
			method: "POST",
			headers: { "CF-Connecting-IP": address, "Content-Type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
		let problem = null;
		if (a.status === 429) {
			limited++;
			ctx.rec.expected429++;
			ctx.ledger.limitTripped = true;
			if (!a.headers.get("Retry-After")) problem = "429 without Retry-After";
		} else if (a.status !== 403) {
			problem = `expected 403 or 429, got ${a.status} ${a.error ?? a.body.slice(0, 120)}`;
		}
		ctx.rec.record("unsubscribe-forged", a, problem, "abuse");
	}
	if (limited === 0) ctx.rec.problem("unsubscribe-forged", `none of ${posts} forged-token POSTs met a 429`);

	let genuine = 0;
	for (const link of ctx.links.splice(-LOADTEST.abuse.genuineAfter)) {
		const a = await ctx.send(link.url, {
			method: "POST",
			headers: { "CF-Connecting-IP": address, "Content-Type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
		const problem =
			a.status === 200 ? null : `expected 200, got ${a.status} ${a.error ?? a.body.slice(0, 120)}`;
		if (ctx.rec.record("unsubscribe-same-client", a, problem, "abuse")) {
			ctx.ledger.unsubscribed.set(link.email, link.hash);
			genuine++;
		}
	}
	return { at, posts, limited, address, genuine };
}
