/**
 * PageRewriter registers a chain of selectors on an HTMLRewriter once and reuses it: each page is still
 * rewritten by its own handlers, pages at once each get a rewriter, and a rewriter whose page failed is
 * not reused.
 */
import { afterEach, expect, it, vi } from "vitest";
import { rewriteHtml } from "../../workers/guard/html-guard";
import { pageRewriter } from "../../workers/guard/page-rewriter";

afterEach(() => {
	vi.restoreAllMocks();
});

const HTML = { "Content-Type": "text/html; charset=utf-8" };
const page = (html: string) => new Response(html, { headers: HTML });

/** A page rewriter that marks each link with `label` and appends `label` at the end. */
function marking(label: string, selector = "a.page-rewriter-test") {
	return pageRewriter()
		.on(selector, {
			element(el) {
				el.setAttribute("data-page", label);
			},
		})
		.onDocument({
			end(end) {
				end.append(`<!--${label}-->`, { html: true });
			},
		});
}

const LINKS = '<p><a class="page-rewriter-test">x</a><a class="page-rewriter-test">y</a></p>';
const marked = (label: string) =>
	`<p><a class="page-rewriter-test" data-page="${label}">x</a><a class="page-rewriter-test" data-page="${label}">y</a></p><!--${label}-->`;

it("registers a chain's selectors once; each later page is rewritten by its own handlers", async () => {
	const registered = vi.spyOn(HTMLRewriter.prototype, "on");
	expect(await marking("one").transform(page(LINKS)).text()).toBe(marked("one"));
	const once = registered.mock.calls.length;
	expect(await marking("two").transform(page(LINKS)).text()).toBe(marked("two"));
	expect(await marking("three").transform(page(LINKS)).text()).toBe(marked("three"));
	expect(registered.mock.calls.length).toBe(once);
});

it("gives pages rewritten at once a rewriter each", async () => {
	const links = LINKS.replaceAll("page-rewriter-test", "at-once");
	const expected = (label: string) => marked(label).replaceAll("page-rewriter-test", "at-once");
	// One page first, so the chain has a rewriter idle when the others come.
	expect(await marking("first", "a.at-once").transform(page(links)).text()).toBe(expected("first"));
	const pages = ["a", "b", "c"].map((label) => marking(label, "a.at-once").transform(page(links)));
	expect(await Promise.all(pages.map((res) => res.text()))).toEqual(["a", "b", "c"].map(expected));
});

it("keeps a chain apart from the same selectors with other handler methods", async () => {
	const texts: string[] = [];
	const withText = pageRewriter().on("em.methods", {
		text(chunk) {
			texts.push(chunk.text);
		},
	});
	const elementOnly = pageRewriter().on("em.methods", {
		element(el) {
			el.setAttribute("data-seen", "");
		},
	});
	expect(await withText.transform(page('<em class="methods">t</em>')).text()).toBe(
		'<em class="methods">t</em>',
	);
	expect(await elementOnly.transform(page('<em class="methods">u</em>')).text()).toBe(
		'<em class="methods" data-seen="">u</em>',
	);
	expect(texts.join("")).toBe("t");
});

it("does not reuse a rewriter whose page failed", async () => {
	const failing = pageRewriter()
		.on("a.fails", {
			element() {
				throw new Error("handler failed");
			},
		})
		.onDocument({ end() {} });
	await expect(failing.transform(page('<a class="fails">x</a>')).text()).rejects.toThrow();
	const registered = vi.spyOn(HTMLRewriter.prototype, "on");
	const seen: string[] = [];
	const next = pageRewriter()
		.on("a.fails", {
			element(el) {
				seen.push(el.tagName);
			},
		})
		.onDocument({ end() {} });
	expect(await next.transform(page('<a class="fails">x</a>')).text()).toBe('<a class="fails">x</a>');
	expect(seen).toEqual(["a"]);
	// The failed page's rewriter was left out: this page registered a new one.
	expect(registered).toHaveBeenCalled();
});

it("guards pages for visitors who denied different purposes, one after another and at once", async () => {
	const html =
		'<head></head><p><img src="https://www.facebook.com/tr?id=1&amp;ev=PageView" width="1" height="1"><img src="https://www.google-analytics.com/collect?v=1&amp;tid=UA-1"></p>';
	const guarded = (denied: string) =>
		new Response(
			rewriteHtml(new TextEncoder().encode(html).buffer as ArrayBuffer, "text/html; charset=utf-8", {
				denied: new Set([denied]),
				overrides: undefined,
				strip: {},
				runtime: `<script>${denied}</script>`,
			}),
		).text();
	const ads = "<script>ads</script>";
	const analytics = "<script>analytics</script>";
	const deniedAds = `<head>${ads}</head><p><area/><img src="https://www.google-analytics.com/collect?v=1&amp;tid=UA-1"></p>`;
	const deniedAnalytics = `<head>${analytics}</head><p><img src="https://www.facebook.com/tr?id=1&amp;ev=PageView" width="1" height="1"><area/></p>`;
	expect(await guarded("ads")).toBe(deniedAds);
	expect(await guarded("analytics")).toBe(deniedAnalytics);
	expect(await Promise.all([guarded("analytics"), guarded("ads"), guarded("analytics")])).toEqual([
		deniedAnalytics,
		deniedAds,
		deniedAnalytics,
	]);
});
