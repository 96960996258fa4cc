/**
 * guardDecision's verdict: a GPC visitor without a visitor id is guarded wherever they are, so the
 * verdict is known before the location is read; which purposes are denied is worked out on first
 * use, from the location (opt-in regions deny analytics too).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { settingsFor } from "../../workers/config/settings";
import type { RequestContext } from "../../workers/consent/request-context";
import { guardDecision } from "../../workers/guard/guard-decision";

function context(headers: Record<string, string>, jurisdiction: string) {
	const request = new Request("https://shop.example/landing?gclid=1", { headers });
	const reads = { count: 0 };
	const rc: RequestContext = {
		request,
		url: new URL(request.url),
		env,
		ctx: { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext,
		settings: settingsFor(env),
		now: Date.now(),
		gpc: headers["Sec-GPC"] === "1",
		secure: true,
		get jurisdiction() {
			reads.count++;
			return jurisdiction;
		},
	};
	return { rc, reads };
}

describe("guardDecision for a visitor without a visitor id", () => {
	it("with GPC: guarded before the location is read; denied purposes follow the location", async () => {
		for (const [jurisdiction, denied] of [
			["US-CA", ["ads"]],
			["DE", ["ads", "analytics"]],
		] as const) {
			const { rc, reads } = context({ "Sec-GPC": "1" }, jurisdiction);
			const verdict = await guardDecision(rc, true);
			expect(verdict.guarded).toBe(true);
			expect(reads.count).toBe(0);
			expect([...verdict.denied].sort()).toEqual([...denied]);
			expect(reads.count).toBeGreaterThan(0);
			expect(verdict.decision.reasons.ads).toBe("gpc");
		}
	});

	it("with GPC: every denied purpose, for the page rewrite, is worked out only when asked for", async () => {
		for (const [jurisdiction, denied] of [
			["US-CA", ["ads", "sale"]],
			["DE", ["ads", "analytics", "email", "personalization", "sale"]],
		] as const) {
			const { rc, reads } = context({ "Sec-GPC": "1" }, jurisdiction);
			const verdict = await guardDecision(rc, true);
			expect(reads.count).toBe(0);
			expect([...verdict.deniedPurposes].sort()).toEqual([...denied]);
			expect(reads.count).toBeGreaterThan(0);
			expect(verdict.deniedPurposes).toBe(verdict.deniedPurposes);
		}
	});

	it("without GPC: the location decides whether they are guarded at all", async () => {
		const us = context({}, "US-CA");
		expect((await guardDecision(us.rc, true)).guarded).toBe(false);
		expect(us.reads.count).toBeGreaterThan(0);
		const de = context({}, "DE");
		const verdict = await guardDecision(de.rc, true);
		expect(verdict.guarded).toBe(true);
		expect([...verdict.denied].sort()).toEqual(["ads", "analytics"]);
	});
});
