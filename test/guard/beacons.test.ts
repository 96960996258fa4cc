/** beaconPurpose: first-party proxied collectors and loaders, and the ordinary paths they resemble. */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BEACON_SHAPES, beaconPurpose, candidateShapes, servedPath } from "../../workers/guard/beacons";
import { assertCandidatesCover } from "./candidates";

const at = (pathAndQuery: string) => new URL(pathAndQuery, "https://shop.example");

describe("beaconPurpose: recognised shapes", () => {
	const cases: readonly (readonly [string, "ads" | "analytics"])[] = [
		["/g/collect?v=2&tid=G-ABC123XYZ9&gtm=45je&cid=1.2&en=page_view", "analytics"],
		["/metrics/g/collect?v=2&tid=G-ABC123XYZ9", "analytics"],
		["/collect?v=1&_v=j101&tid=UA-12345-1&t=pageview&cid=1", "analytics"],
		["/r/collect?v=1&tid=UA-12345-1&t=event", "analytics"],
		["/j/collect?v=1&tid=UA-12345-1", "analytics"],
		["/batch?v=1&tid=UA-12345-1", "analytics"],
		["/mp/collect?measurement_id=G-ABC123XYZ9&api_secret=s", "analytics"],
		["/ccm/collect?tid=AW-123456789&en=page_view", "ads"],
		["/metrics/ccm/collect?tid=DC-1234567&en=conversion", "ads"],
		["/rmkt/collect/123456789/?random=1", "ads"],
		["/pagead/viewthroughconversion/123456789/?value=0", "ads"],
		["/pagead/1p-user-list/123456789/?random=1", "ads"],
		["/ccm/form-data/123456789", "ads"],
		["/gtag/js?id=G-ABC123XYZ9", "analytics"],
		["/sgtm/gtag/js?id=AW-123456789", "ads"],
		["/gtm.js?id=GTM-ABCD123", "ads"],
		["/ns.html?id=GTM-ABCD123", "ads"],
		["/metrics/?id=G-ABC123XYZ9", "analytics"],
		["/xk29fj3/?id=GTM-ABCD123&l=dataLayer", "ads"],
		["/tr?id=123456789012345&ev=PageView&dl=x", "ads"],
		["/tr/?id=123456789012345&ev=Purchase", "ads"],
		["/capig/tr?id=123456789012345&ev=AddToCart", "ads"],
		["/cdn-cgi/zaraz/s.js?z=abc", "ads"],
		["/cdn-cgi/zaraz/t", "ads"],
		["/cdn-cgi/rum", "analytics"],
		["/matomo.php?idsite=1&rec=1&action_name=x", "analytics"],
		["/stats/piwik.php?idsite=3&rec=1", "analytics"],
		["/js/matomo.js", "analytics"],
		["/2/httpapi", "analytics"],
		["/mp/track/?data=eyJ9&ip=1&_=1", "analytics"],
		["/i/v0/e/", "analytics"],
		["/api/v2/pixel", "ads"],
		["/api/v2/pixel/track", "ads"],
		// As the origin's server reads them: slashes merged, `;params` out, PHP's path info.
		["/g//collect?v=2&tid=G-ABC123XYZ9", "analytics"],
		["/stats//matomo.php;x?idsite=1&rec=1", "analytics"],
		["/matomo.php/extra?idsite=1&rec=1", "analytics"],
	];
	for (const [path, expected] of cases) {
		it(`${path} → ${expected}`, () => expect(beaconPurpose(at(path))).toBe(expected));
	}

	it("each holds a mark of a shape its path takes (the HTML rewrite looks for those in relative images)", () => {
		const unmarked = cases
			.map(([path]) => path)
			.filter((path) => {
				const shapes = BEACON_SHAPES.filter((shape) => shape.path.test(servedPath(at(path).pathname)));
				return !shapes.some((shape) => shape.marks.some((mark) => path.includes(mark)));
			});
		expect(unmarked).toEqual([]);
	});
});

