/**
 * Audit: an address whose domain part carries URL syntax (a path, a port, a query, a fragment, a
 * tab, a percent escape) or an IPv4 number is not an address. It must be a clear 400, never quietly
 * read as another address (`reader@example.com/x` as `reader@example.com`).
 */
import { describe, expect, it } from "vitest";
import { normalizeEmail } from "../../workers/email/email-address";
import { call, issueLink, json, keyed, oneClick, pathOf } from "./email-fixtures";

const NOT_ADDRESSES = [
	"reader@example.com/x",
	"reader@example.com:25",
	"reader@example.com?x",
	"reader@example.com#frag",
	"reader@exam\tple.com",
	"reader@ex%41mple.com",
	"reader@example.com\\x",
	"bob@0x7f.1",
	"bob@2130706433",
	"bob@127.0.0.1",
];

describe("address validation", () => {
	it("rejects domains that are URL syntax or IP numbers", () => {
		for (const input of NOT_ADDRESSES) expect(normalizeEmail(input), input).toBeNull();
	});

	it("still accepts ordinary, IDN and full-width domains", () => {
		expect(normalizeEmail(" Reader@Example.COM ")).toBe("reader@example.com");
		expect(normalizeEmail("user@bücher.de")).toBe("user@xn--bcher-kva.de");
		expect(normalizeEmail("user@ｅｘａｍｐｌｅ.com")).toBe("user@example.com");
		expect(normalizeEmail("a+tag@mail-1.example.co.jp")).toBe("a+tag@mail-1.example.co.jp");
	});

	it("accepts internationalised local parts (SMTPUTF8), one address however its characters are composed", async () => {
		expect(normalizeEmail("ユーザー@例え.jp")).toBe("ユーザー@xn--r8jz45g.jp");
		expect(normalizeEmail("Jos\u0065\u0301@example.com")).toBe("jos\u00e9@example.com");
		expect(normalizeEmail("jos\u00e9@example.com")).toBe("jos\u00e9@example.com");
		// Still no spaces, controls, quoted forms, and at most 64 octets (22 three-byte characters is 66).
		for (const input of [
			"ユー ザー@例え.jp",
			"a\u0085b@example.com",
			'"a b"@example.com',
			`${"あ".repeat(22)}@example.jp`,
		])
			expect(normalizeEmail(input), input).toBeNull();
		expect(normalizeEmail(`${"あ".repeat(21)}@example.jp`)).not.toBeNull();

		const link = await call("/v1/unsubscribe-links", {
			method: "POST",
			...json({ email: "ユーザー@例え.jp", list: "news" }, keyed()),
		});
		expect(link.status).toBe(200);
		await oneClick(pathOf(((await link.json()) as { url: string }).url));
		const lookup = await call(
			`/v1/suppressions?${new URLSearchParams({ email: "ユーザー@例え.JP", list: "news" })}`,
			keyed(),
		);
		expect(((await lookup.json()) as { suppressed: boolean }).suppressed).toBe(true);
	});

	it("answers such an address with 400 on the lookup and link endpoints, not another address's status", async () => {
		await oneClick(pathOf((await issueLink("reader@example.com", "news")).url));
		const lookup = await call(
			`/v1/suppressions?${new URLSearchParams({ email: "reader@example.com/x", list: "news" })}`,
			keyed(),
		);
		expect(lookup.status).toBe(400);
		const link = await call("/v1/unsubscribe-links", {
			method: "POST",
			...json({ email: "reader@example.com:25", list: "news" }, keyed()),
		});
		expect(link.status).toBe(400);
	});
});
