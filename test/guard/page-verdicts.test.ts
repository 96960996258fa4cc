/**
 * Memoised page verdicts: the same answers as the functions they remember, and never one site's (or
 * one setting's) answer for another. Memos live per isolate, so every case here shares them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeAttribute, stripAttributeUrl } from "../../workers/guard/html-attributes";
import { inlineScriptPurposes } from "../../workers/guard/inline-trackers";
import { pageVerdicts } from "../../workers/guard/page-verdicts";
import { classifyTrackerUrl } from "../../workers/guard/tracker-hosts";

describe("pageVerdicts", () => {
	it("answers as stripAttributeUrl, classifyTrackerUrl and inlineScriptPurposes do, on first and later views", () => {
		const strip = { baseHost: "www.youtube.com" };
		const overrides = { "cdn.example": "analytics", "connect.facebook.net": null } as const;
		const part = fc.constantFrom(
			"utm_source=x",
			"si=2",
			"gclid=1",
			"id=7",
			"&amp;",
			"&",
			"&#38;",
			"&quot;",
			"#f",
			"=",
			"?",
		);
		const raw = fc
			.tuple(
				fc.constantFrom("/watch?", "https://cdn.example/a.js?", "https://x.example/?", "mailto:a@b?"),
				fc.array(part),
			)
			.map(([head, parts]) => head + parts.join(""));
		fc.assert(
			fc.property(raw, (value) => {
				for (let view = 0; view < 2; view++) {
					const verdicts = pageVerdicts(overrides, strip);
					expect(verdicts.strippedLink(value)).toBe(stripAttributeUrl(value, strip));
					expect(verdicts.urlPurpose(value)).toBe(classifyTrackerUrl(decodeAttribute(value), overrides));
				}
			}),
		);
		const source = "fbq('init','1'); gtag('config','G-ABC123');";
		expect(pageVerdicts(overrides, strip).scriptPurposes(source)).toEqual(
			inlineScriptPurposes(source, overrides),
		);
		expect(pageVerdicts(undefined, strip).scriptPurposes(source)).toEqual(["ads", "analytics"]);
		expect(pageVerdicts(overrides, strip).scriptPurposes(source)).toEqual(["analytics"]);
	});

	it("keeps each stripping setting's answers apart, remembered or not", () => {
		const link = "/watch?v=1&amp;si=2&amp;utm_source=news&amp;colour=red";
		const cases: [Parameters<typeof pageVerdicts>[1], string][] = [
			[{}, "/watch?v=1&amp;si=2&amp;colour=red"],
			[{ baseHost: "www.youtube.com" }, "/watch?v=1&amp;colour=red"],
			[{ baseHost: "www.youtube.com", keepUtm: true }, "/watch?v=1&amp;utm_source=news&amp;colour=red"],
			[{ keep: ["si"], baseHost: "www.youtube.com" }, "/watch?v=1&amp;si=2&amp;colour=red"],
			[{ extra: ["colour"] }, "/watch?v=1&amp;si=2"],
		];
		// Each setting's view three times running (its verdict remembered from the second), twice round.
		for (let round = 0; round < 2; round++) {
			for (const [strip, stripped] of cases) {
				for (let view = 0; view < 3; view++) {
					expect(pageVerdicts(undefined, strip).strippedLink(link)).toBe(stripped);
				}
			}
		}
	});

	it("keeps each site's tracker classification apart, by its overrides object", () => {
		const url = "https://cdn.example/pixel.js";
		const ads = { "cdn.example": "ads" } as const;
		const analytics = { "cdn.example": "analytics" } as const;
		for (let view = 0; view < 3; view++) {
			expect(pageVerdicts(undefined, {}).urlPurpose(url)).toBeNull();
			expect(pageVerdicts(ads, {}).urlPurpose(url)).toBe("ads");
			expect(pageVerdicts(ads, {}).urlPurpose(url)).toBe("ads");
			expect(pageVerdicts(analytics, {}).urlPurpose(url)).toBe("analytics");
			expect(pageVerdicts(analytics, {}).urlPurpose(url)).toBe("analytics");
		}
		expect(pageVerdicts(undefined, {}).urlPurpose(url)).toBeNull();
	});

	it("works out texts too long to remember each time, with the same answers", () => {
		const strip = { baseHost: "shop.example" };
		const link = `/p?q=${"x".repeat(600)}&amp;utm_source=news&amp;id=7`;
		const pixel = `https://www.facebook.com/tr?id=1&amp;ev=${"y".repeat(600)}`;
		const script = `fbq('init', '1'); ${"var a = 1;".repeat(2000)}`;
		for (let view = 0; view < 2; view++) {
			const verdicts = pageVerdicts(undefined, strip);
			expect(verdicts.strippedLink(link)).toBe(`/p?q=${"x".repeat(600)}&amp;id=7`);
			expect(verdicts.urlPurpose(pixel)).toBe("ads");
			expect(verdicts.scriptPurposes(script)).toEqual(["ads"]);
		}
	});
});
