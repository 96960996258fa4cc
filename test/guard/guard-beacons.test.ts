/**
 * First-party beacon endpoints of denied purposes are answered 204 with no body, and the origin never
 * hears of them; beacons of allowed purposes, and every beacon of an unguarded visitor, go through.
 */
import { createExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { fakeOrigin, guardEnv, ORIGIN, SITE, VISITORS, visit } from "./guard-fixtures";

afterEach(() => {
	vi.restoreAllMocks();
});

const ANALYTICS_BEACONS = [
	"/g/collect?v=2&tid=G-ABC123XYZ9&cid=1.2&en=page_view",
	"/metrics/g/collect?v=2&tid=G-ABC123XYZ9",
	"/matomo.php?idsite=1&rec=1",
	"/cdn-cgi/rum",
];
const AD_BEACONS = [
	"/tr?id=123456789012345&ev=PageView",
	"/ccm/collect?tid=AW-123456789&en=conversion",
	"/cdn-cgi/zaraz/t",
	"/api/v2/pixel",
];

describe("beacons of denied purposes", () => {
	for (const path of [...ANALYTICS_BEACONS, ...AD_BEACONS]) {
		for (const method of ["GET", "POST"]) {
			it(`${method} ${path} → 204 for a visitor who opted out of everything`, async () => {
				const { spy } = fakeOrigin();
				const res = await visit(path, VISITORS.optedOut, {
					method,
					body: method === "POST" ? "en=page_view&ep.x=1" : undefined,
					headers: { "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty" },
				});
				expect(res.status).toBe(204);
				expect(res.body).toBeNull();
				expect(res.headers.get("X-Consent-Guard")).toBe("blocked");
				expect(res.headers.get("Cache-Control")).toBe("private, no-store");
				expect(spy).not.toHaveBeenCalled();
			});
		}
	}

	it("a beacon spelled with percent-escapes, which the origin decodes, is answered 204 too", async () => {
		// Chromium sends `/%6datomo.php` as written (seen); PHP and nginx decode it to matomo.php.
		const answers = {
			204: [
				"/%6datomo.php?idsite=1&rec=1",
				"/matomo%2ephp?idsite=1&rec=1",
				"/matomo.php?idsite=%31&rec=%31",
				"/g/%63ollect?v=2&tid=G-ABC123XYZ9",
				"/tr?id=123456789012345&%65v=PageView",
				"/matomo.php?idsite=1&rec=%31&x=%E0%A4",
			],
			// Escapes that decode to no beacon go on to the origin.
			200: ["/%6datomo.php.html?idsite=1&rec=1", "/matomo.php?idsite=1&rec=%E0%A4%A1"],
		};
		for (const [status, paths] of Object.entries(answers)) {
			for (const path of paths) {
				const { spy } = fakeOrigin();
				const res = await visit(path, VISITORS.optedOut, { headers: { "Sec-Fetch-Mode": "no-cors" } });
				expect({ path, status: res.status, origin: spy.mock.calls.length }).toEqual({
					path,
					status: Number(status),
					origin: status === "204" ? 0 : 1,
				});
				vi.restoreAllMocks();
			}
		}
	});

	it("answers a repeated beacon the same way every time (headers made once it repeats)", async () => {
		const { spy } = fakeOrigin();
		const answers: [string, string][][] = [];
		for (let i = 0; i < 4; i++) {
			const res = await visit("/g/collect?v=2&tid=G-ABC123XYZ9&en=scroll", VISITORS.optedOut, {
				headers: { "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty" },
			});
			expect(res.status).toBe(204);
			answers.push([...res.headers]);
			res.headers.set("X-Consent-Guard", "changed");
		}
		expect(answers[0]).toEqual([
			["cache-control", "private, no-store"],
			["x-consent-guard", "blocked"],
		]);
		for (const answer of answers) expect(answer).toEqual(answers[0]);
		const withCookie = await visit("/g/collect?v=2&tid=G-ABC123XYZ9&en=scroll", VISITORS.optedOut, {
			headers: { "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty", Cookie: "_ga=1" },
		});
		expect(withCookie.headers.getSetCookie()).toHaveLength(2);
		expect(withCookie.headers.get("X-Consent-Guard")).toBe("blocked");
		expect(spy).not.toHaveBeenCalled();
	});

	it("is answered with no promise on its way, as is a stripping redirect (neither waits on I/O)", async () => {
		const { spy } = fakeOrigin();
		const call = (path: string, headers: Record<string, string>) =>
			worker.fetch(
				new Request(`${SITE}${path}`, { headers, cf: VISITORS.optedOut.cf } as RequestInit) as never,
				guardEnv(),
				createExecutionContext(),
			);
		const beacon = call("/g/collect?v=2&tid=G-ABC123XYZ9&en=scroll", { "Sec-Fetch-Mode": "no-cors" });
		expect(beacon).toBeInstanceOf(Response);
		expect((beacon as Response).status).toBe(204);
		const redirect = call("/landing?utm_source=mail&id=4", {
			"Sec-Fetch-Mode": "navigate",
			Accept: "text/html",
		});
		expect(redirect).toBeInstanceOf(Response);
		expect((redirect as Response).headers.get("Location")).toBe("/landing?id=4");
		expect(spy).not.toHaveBeenCalled();
	});

	it("a GPC-only visitor's ad beacons are blocked, its analytics beacons reach the origin", async () => {
		const { calls } = fakeOrigin(() => new Response(null, { status: 204 }));
		for (const path of AD_BEACONS) {
			expect((await visit(path, VISITORS.gpcOnly, { method: "POST", body: "x" })).status).toBe(204);
		}
		expect(calls).toEqual([]);
		for (const path of ANALYTICS_BEACONS) {
			await visit(path, VISITORS.gpcOnly, { method: "POST", body: "x" });
		}
		expect(calls.map((c) => c.url)).toEqual(ANALYTICS_BEACONS.map((p) => `${ORIGIN}${p}`));
	});

	it("a site's path override makes its own collector a beacon", async () => {
		const testEnv = guardEnv({ GUARD_TRACKER_OVERRIDES: '{"/stats": "analytics"}' });
		const { spy } = fakeOrigin();
		const res = await visit("/stats/hit?p=/home", VISITORS.optedOut, { method: "POST", body: "{}" }, testEnv);
		expect(res.status).toBe(204);
		expect(spy).not.toHaveBeenCalled();
	});
});

describe("requests that only look like beacons", () => {
	it("reach the origin for unguarded visitors, and ordinary paths for everyone", async () => {
		const { calls } = fakeOrigin();
		await visit("/g/collect?v=2&tid=G-ABC123XYZ9", VISITORS.allowed);
		await visit("/collect", VISITORS.optedOut);
		await visit("/tr/index.html", VISITORS.optedOut);
		expect(calls.map((c) => c.url)).toEqual([
			`${ORIGIN}/g/collect?v=2&tid=G-ABC123XYZ9`,
			`${ORIGIN}/collect`,
			`${ORIGIN}/tr/index.html`,
		]);
	});
});
