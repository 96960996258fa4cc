/**
 * A `<script>` in MathML (not under `<mi>`, `<mtext>` and the like) is a MathML element: its content is
 * markup (comments, child elements) and Chromium never runs it (checked in
 * test/browser/guard-rewrite-diff.test.ts). The rewrite leaves its content as written: held back as an
 * HTML script is, its text went after its children. But lol-html names some scripts MathML's that
 * Chromium builds as SVG's (a `<math>` tag in SVG builds an SVG element) or HTML's (after a tag ending
 * the SVG there): what one would load, or its marker, is judged, as test/browser/guard-cdata.test.ts
 * checks in Chromium; its text is left to the runtime, whose tag goes before it inside an svg
 * (test/browser/guard-rewrite-diff.test.ts).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeOrigin, guardedBody, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

describe("a MathML script", () => {
	it("keeps its comments and child elements in place, between its texts", async () => {
		const markup = "<math><script>a();<!--c--><mi>x</mi>b();</script></math>";
		expect(await guardedBody(markup)).toBe(markup);
	});

	it("is not gated for a tracker's bootstrap it holds, which never runs", async () => {
		const markup = '<math><script><!--\nfbq("init", "1");//--></script></math>';
		expect(await guardedBody(markup)).toBe(markup);
	});

	it("is made inert where its href, xlink:href or src names a denied tracker, or its marker a denied purpose", async () => {
		const EVENTS = "https://connect.facebook.net/en_US/fbevents.js";
		for (const [markup, written] of <[string, string][]>[
			[
				`<svg><g><math><script href="${EVENTS}"></script></math></svg>`,
				`<svg><g><math><script type="text/plain" data-consent="ads" data-src="${EVENTS}"></script></math></svg>`,
			],
			[
				`<svg><math><script type="module" xlink:href="${EVENTS}"></script></math></svg>`,
				`<svg><math><script type="text/plain" data-type="module" data-consent="ads" data-src="${EVENTS}"></script></math></svg>`,
			],
			[
				`<svg><g><math><mi><br/></mi><script type="text/javascript" src="${EVENTS}"></script></math></svg>`,
				`<svg><g><math><mi><br/></mi><script type="text/plain" data-type="text/javascript" data-consent="ads" data-src="${EVENTS}"></script></math></svg>`,
			],
			[
				'<svg><g><math><script type="text/javascript" data-consent="ads">a()</script></math></svg>',
				'<svg><g><math><script type="text/plain" data-consent="ads" data-type="text/javascript">a()</script></math></svg>',
			],
		]) {
			expect(await guardedBody(markup), markup).toBe(written);
		}
		// A first-party one, or one whose type runs nothing, is left.
		for (const markup of [
			'<svg><g><math><script href="/app.js"></script></math></svg>',
			`<svg><g><math><script type="text/x-template" href="${EVENTS}"></script></math></svg>`,
		]) {
			expect(await guardedBody(markup), markup).toBe(markup);
		}
	});

	it("inside an svg, before any head tag, gets the runtime's tag before it, in an `<mtext>`", async () => {
		// Left for an HTML element, the tag came after it, and its `new Image()` pixel loaded (session 56).
		const script = '<script>new Image().src="https://www.facebook.com/tr?id=1";</script>';
		const page = `<svg><g><math>${script}</math></svg><p>x</p>`;
		fakeOrigin(() => new Response(page, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
		const body = await (await visit("/", VISITORS.optedOut)).text();
		expect(body.startsWith('<svg><g><math><mtext><script href="/v1/guard/runtime.js')).toBe(true);
		expect(body).toContain(`src="/v1/guard/runtime.js`);
		expect(body).toContain(`></script></mtext>${script}</math></svg><p>x</p>`);
	});

	it("under an integration point is an HTML script, gated as any other", async () => {
		const out = await guardedBody('<math><mi><script>fbq("init", "1");</script></mi></math>');
		expect(out).toContain(
			'<script type="text/plain" data-consent="ads">fbq("init", "1");</script></mi></math>',
		);
	});
});
