/**
 * An origin line that deletes a denied tracking cookie passes the guard; one that sets it does not.
 * Whether a line deletes is read as browsers read it (RFC 6265 §5.2-5.3): the last valid `Max-Age`
 * wins over any `Expires`, an invalid `Max-Age` is ignored, and the last valid `Expires` counts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeOrigin, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

async function relayed(line: string): Promise<string[]> {
	fakeOrigin(() => {
		const headers = new Headers({ "Content-Type": "text/plain" });
		headers.append("Set-Cookie", line);
		return new Response("ok", { headers });
	});
	return (await visit("/account", VISITORS.optedOut)).headers.getSetCookie();
}

describe("the origin's Set-Cookie lines for a denied tracking cookie", () => {
	it("are dropped when a later attribute makes them set the cookie after all", async () => {
		for (const line of [
			// The last Max-Age wins: two years.
			"_ga=GA1.2.9.9; Max-Age=0; Path=/; Max-Age=63072000",
			// Max-Age=0x is not a number: ignored, so this sets a session cookie.
			"_ga=GA1.2.9.9; Max-Age=0x; Path=/",
			// The last Expires wins: 2100.
			"_ga=GA1.2.9.9; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
			// Max-Age beats Expires whatever their order.
			"_fbp=fb.1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=7776000",
		]) {
			expect(await relayed(line), line).toEqual([]);
		}
	});

	it("still pass when they delete it", async () => {
		for (const line of [
			"_ga=; Path=/; Max-Age=0",
			"_ga=; Max-Age=63072000; Max-Age=-1",
			"_ga=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
			"_ga=; Max-Age=bogus; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
			"_fbp=; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=0",
		]) {
			expect(await relayed(line), line).toEqual([line]);
		}
	});
});
