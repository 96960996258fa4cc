import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callWithEnv } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const lookup = (headers: Record<string, string>) => callWithEnv(env, "/v1/consent", { cf: CA, headers });

describe("decision answers' headers", () => {
	it("are each answer's own: changing one answer's headers changes no later answer", async () => {
		for (const gpc of [true, false]) {
			const signal: Record<string, string> = gpc ? { "Sec-GPC": "1" } : {};
			const first = await lookup({ ...signal, Cookie: "ce_vid=headersVisitorOne_000000000" });
			first.headers.set("X-GPC-Honored", "tampered");
			first.headers.set("Cache-Control", "public, max-age=600");
			first.headers.append("Set-Cookie", "leaked=1");
			first.headers.set("X-D1-Bookmark", "leaked");

			const second = await lookup({ ...signal, Cookie: "ce_vid=headersVisitorTwo_000000000" });
			expect(second.status).toBe(200);
			expect(second.headers.get("X-GPC-Honored")).toBe(gpc ? "1" : "0");
			expect(second.headers.get("Cache-Control")).toBe("private, no-store");
			expect(second.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
			expect(second.headers.get("Vary")).toBe("Cookie, Sec-GPC, Authorization");
			// Its own cookie only: one ce_consent, issued for the second visitor.
			const cookies = second.headers.getSetCookie();
			expect(cookies.map((c) => c.split("=")[0])).toEqual(["ce_consent"]);
			// Whatever D1 hands back for this lookup, never the other answer's.
			expect(second.headers.get("X-D1-Bookmark")).not.toBe("leaked");

			const check = await callWithEnv(env, "/v1/check?purpose=ads", { cf: CA, headers: signal });
			expect(check.headers.get("X-GPC-Honored")).toBe(gpc ? "1" : "0");
			expect(check.headers.getSetCookie()).toEqual([]);
			expect(check.headers.get("X-D1-Bookmark")).toBeNull();
			expect(await check.json()).toMatchObject({ purpose: "ads", allowed: !gpc });
		}
	});

	it("carry both cookies for a new visitor, and the D1 bookmark only when D1 was read", async () => {
		const fresh = await lookup({});
		expect(fresh.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual(["ce_vid", "ce_consent"]);
		expect(fresh.headers.get("X-D1-Bookmark")).toBeNull();

		const cookie = fresh.headers
			.getSetCookie()
			.map((c) => c.split(";")[0])
			.join("; ");
		// The cookie now decides: no storage read, so no bookmark.
		const again = await lookup({ Cookie: cookie });
		expect(again.headers.get("X-D1-Bookmark")).toBeNull();
		expect(again.headers.getSetCookie()).toHaveLength(1);
	});
});
