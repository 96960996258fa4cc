/**
 * An allowance past CONSENT_LIFETIME_DAYS no longer allows anything. A later write that chooses
 * something else (an opt-out of another purpose, an unsubscribe turning `email` off) must not bring
 * the lapsed allowance back: nobody chose it again. A subscription to marketing email, asked
 * separately from the banner, does not lapse.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { settingsFor } from "../../workers/config/settings";
import { call, json, keyed } from "../helpers";

const DE = { country: "DE" };

const DAY = 86_400_000;

function lapse() {
	later(settingsFor(env).policy.lifetimeMs + DAY);
}

function later(ms: number) {
	vi.useFakeTimers({ toFake: ["Date"] });
	vi.setSystemTime(Date.now() + ms);
}

afterEach(() => {
	vi.useRealTimers();
});

async function decision(subject: string) {
	const res = await call(`/v1/consent?subject=${subject}`, keyed({ cf: DE }));
	return res.json<{ purposes: Record<string, boolean>; reasons: Record<string, string>; prompt: boolean }>();
}

/** A keyed lookup with GPC, then waits for the opt-out it records in the background. */
async function recordGpcSignal(subject: string) {
	await call(`/v1/consent?subject=${subject}`, keyed({ cf: DE, headers: { "Sec-GPC": "1" } }));
	for (let i = 0; i < 50 && (await decision(subject)).reasons.ads !== "gpc"; i++)
		await new Promise((r) => setTimeout(r, 20));
	expect((await decision(subject)).reasons.ads).toBe("gpc");
}

async function put(subject: string, body: Record<string, unknown>) {
	const res = await call("/v1/consent", { method: "PUT", ...json({ subject, ...body }, keyed({ cf: DE })) });
	expect(res.status).toBe(200);
}

describe("a lapsed allowance", () => {
	it("stays lapsed after an opt-out of another purpose", async () => {
		await put("user:lapse-optout", { purposes: { analytics: true, ads: true } });
		lapse();
		expect((await decision("user:lapse-optout")).purposes.ads).toBe(false);
		await put("user:lapse-optout", { purposes: { analytics: false } });
		const after = await decision("user:lapse-optout");
		expect(after.purposes.analytics).toBe(false);
		expect(after.purposes.ads).toBe(false);
	});

	it("stays lapsed after an unsubscribe recorded through the API", async () => {
		await put("user:lapse-unsub", { email: "lapse@example.com", purposes: { analytics: true } });
		lapse();
		expect((await decision("user:lapse-unsub")).purposes.analytics).toBe(false);
		const res = await call("/v1/suppressions", {
			method: "POST",
			...json({ email: "lapse@example.com" }, keyed()),
		});
		expect(res.status).toBe(201);
		const after = await decision("user:lapse-unsub");
		expect(after.purposes.email).toBe(false);
		expect(after.purposes.analytics).toBe(false);
	});

	it("stays lapsed after a GPC signal is recorded", async () => {
		await put("user:lapse-gpc", { purposes: { analytics: true } });
		lapse();
		const signalled = await call(
			"/v1/consent?subject=user:lapse-gpc",
			keyed({ cf: DE, headers: { "Sec-GPC": "1" } }),
		);
		expect((await signalled.json<{ purposes: Record<string, boolean> }>()).purposes.analytics).toBe(false);
		// The opt-out is persisted in the background: wait for its record.
		for (let i = 0; i < 50 && (await decision("user:lapse-gpc")).reasons.ads !== "gpc"; i++)
			await new Promise((r) => setTimeout(r, 20));
		const after = await decision("user:lapse-gpc");
		expect(after.reasons.ads).toBe("gpc");
		expect(after.purposes.analytics).toBe(false);
	});

	it("is never a newsletter subscription: email, asked separately, lasts until withdrawn", async () => {
		await put("user:lapse-newsletter", { email: "news@example.com", purposes: { email: true, ads: true } });
		lapse();
		const lapsed = await decision("user:lapse-newsletter");
		expect(lapsed.purposes.ads).toBe(false);
		expect(lapsed.purposes.email).toBe(true);
		expect(lapsed.reasons.email).toBe("explicit");
		// The banner asks again; its Accept all names the tracking purposes, not email.
		await put("user:lapse-newsletter", {
			purposes: { analytics: true, personalization: true, ads: true, sale: true },
		});
		const after = await decision("user:lapse-newsletter");
		expect(after.purposes.ads).toBe(true);
		expect(after.purposes.email).toBe(true);
	});

	it("is still asked about after a GPC signal is recorded: the signal answers no banner", async () => {
		await put("user:lapse-gpc-prompt", { purposes: { analytics: true, ads: true } });
		lapse();
		expect((await decision("user:lapse-gpc-prompt")).prompt).toBe(true);
		await recordGpcSignal("user:lapse-gpc-prompt");
		const after = await decision("user:lapse-gpc-prompt");
		expect(after.purposes.analytics).toBe(false);
		expect(after.prompt).toBe(true);
	});

	it("is still asked about after an unsubscribe: an unsubscribe answers no banner", async () => {
		await put("user:lapse-unsub-prompt", {
			email: "lapse-prompt@example.com",
			purposes: { analytics: true },
		});
		lapse();
		expect((await decision("user:lapse-unsub-prompt")).prompt).toBe(true);
		const res = await call("/v1/suppressions", {
			method: "POST",
			...json({ email: "lapse-prompt@example.com" }, keyed()),
		});
		expect(res.status).toBe(201);
		const after = await decision("user:lapse-unsub-prompt");
		expect(after.purposes.email).toBe(false);
		expect(after.prompt).toBe(true);
	});

	it("lapses a lifetime after it was chosen, however recently a GPC signal was recorded", async () => {
		await put("user:gpc-no-renewal", { purposes: { analytics: true } });
		later(300 * DAY);
		await recordGpcSignal("user:gpc-no-renewal");
		expect((await decision("user:gpc-no-renewal")).purposes.analytics).toBe(true);
		later(settingsFor(env).policy.lifetimeMs - 300 * DAY + DAY);
		const after = await decision("user:gpc-no-renewal");
		expect(after.purposes.analytics).toBe(false);
		expect(after.reasons.analytics).toBe("default");
		expect(after.prompt).toBe(true);
	});
});
