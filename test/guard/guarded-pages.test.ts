/**
 * Whole pages remembered: the same bytes as a fresh rewrite on every view, never one visitor's,
 * setting's or content type's rewrite for another, and HTMLRewriter skipped once a page is known.
 * The memo lives per isolate, so each case uses a page of its own (a unique stamp).
 */
import { describe, expect, it, vi } from "vitest";
import { rewrittenPage as guardedPage } from "../../workers/guard/guarded-pages";
import { type HtmlGuardOptions, rewriteHtml } from "../../workers/guard/html-guard";
import { stubbed } from "./guard-fixtures";

/** A denied set that counts its lookups: the rewrite asks it, a remembered page does not. */
class CountingSet extends Set<string> {
	lookups = 0;
	override has(value: string): boolean {
		this.lookups++;
		return super.has(value);
	}
}

const HTML = "text/html; charset=utf-8";
/** The rewritten bytes alone (a remembered rewrite is a Blob). */
const rewrittenPage = async (...args: Parameters<typeof guardedPage>) =>
	new Response((await guardedPage(...args)).bytes).arrayBuffer();
const encode = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;
const decode = (bytes: ArrayBuffer) => new TextDecoder().decode(bytes);

function page(): string {
	const stamp = crypto.randomUUID();
	return [
		`<p>${stamp}</p>`,
		'<script src="https://connect.facebook.net/en_US/fbevents.js"></script>',
		'<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"></script>',
		'<a href="/p?id=7&amp;utm_source=news">p</a>',
		'<img data-consent="personalization" src="/recs.png">',
	].join("");
}

async function fresh(html: string, contentType: string, options: HtmlGuardOptions): Promise<string> {
	return new Response(rewriteHtml(encode(html), contentType, options)).text();
}

const options = (denied: Iterable<string>, baseHost = "site.example"): HtmlGuardOptions => ({
	denied: new CountingSet(denied),
	overrides: undefined,
	strip: { baseHost },
});

