/**
 * The guard's settings per env: the site's stripping choices, and those choices per request host,
 * one object each (what stripTrackingParams resolves from them is remembered per object).
 */
import { describe, expect, it } from "vitest";
import { guardSettingsFor } from "../../workers/guard/guard-settings";
import { stripTrackingParams } from "../../workers/guard/strip-tracking-params";
import { guardEnv } from "./guard-fixtures";

describe("guardSettingsFor(env).stripFor(host)", () => {
	const env = guardEnv({ GUARD_STRIP_EXTRA: "ref_code", GUARD_STRIP_KEEP: "gclid", GUARD_KEEP_UTM: "true" });

	it("is the site's choices with the host as baseHost, the same object for the same host", () => {
		const settings = guardSettingsFor(env);
		const www = settings.stripFor("www.example.com");
		expect(www).toEqual({ extra: ["ref_code"], keep: ["gclid"], keepUtm: true, baseHost: "www.example.com" });
		expect(settings.stripFor("www.example.com")).toBe(www);
		expect(guardSettingsFor(env).stripFor("www.example.com")).toBe(www);
		expect(settings.stripFor("example.com")).not.toBe(www);
		expect(settings.stripFor("example.com").baseHost).toBe("example.com");
	});

	it("strips as a fresh object with the same fields would, for more hosts than it remembers", () => {
		const settings = guardSettingsFor(env);
		const url = "/p?utm_source=a&ref_code=b&gclid=c&fbclid=d&id=1";
		for (let i = 0; i < 100; i++) {
			const host = `h${i % 40}.example.com`;
			const fresh = { ...settings.strip, baseHost: host };
			expect(stripTrackingParams(url, settings.stripFor(host))).toBe(stripTrackingParams(url, fresh));
		}
		expect(stripTrackingParams(url, settings.stripFor("h1.example.com"))).toBe(
			"/p?utm_source=a&gclid=c&id=1",
		);
	});
});
