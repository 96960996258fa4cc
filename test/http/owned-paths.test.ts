import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isOwnedPath } from "../../workers/http/owned-paths";

/** The contract's rule, written plainly: each prefix owns itself and every path below it. */
function ownedByRule(path: string): boolean {
	if (path === "/v1" || path.startsWith("/v1/")) return true;
	return ["/preferences", "/unsubscribe", "/consent.js", "/.well-known/gpc.json"].some(
		(prefix) => path === prefix || path.startsWith(`${prefix}/`),
	);
}

describe("the worker's own paths", () => {
	it("are each prefix and what lies below it", () => {
		for (const path of [
			"/v1",
			"/v1/",
			"/v1/consent",
			"/v1/subjects/abc/records",
			"/preferences",
			"/preferences/",
			"/unsubscribe",
			"/unsubscribe/x",
			"/consent.js",
			"/.well-known/gpc.json",
		])
			expect(isOwnedPath(path), path).toBe(true);
	});

	it("are not the site's paths, however much they resemble them", () => {
		for (const path of [
			"/",
			"",
			"/v2/consent",
			"/v1x",
			"/v10/consent",
			"/preferences.html",
			"/preferencesx",
			"/unsubscribed",
			"/consent.json",
			"/.well-known/security.txt",
			"/article.html",
			"/g/collect",
			"//v1/consent",
			"/V1/consent",
		])
			expect(isOwnedPath(path), path).toBe(false);
	});

	it("follow the rule for any path, the early rejection of most paths included", () => {
		const piece = fc.constantFrom(
			"v1",
			"v1x",
			"preferences",
			"unsubscribe",
			"consent.js",
			".well-known",
			"gpc.json",
			"g",
			"a",
			"",
		);
		const path = fc
			.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { maxLength: 4 })
			.map((parts) => `/${parts.join("/")}`);
		fc.assert(
			fc.property(path, (p) => {
				expect(isOwnedPath(p)).toBe(ownedByRule(p));
			}),
			{ numRuns: 2000 },
		);
	});
});