describe("rewrittenPage", () => {
	it("answers a page from its third sight on without rewriting it, with the same bytes", async () => {
		const html = page();
		const expected = await fresh(html, HTML, options(["ads"]));
		expect(expected).toContain('data-src="https://connect.facebook.net/en_US/fbevents.js"');
		expect(expected).toContain('<a href="/p?id=7">');
		const lookups: number[] = [];
		for (let view = 1; view <= 5; view++) {
			const opts = options(["ads"]);
			expect(decode(await rewrittenPage(encode(html), HTML, opts))).toBe(expected);
			lookups.push((opts.denied as CountingSet).lookups);
		}
		expect(lookups.slice(0, 2).every((n) => n > 0)).toBe(true);
		expect(lookups.slice(2)).toEqual([0, 0, 0]);
	});

	it("hands a remembered rewrite out as one Blob, made once", async () => {
		const html = page();
		const expected = await fresh(html, HTML, options(["ads"]));
		const answers: (ArrayBuffer | Blob)[] = [];
		for (let view = 1; view <= 4; view++)
			answers.push((await guardedPage(encode(html), HTML, options(["ads"]))).bytes);
		// The first two views are rewritten (the page is remembered at its second); the rest share one Blob.
		expect(answers[2]).toBeInstanceOf(Blob);
		expect(answers[3]).toBe(answers[2]);
		for (const [i, bytes] of answers.entries())
			expect(await new Response(bytes).text(), `view ${i + 1}`).toBe(expected);
	});

	it("compares a remembered page's bytes with an equal page once, then knows that buffer by identity", async () => {
		const html = page();
		const remembered = encode(html);
		for (let view = 0; view < 2; view++) await rewrittenPage(remembered, HTML, options(["ads"]));
		const compare = vi.spyOn(crypto.subtle, "timingSafeEqual");
		// Another buffer of the same bytes (a kept page from a concurrent view, revalidated again and again).
		const kept = encode(html);
		const expected = decode(await rewrittenPage(remembered, HTML, options(["ads"])));
		expect(compare).not.toHaveBeenCalled();
		for (let view = 0; view < 3; view++) {
			expect(decode(await rewrittenPage(kept, HTML, options(["ads"])))).toBe(expected);
		}
		expect(compare).toHaveBeenCalledTimes(1);
		compare.mockRestore();
	});

	it("keeps apart what the visitor denied, the site's settings and the content type", async () => {
		const html = page();
		const variants: [string, HtmlGuardOptions, string][] = [
			["ads", options(["ads"]), HTML],
			["all", options(["ads", "analytics", "personalization"]), HTML],
			["all, listed otherwise", options(["personalization", "analytics", "ads"]), HTML],
			["analytics", options(["analytics"]), HTML],
			["other host", options(["ads"], "other.example"), HTML],
			["latin-1", options(["ads"]), "text/html; charset=windows-1252"],
		];
		const expected = await Promise.all(variants.map(([, o, type]) => fresh(html, type, o)));
		expect(new Set(expected).size).toBeGreaterThanOrEqual(3);
		for (let round = 0; round < 3; round++) {
			for (const [i, [name, o, type]] of variants.entries()) {
				const got = decode(await rewrittenPage(encode(html), type, { ...o, denied: new Set(o.denied) }));
				expect(got, `${name}, round ${round}`).toBe(expected[i]);
			}
		}
	});

	it("a page that differs by one byte is rewritten afresh", async () => {
		const html = page();
		for (let view = 0; view < 3; view++) await rewrittenPage(encode(html), HTML, options(["ads"]));
		const changed = html.replace("</p>", "!</p>");
		const opts = options(["ads"]);
		expect(decode(await rewrittenPage(encode(changed), HTML, opts))).toBe(
			await fresh(changed, HTML, options(["ads"])),
		);
		expect((opts.denied as CountingSet).lookups).toBeGreaterThan(0);
	});

	it("a page of the same length that differs only where the key does not look is rewritten afresh", async () => {
		const html = `${page()}<!--${"x".repeat(100_000)}-->`;
		const step = Math.floor(new TextEncoder().encode(html).length / 256);
		const at = step * 10 + 1;
		expect(html[at]).toBe("x");
		const changed = `${html.slice(0, at)}y${html.slice(at + 1)}`;
		for (let view = 0; view < 3; view++) await rewrittenPage(encode(html), HTML, options(["ads"]));
		for (let view = 0; view < 3; view++) {
			const opts = options(["ads"]);
			const got = decode(await rewrittenPage(encode(changed), HTML, opts));
			expect(got).toBe(await fresh(changed, HTML, options(["ads"])));
			expect(got).toContain("xy");
			if (view === 0) expect((opts.denied as CountingSet).lookups).toBeGreaterThan(0);
		}
		expect(decode(await rewrittenPage(encode(html), HTML, options(["ads"])))).not.toContain("xy");
	});

	it("a page in a charset HTMLRewriter cannot parse is rewritten byte for byte, on every view", async () => {
		const bytes = Uint8Array.from([
			...new TextEncoder().encode(`<p>${crypto.randomUUID()} caf`),
			0xe9,
			...new TextEncoder().encode("</p><script>fbq('init', '1');</script>"),
		]);
		const copy = () => bytes.slice().buffer as ArrayBuffer;
		const type = "text/html; charset=no-such-charset";
		const expected = new Uint8Array(
			await new Response(
				rewriteHtml(copy(), "text/html; charset=windows-1252", options(["ads"])),
			).arrayBuffer(),
		);
		expect(new TextDecoder("windows-1252").decode(expected)).toContain(
			`caf\u00e9</p>${stubbed('<script type="text/plain" data-consent="ads">', ["fbq"])}`,
		);
		for (let view = 0; view < 3; view++) {
			expect(new Uint8Array(await rewrittenPage(copy(), type, options(["ads"])))).toEqual(expected);
		}
	});
});
