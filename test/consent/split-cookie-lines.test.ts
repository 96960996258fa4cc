import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const VID = "SplitCookieLinesVisitor01";

/** A GET /v1/consent whose cookies come in the given header lines, one `Cookie` line each. */
function lookup(lines: readonly string[]): Promise<Response> {
	const headers = new Headers({ "X-Debug-Geo": "DE" });
	for (const line of lines) headers.append("Cookie", line);
	return exports.default.fetch(new Request("https://consent.example/v1/consent", { headers }));
}

// Two Cookie lines (an HTTP/1.1 client's, HTTP/2 crumbs passed on unjoined) reach the Worker joined
// by ", ": read as one cookie, the visitor's id after the first line was lost and a new one issued.
describe("cookies sent in more than one Cookie line", () => {
	it("are read as one header's pairs: the visitor keeps their id and subject", async () => {
		const alone = await lookup([`ce_vid=${VID}`]);
		const { subject } = await alone.json<{ subject: string }>();
		for (const lines of [
			["lang=ja", `ce_vid=${VID}`],
			[`ce_vid=${VID}`, "lang=ja"],
		]) {
			const res = await lookup(lines);
			expect(res.status).toBe(200);
			expect((await res.json<{ subject: string }>()).subject, lines.join(" | ")).toBe(subject);
			expect(
				res.headers.getSetCookie().some((c) => c.startsWith("ce_vid=")),
				lines.join(" | "),
			).toBe(false);
		}
	});
});
