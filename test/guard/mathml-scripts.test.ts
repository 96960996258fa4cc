/**
 * A `<script>` in MathML (not under `<mi>`, `<mtext>` and the like) is a MathML element: its content is
 * markup (comments, child elements) and Chromium never runs it (checked in
 * test/browser/guard-rewrite-diff.test.ts). The rewrite leaves it as written: held back as an HTML
 * script is, its text went after its children.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { guardedBody } from "./guard-fixtures";

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

	it("under an integration point is an HTML script, gated as any other", async () => {
		const out = await guardedBody('<math><mi><script>fbq("init", "1");</script></mi></math>');
		expect(out).toContain(
			'<script type="text/plain" data-consent="ads">fbq("init", "1");</script></mi></math>',
		);
	});
});
