import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pathnameOf, requestTarget } from "../../workers/http/request-path";

/** What the hot paths cut from the URL string must equal what URL parses, for any URL workerd hands over. */
function viaUrl(href: string) {
	const url = new URL(href);
	return {
		origin: url.origin,
		protocol: url.protocol,
		host: url.host,
		hostname: url.hostname,
		pathname: url.pathname,
		search: url.search,
		pathAndQuery: url.pathname + url.search,
	};
}

describe("requestTarget and pathnameOf", () => {
	it("agree with URL on normalised http(s) URLs", () => {
		fc.assert(
			fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (raw) => {
				const href = new URL(raw).href;
				expect(requestTarget(href)).toEqual(viaUrl(href));
				expect(pathnameOf(href)).toBe(new URL(href).pathname);
			}),
			{ numRuns: 500 },
		);
	});

	it("agree with URL on ports, IPv6 literals, credentials, bare ? and fragments", () => {
		for (const raw of [
			"http://127.0.0.1:8787/v1/check?purpose=ads",
			"http://[::1]:8787/landing?utm_source=x",
			"http://[::1]/",
			"https://user:pw@shop.example:8443/a/b?c=1#frag",
			"https://shop.example/path?",
			"https://shop.example",
			"https://shop.example/?#",
			"https://xn--bcher-kva.example/%E2%9C%93?q=%20",
		]) {
			const href = new URL(raw).href;
			expect(requestTarget(href), href).toEqual(viaUrl(href));
		}
	});
});
