/**
 * A guarded page's `<meta http-equiv="refresh">` under a `<base href>`: the browser resolves the
 * refresh's URL against the document's base URL (the first `<base href>` parsed before the meta), so
 * whether it names the page itself once stripped is judged against that base, not the page's address.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeOrigin, RUNTIME_TAGS, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const NAVIGATE = { headers: { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" } };
const HTML = { "Content-Type": "text/html; charset=utf-8" };

const page = (head: string) => `<html><head>${head}</head><body>wait</body></html>`;
const refresh = (url: string) => `<meta http-equiv="refresh" content="0; url=${url}">`;

/** The origin sends `body` read whole (with its length) or streamed (without). */
function origin(body: string, whole: boolean) {
	const headers = whole ? { ...HTML, "Content-Length": String(new TextEncoder().encode(body).length) } : HTML;
	return fakeOrigin(() => new Response(body, { headers }));
}

const insisted = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("ce_insisted="));

describe("a meta refresh under a <base href>", () => {
	it("naming the page itself only through the base, is taken for a self-refresh (no reload for ever)", async () => {
		// An app at /shop/sale with `<base href="/">` (Angular's default): `shop/sale` is /shop/sale.
		for (const base of ['<base href="/">', '<base href="https://consent.example/">']) {
			const head = `${base}${refresh("shop/sale?utm_source=a")}`;
			origin(page(head), false);
			const streamed = await visit("/shop/sale", VISITORS.optedOut, NAVIGATE);
			// Stripped to `shop/sale`, the page would reload itself for ever: left out instead.
			expect(await streamed.text(), base).toBe(page(`${RUNTIME_TAGS.optedOut}${base}`));
			vi.restoreAllMocks();

			origin(page(head), true);
			const whole = await visit("/shop/sale", VISITORS.optedOut, NAVIGATE);
			expect(await whole.text(), base).toBe(page(`${RUNTIME_TAGS.optedOut}${head}`));
			expect(insisted(whole), base).toBeDefined();
			vi.restoreAllMocks();
		}
	});

	it("naming another page through the base, is stripped and kept, not taken for a self-refresh", async () => {
		// At /sale, `sale` is /sale; under the base it is /shop/sale or another host's /sale.
		for (const base of ['<base href="/shop/">', '<base href="https://cdn.example/">']) {
			for (const whole of [false, true]) {
				origin(page(`${base}${refresh("sale?utm_source=a")}`), whole);
				const res = await visit("/sale", VISITORS.optedOut, NAVIGATE);
				expect(await res.text(), `${base} whole=${whole}`).toBe(
					page(`${RUNTIME_TAGS.optedOut}${base}${refresh("sale")}`),
				);
				expect(insisted(res), `${base} whole=${whole}`).toBeUndefined();
				vi.restoreAllMocks();
			}
		}
	});

	it("counts only the first <base href>, and only one parsed before the meta", async () => {
		const cases = [
			// The second base is not the document's: /shop/ counts, so `sale` is /shop/sale.
			['<base href="/shop/"><base href="/">', "sale?utm_source=a", "stripped"],
			// A base without href is no base URL: the next one with href counts.
			['<base target="_top"><base href="/shop/">', "sale?utm_source=a", "stripped"],
			// After the meta: the refresh was resolved before the browser parsed it.
			["", "sale?utm_source=a", "self"],
		] as const;
		for (const [bases, url, expected] of cases) {
			const head = `${bases}${refresh(url)}${bases === "" ? '<base href="/shop/">' : ""}`;
			origin(page(head), false);
			const res = await visit("/sale", VISITORS.optedOut, NAVIGATE);
			const text = await res.text();
			if (expected === "stripped") expect(text, head).toContain(refresh("sale"));
			else expect(text, head).not.toContain("http-equiv");
			vi.restoreAllMocks();
		}
	});

	it("on a tracker's host, the base goes and the refresh is judged against the page", async () => {
		const base = '<base href="https://www.google-analytics.com/x/">';
		origin(page(`${base}${refresh("sale?utm_source=a")}`), false);
		const res = await visit("/sale", VISITORS.optedOut, NAVIGATE);
		// Without the base, `sale` is /sale, the page itself: left out.
		expect(await res.text()).toBe(page(RUNTIME_TAGS.optedOut));
	});

	it("with a base the browser cannot parse as one, is judged against the page", async () => {
		for (const base of ['<base href="http://[bad/">', '<base href="data:text/html,x">']) {
			origin(page(`${base}${refresh("sale?utm_source=a")}`), false);
			const res = await visit("/sale", VISITORS.optedOut, NAVIGATE);
			expect(await res.text(), base).toBe(page(`${RUNTIME_TAGS.optedOut}${base}`));
			vi.restoreAllMocks();
		}
	});
});
