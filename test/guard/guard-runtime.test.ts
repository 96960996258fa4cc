/**
 * The guard's runtime script through the worker: a guarded page gets exactly one tag loading it, first
 * in its head (or before its first script without a head tag), with the nonce its CSP admits scripts
 * by; an allowed visitor's page is the origin's, byte for byte; /v1/guard/runtime.js serves the script
 * for the purposes named, cached for good under the version a page names, and a 400 for any other.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { guardRuntime, RUNTIME_PATH } from "../../workers/guard/guard-runtime";
import { RUNTIME_SOURCE } from "../../workers/guard/runtime-source";
import { call } from "../helpers";
import { fakeOrigin, RUNTIME_TAGS, runtimeTag, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title><script src="/app.js"></script></head><body><script>document.title = "x";</script></body></html>`;

function htmlOrigin(body: string, headers: Record<string, string> = {}) {
	fakeOrigin(
		() => new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8", ...headers } }),
	);
}

function runtimeTags(page: string): string[] {
	return page.match(/<script[^>]*runtime\.js[^>]*><\/script>/g) ?? [];
}

describe("the runtime's tag on a guarded page", () => {
	it("is the head's first child, once, naming the purposes the visitor denied", async () => {
		for (const [visitor, tag] of [
			[VISITORS.gpcOnly, RUNTIME_TAGS.gpcOnly],
			[VISITORS.optedOut, RUNTIME_TAGS.optedOut],
		] as const) {
			htmlOrigin(PAGE);
			const page = await (await visit("/", visitor)).text();
			expect(page).toBe(PAGE.replace("<head>", `<head>${tag}`));
			expect(runtimeTags(page)).toEqual([tag]);
			vi.restoreAllMocks();
		}
		expect(RUNTIME_TAGS.gpcOnly).toBe(
			`<script src="${RUNTIME_PATH}?deny=ads&amp;v=${guardRuntime(undefined).version}"></script>`,
		);
		expect(RUNTIME_TAGS.optedOut).toContain("?deny=ads,analytics&amp;v=");
	});

	it("comes before the first script or the body when the page has no head tag", async () => {
		htmlOrigin(`<p>a</p><script>var a = 1;</script><script>var b = 2;</script>`);
		expect(await (await visit("/", VISITORS.gpcOnly)).text()).toBe(
			`<p>a</p>${RUNTIME_TAGS.gpcOnly}<script>var a = 1;</script><script>var b = 2;</script>`,
		);
		vi.restoreAllMocks();
		htmlOrigin(`<title>t</title><body onload="go()"><script src="/a.js"></script>`);
		expect(await (await visit("/", VISITORS.gpcOnly)).text()).toBe(
			`<title>t</title>${RUNTIME_TAGS.gpcOnly}<body onload="go()"><script src="/a.js"></script>`,
		);
	});

	it("without a head tag, goes before a `<base href>`, which would name another host for its `src`", async () => {
		htmlOrigin(`<base href="https://cdn.example/b/"><script>var a = 1;</script>`);
		expect(await (await visit("/", VISITORS.gpcOnly)).text()).toBe(
			`${RUNTIME_TAGS.gpcOnly}<base href="https://cdn.example/b/"><script>var a = 1;</script>`,
		);
		vi.restoreAllMocks();
		// An SVG base sets no URL.
		htmlOrigin(`<svg><base href="https://cdn.example/b/"></base></svg><script>var a = 1;</script>`);
		expect(await (await visit("/", VISITORS.gpcOnly)).text()).toBe(
			`<svg><base href="https://cdn.example/b/"></base></svg>${RUNTIME_TAGS.gpcOnly}<script>var a = 1;</script>`,
		);
	});

	it("without a head tag, goes before the first script, inside an `<mtext>` where an svg or math is open", async () => {
		// Both `href` (an SVG script loads that, not its `src`) and `src`: it loads once wherever it lands.
		const svgRuntime = RUNTIME_TAGS.gpcOnly.replace(/ src=("[^"]*")/, " href=$1$&");
		const inMtext = `<mtext>${svgRuntime}</mtext>`;
		// An `<mtext>` is an integration point in MathML (its child is HTML's) and an element of its own in SVG
		// and HTML: a bare tag before a MathML script would be an inert MathML element, and lol-html's name
		// for a script there is not always the browser's (session 56).
		for (const [page, written] of <[string, string][]>[
			[
				`<math><script>a()</script></math><svg><script src="/s.js"></script></svg><script>var b = 2;</script>`,
				`<math>${inMtext}<script>a()</script></math><svg><script src="/s.js"></script></svg><script>var b = 2;</script>`,
			],
			// A page ending in its first SVG script gets it there too: at the end, it would be in the SVG.
			["<svg><script>a()", `<svg>${inMtext}<script>a()`],
			["<math><script>a()", `<math>${inMtext}<script>a()`],
			// A `<math>` in SVG is an SVG element, whose script runs; an `<svg>` in MathML a MathML element.
			[
				"<svg><g><math><script>a()</script></math></g></svg>",
				`<svg><g><math>${inMtext}<script>a()</script></math></g></svg>`,
			],
			[
				"<math><svg><script>a()</script></svg></math>",
				`<math><svg>${inMtext}<script>a()</script></svg></math>`,
			],
			[
				"<svg><math><mi><script>a()</script></mi></math></svg>",
				`<svg><math><mi>${inMtext}<script>a()</script></mi></math></svg>`,
			],
			// With no svg or math open, a bare tag.
			[
				"<math><mi>x</mi></math><script>a()</script>",
				`<math><mi>x</mi></math>${RUNTIME_TAGS.gpcOnly}<script>a()</script>`,
			],
		]) {
			htmlOrigin(page);
			expect(await (await visit("/", VISITORS.gpcOnly)).text(), page).toBe(written);
			vi.restoreAllMocks();
		}
	});

	it("does not push a page's <meta> charset declaration out of the browser's first 1024 bytes", async () => {
		// The declaration ends at byte 1000: the tag first in the head would move it past 1024, and a
		// browser would read the page in another charset.
		const meta = '<meta charset="shift_jis">';
		const before = `<!doctype html><html><head><title>t</title><!--`;
		const filler = "x".repeat(1000 - before.length - "-->".length - meta.length);
		const head = `${before}${filler}-->${meta}`;
		expect(head.length).toBe(1000);
		const page = `${head}<script src="/a.js"></script></head><body></body></html>`;
		htmlOrigin(page, { "Content-Type": "text/html" });
		const undeclared = await (await visit("/", VISITORS.gpcOnly)).text();
		expect(undeclared).toBe(page.replace(meta, `${meta}${RUNTIME_TAGS.gpcOnly}`));
		expect(undeclared.indexOf(meta) + meta.length).toBe(1000);
		vi.restoreAllMocks();
		// A Content-Type naming the charset settles it: the tag is the head's first child.
		htmlOrigin(page, { "Content-Type": "text/html; charset=shift_jis" });
		expect(await (await visit("/", VISITORS.gpcOnly)).text()).toBe(
			page.replace("<head>", `<head>${RUNTIME_TAGS.gpcOnly}`),
		);
	});

	it("carries the nonce the page's Content-Security-Policy admits scripts by", async () => {
		const policies: readonly (readonly [csp: string, nonce: string | null])[] = [
			["script-src 'nonce-r4nd0m+/=' 'strict-dynamic'; object-src 'none'", "r4nd0m+/="],
			["default-src 'self' 'NONCE-abc123'", "abc123"],
			["default-src 'nonce-fromdefault'; script-src 'self'", null],
			["script-src-elem 'nonce-elem'; script-src 'nonce-other'", "elem"],
			["img-src *, script-src 'nonce-second'", "second"],
			["script-src 'nonce-\"><x>'", null],
			["script-src 'self' https://cdn.example", null],
		];
		for (const [csp, nonce] of policies) {
			htmlOrigin(PAGE, { "Content-Security-Policy": csp });
			const page = await (await visit("/", VISITORS.gpcOnly)).text();
			expect(runtimeTags(page), csp).toEqual([runtimeTag(["ads"], nonce)]);
			vi.restoreAllMocks();
		}
		expect(runtimeTag(["ads"], "abc123")).toMatch(/<script src="[^"]+" nonce="abc123"><\/script>/);
	});

	it("carries each answer's own nonce when a page's bytes come round again (remembered rewrites)", async () => {
		const nonces = ["first", "second", "first", "second", "first", "second"];
		const got: string[] = [];
		for (const nonce of nonces) {
			htmlOrigin(PAGE, {
				"Content-Security-Policy": `script-src 'nonce-${nonce}'`,
				"Content-Length": String(PAGE.length),
			});
			got.push(...runtimeTags(await (await visit("/", VISITORS.gpcOnly)).text()));
			vi.restoreAllMocks();
		}
		expect(got).toEqual(nonces.map((nonce) => runtimeTag(["ads"], nonce)));
	});

	it("is not on an allowed visitor's page, which stays the origin's bytes", async () => {
		htmlOrigin(PAGE, { "Content-Security-Policy": "script-src 'nonce-abc'" });
		const res = await visit("/", VISITORS.allowed);
		expect(await res.text()).toBe(PAGE);
		expect(res.headers.has("X-Consent-Guard")).toBe(false);
	});
});

describe("GET /v1/guard/runtime.js", () => {
	const version = guardRuntime(undefined).version;

	it("serves the script for the purposes named, for good under the current version", async () => {
		for (const deny of ["ads", "analytics", "ads,analytics", "analytics,ads"]) {
			const res = await call(`${RUNTIME_PATH}?deny=${deny}&v=${version}`);
			expect(res.status, deny).toBe(200);
			expect(res.headers.get("Content-Type")).toBe("application/javascript; charset=utf-8");
			expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
			expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
			const script = await res.text();
			const named = deny.split(",").sort();
			expect(script).toContain(`})(window,document,{`);
			expect(script.endsWith(`},${JSON.stringify(named)});\n`), deny).toBe(true);
			// The host table the HTML rewrite classifies by, filled in.
			expect(script).toContain('"doubleclick.net":[[0,"ads"]]');
			expect(script).not.toContain("__CONSENT_EDGE_RUNTIME");
		}
	});

	it("serves today's script, cached briefly, to a page naming another version or none", async () => {
		for (const query of ["deny=ads&v=old", "deny=ads"]) {
			const res = await call(`${RUNTIME_PATH}?${query}`);
			expect(res.status).toBe(200);
			expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
			expect(await res.text()).toBe(guardRuntime(undefined).script(RUNTIME_SOURCE, ["ads"]));
		}
	});

	it("answers 400 invalid_query for purposes it does not block, none, or deny given twice", async () => {
		for (const query of [
			"deny=sale",
			"deny=ads,personalization",
			"deny=",
			"deny=ads,",
			"deny=ads,ads",
			"deny=ADS",
			"v=1",
			"deny=ads&deny=analytics",
		]) {
			const res = await call(`${RUNTIME_PATH}?${query}`);
			expect(res.status, query).toBe(400);
			const body = (await res.json()) as { error: { code: string; message: string } };
			expect(body.error.code, query).toBe("invalid_query");
			expect(body.error.message).toMatch(/deny/);
		}
	});
});
