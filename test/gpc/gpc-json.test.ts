/**
 * /.well-known/gpc.json per the GPC spec §4: 200, application/json, a JSON object with `gpc: true`
 * and `lastUpdate` an RFC 3339 full-date, the same with or without the signal, for GET and HEAD.
 */
import { describe, expect, it } from "vitest";
import { callWithEnv, envWith } from "../helpers";

/** A real calendar day in RFC 3339 `full-date` form. */
function isFullDate(text: unknown): boolean {
	if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
	return new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

describe("/.well-known/gpc.json", () => {
	it("answers a valid statement for GET and HEAD, with or without Sec-GPC", async () => {
		for (const method of ["GET", "HEAD"]) {
			for (const headers of [{}, { "Sec-GPC": "1" }] as Record<string, string>[]) {
				const res = await callWithEnv(envWith({}), "/.well-known/gpc.json", { method, headers });
				expect(res.status).toBe(200);
				expect(res.headers.get("Content-Type")).toBe("application/json");
				const text = await res.text();
				if (method === "HEAD") continue;
				const body = JSON.parse(text);
				expect(body.gpc).toBe(true);
				expect(isFullDate(body.lastUpdate)).toBe(true);
			}
		}
	});

	it.each(["2026-13-01", "2026-02-30", "2026-00-10", "0000-00-00", "2026-11-31"])(
		"never states the impossible date %s as lastUpdate (configured GPC_LAST_UPDATE)",
		async (configured) => {
			const res = await callWithEnv(
				envWith({ GPC_LAST_UPDATE: configured } as Partial<Env>),
				"/.well-known/gpc.json",
			);
			expect(res.status).toBe(200);
			const body = await res.json<{ gpc: boolean; lastUpdate: string }>();
			expect(body.gpc).toBe(true);
			expect(isFullDate(body.lastUpdate), body.lastUpdate).toBe(true);
		},
	);

	it("keeps a valid configured date", async () => {
		const res = await callWithEnv(
			envWith({ GPC_LAST_UPDATE: "2024-02-29" } as Partial<Env>),
			"/.well-known/gpc.json",
		);
		expect(await res.json()).toEqual({ gpc: true, lastUpdate: "2024-02-29" });
	});
});