describe("beaconPurpose: ordinary site paths", () => {
	const paths = [
		"/collect",
		"/collect?email=a@b.c&name=x",
		"/collect?v=1",
		"/collect?v=1&tid=12345",
		"/collect?v=2&tid=UA-12345-1",
		"/g/collect?v=1&tid=G-ABC123XYZ9",
		"/g/collect?v=2&tid=GA-1",
		"/products/collect?v=2",
		"/gtag/js",
		"/gtag/js?id=foo",
		"/gtm.js?id=G-ABC123XYZ9",
		"/products?id=G-1234567890",
		"/products?id=GTM-ABCD123&color=red",
		"/products/shoes.html?id=GTM-ABCD123",
		"/tr",
		"/tr?id=123&ev=PageView",
		"/tr?id=123456789012345",
		"/track?order=123",
		"/track/?data=x",
		"/api/event",
		"/v1/t",
		"/v1/consent",
		"/cdn-cgi/challenge-platform/h/b/orchestrate",
		"/matomo.php?idsite=1",
		"/matomo.php.html?idsite=1&rec=1",
		"/matomo.phpx?idsite=1&rec=1",
		"/blog/g/collect-stamps?v=2&tid=G-ABC123XYZ9",
		"/g/collect;/x?v=2&tid=G-ABC123XYZ9",
		"/e/",
		"/",
	];
	for (const path of paths) {
		it(`${path} → null`, () => expect(beaconPurpose(at(path))).toBeNull());
	}

	it("accepts a plain { pathname, search } object", () => {
		expect(beaconPurpose({ pathname: "/g/collect", search: "?v=2&tid=G-ABC123XYZ9" })).toBe("analytics");
		expect(beaconPurpose({ pathname: "/g/collect", search: "" })).toBeNull();
	});
});

describe("candidateShapes: the one joined pattern tried before the shapes", () => {
	// Path segments the shapes look for, beside ordinary ones, so that generated paths hit every shape.
	const SEGMENTS = [
		..."g mp collect r j batch ccm rmkt pagead viewthroughconversion conversion 1p-user-list".split(" "),
		..."1p-conversion form-data gtag js gtm.js ns.html tr cdn-cgi zaraz rum matomo.php piwik.php".split(" "),
		..."matomo.js piwik.js 2 httpapi track engage i v0 e api v2 pixel act 12345 AW-123456".split(" "),
		..."metrics shop en index.html a.b %2F".split(" "),
		"",
	];
	const path = fc.oneof(
		fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 6 }).map((parts) => `/${parts.join("/")}`),
		fc.string({ unit: "grapheme-ascii", maxLength: 40 }).map((text) => `/${text}`),
	);

	it("leaves out no shape whose path pattern takes the path, and keeps their order", () => {
		assertCandidatesCover(path, BEACON_SHAPES, candidateShapes, (shape, pathname) =>
			shape.path.test(pathname),
		);
	});

	it("narrows an ordinary path to the loader's shape, and keeps every shape for a collector's path", () => {
		// The Google tag gateway loader's shape: any path of its characters, an exact tag id in `?id=`.
		expect(candidateShapes("/landing/spring-sale").map((shape) => shape.path.source)).toEqual([
			"^\\/[A-Za-z0-9_/-]*$",
		]);
		expect(candidateShapes("/g/collect")).toBe(BEACON_SHAPES);
	});
});

describe("beaconPurpose: site overrides", () => {
	it("classifies configured endpoints by path prefix", () => {
		const overrides = { "/zaraz-init": "analytics", "/metrics": "ads" } as const;
		expect(beaconPurpose(at("/zaraz-init"), overrides)).toBe("analytics");
		expect(beaconPurpose(at("/zaraz-init/x.js"), overrides)).toBe("analytics");
		expect(beaconPurpose(at("/zaraz-initial"), overrides)).toBeNull();
		expect(beaconPurpose(at("/metrics/g/collect?v=2&tid=G-ABC123XYZ9"), overrides)).toBe("ads");
	});

	it("reclassifies by tag id and can switch a shape off", () => {
		expect(beaconPurpose(at("/gtm.js?id=GTM-ABCD123"), { "GTM-ABCD": "analytics" })).toBe("analytics");
		expect(beaconPurpose(at("/g/collect?v=2&tid=G-ABC123XYZ9"), { "G-ABC123XYZ9": null })).toBeNull();
		expect(beaconPurpose(at("/cdn-cgi/zaraz/t"), { "/cdn-cgi/zaraz": "analytics" })).toBe("analytics");
	});
});
