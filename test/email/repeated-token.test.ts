/**
 * An unsubscribe link whose query names `t` twice: two different tokens are ambiguous (which address,
 * which list?), so the link is the bad link's 400 and nothing changes: a page for a person, plain text
 * for a mail provider's one-click POST. The same token twice is that one token.
 */
import { describe, expect, it } from "vitest";
import { call, issueLink, oneClick, pathOf, suppression, suppressionRows } from "./email-fixtures";

function tokenOf(url: string): string {
	return new URL(url).searchParams.get("t") ?? "";
}

async function twoLinks(tag: string) {
	const a = await issueLink(`first-${tag}@example.com`, "news");
	const b = await issueLink(`second-${tag}@example.com`, "news");
	const path = (...tokens: string[]) =>
		`/unsubscribe?${tokens.map((t) => `t=${encodeURIComponent(t)}`).join("&")}`;
	return {
		a: tokenOf(a.url),
		b: tokenOf(b.url),
		path,
		first: `first-${tag}@example.com`,
		second: `second-${tag}@example.com`,
	};
}

describe("/unsubscribe with t given twice", () => {
	it("GET with two different tokens is the bad link's 400 page, for either order", async () => {
		const { a, b, path } = await twoLinks("get");
		for (const p of [path(a, b), path(b, a)]) {
			const res = await call(p);
			expect(res.status, p).toBe(400);
			expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
			const html = await res.text();
			expect(html).not.toContain('name="List-Unsubscribe"');
		}
	});

	it("one-click POST with two different tokens is a 400 in plain text, and suppresses neither address", async () => {
		const { a, b, path, first, second } = await twoLinks("post");
		const rows = await suppressionRows();
		const res = await oneClick(path(a, b));
		expect(res.status).toBe(400);
		expect(res.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
		expect(await res.text()).toContain("invalid_token");
		expect(await suppressionRows()).toBe(rows);
		expect(await suppression(first, "news")).toEqual({ suppressed: false });
		expect(await suppression(second, "news")).toEqual({ suppressed: false });
	});

	it("the confirmation's button pressed on such a link gets the 400 page, and changes nothing", async () => {
		const { a, b, path } = await twoLinks("button");
		const rows = await suppressionRows();
		const res = await call(path(a, b), {
			method: "POST",
			headers: {
				"Content-Type": "application/x-www-form-urlencoded",
				"Sec-Fetch-Mode": "navigate",
				"Sec-Fetch-Site": "same-origin",
			},
			body: "List-Unsubscribe=One-Click",
		});
		expect(res.status).toBe(400);
		expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
		expect(await suppressionRows()).toBe(rows);
	});

	it("the same token twice is that token: the page asks, the one-click unsubscribes", async () => {
		const link = await issueLink("twice@example.com", "news");
		const t = tokenOf(link.url);
		const p = `${pathOf(link.url)}&t=${encodeURIComponent(t)}`;
		const page = await call(p);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('name="List-Unsubscribe"');
		const res = await oneClick(p);
		expect(res.status).toBe(200);
		expect((await suppression("twice@example.com", "news")).suppressed).toBe(true);
	});
});
