/** GET /consent.js: type, caching, ETag revalidation and the gzip size budget. */
import { describe, expect, it } from "vitest";
import { CONSENT_SDK_SOURCE } from "../../workers/sdk/consent-sdk-source";
import { buildSdkAsset } from "../../workers/sdk/sdk-asset";
import { fetchWorker } from "./fetch-worker";
import { GZIP_BUDGET_BYTES, gzipSize } from "./gzip-budget";

async function sha256Base64Url(text: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
	return btoa(String.fromCharCode(...digest))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
}

describe("GET /consent.js", () => {
	it("serves the SDK as cacheable JavaScript with a content ETag", async () => {
		const res = await fetchWorker("/consent.js");
		const body = await res.text();
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("application/javascript; charset=utf-8");
		expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
		expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
		expect(res.headers.get("Set-Cookie")).toBeNull();
		expect(res.headers.get("ETag")).toBe(`"${await sha256Base64Url(body)}"`);
		expect(body).toBe((await buildSdkAsset(CONSENT_SDK_SOURCE)).body);
		// The API's names as pages see them (the functions behind them are minified).
		expect(body).toMatch(
			/\.consentEdge=Object\.freeze\(\{allows:[\w$]+,ready:[\w$]+,onChange:[\w$]+,set:[\w$]+,optOut:[\w$]+,needsPrompt:[\w$]+,acceptAll:[\w$]+,rejectAll:[\w$]+\}\)/,
		);
		expect(body).not.toContain("__CONSENT_EDGE_CONFIG__");
	});

	it("fills in the configuration from the worker's tables", async () => {
		const body = await (await fetchWorker("/consent.js")).text();
		const match = /\}\)\(window,document,(\{.*\})\);\s*$/.exec(body);
		expect(match).not.toBeNull();
		const config = JSON.parse(match?.[1] ?? "null");
		expect(config.cookie).toBe("ce_consent");
		expect(config.gpcPurposes).toEqual(["ads", "sale"]);
		expect(config.consentMode.ad_storage).toEqual(["ads", "sale"]);
		expect(config.gpp.usnat["001"].gpp).toBe("DBABLA~CVQVAAAAAACA.YA");
		expect(Object.keys(config.bannerText)).toEqual(["en", "ja"]);
		expect(config.bannerText.ja.acceptAll).toBe("すべて同意する");
	});

	it("tells the page the Sec-GPC it was requested with: its own variant, ETag and Vary", async () => {
		const configOf = (body: string) =>
			JSON.parse(/\}\)\(window,document,(\{.*\})\);\s*$/.exec(body)?.[1] ?? "null");
		const plain = await fetchWorker("/consent.js", { headers: { "Sec-GPC": "0" } });
		const signal = await fetchWorker("/consent.js", { headers: { "Sec-GPC": "0, 1" } });
		expect(configOf(await plain.text()).gpc).toBe(false);
		expect(configOf(await signal.text()).gpc).toBe(true);
		for (const res of [plain, signal]) expect(res.headers.get("Vary")).toBe("Origin, Sec-GPC");
		const etag = signal.headers.get("ETag") ?? "";
		expect(etag).not.toBe(plain.headers.get("ETag"));
		// A copy revalidated without the signal is not the signal's, and the other way round.
		const revalidated = await fetchWorker("/consent.js", { headers: { "If-None-Match": etag } });
		expect(revalidated.status).toBe(200);
		expect(configOf(await revalidated.text()).gpc).toBe(false);
		const same = await fetchWorker("/consent.js", { headers: { "If-None-Match": etag, "Sec-GPC": "1" } });
		expect(same.status).toBe(304);
		await same.body?.cancel();
	});

	it("answers the same ETag every time and 304 to a matching If-None-Match", async () => {
		const first = await fetchWorker("/consent.js");
		const etag = first.headers.get("ETag") ?? "";
		await first.body?.cancel();
		const second = await fetchWorker("/consent.js");
		expect(second.headers.get("ETag")).toBe(etag);
		await second.body?.cancel();

		for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
			const res = await fetchWorker("/consent.js", { headers: { "If-None-Match": header } });
			expect(res.status, header).toBe(304);
			expect(await res.text()).toBe("");
			expect(res.headers.get("ETag")).toBe(etag);
			expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
		}
	});

	it("answers 200 with the body when If-None-Match names another version", async () => {
		const res = await fetchWorker("/consent.js", { headers: { "If-None-Match": '"stale", W/"older"' } });
		expect(res.status).toBe(200);
		expect((await res.text()).length).toBeGreaterThan(1000);
	});

	it("answers HEAD with the headers and no body", async () => {
		const res = await fetchWorker("/consent.js", { method: "HEAD" });
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("application/javascript; charset=utf-8");
		expect(res.headers.get("ETag")).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
		expect(await res.text()).toBe("");
	});

	it("lets any site load it (public CORS, cross-origin resource policy)", async () => {
		const res = await fetchWorker("/consent.js", { headers: { Origin: "https://news.example" } });
		await res.body?.cancel();
		expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
		expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
		expect(res.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
	});

	it("refuses writes with 405 and an Allow header", async () => {
		const res = await fetchWorker("/consent.js", { method: "POST", body: "x" });
		expect(res.status).toBe(405);
		expect(res.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");
	});

	it(`stays under ${GZIP_BUDGET_BYTES} bytes gzipped`, async () => {
		const body = await (await fetchWorker("/consent.js")).text();
		const size = await gzipSize(body);
		console.info(`consent.js: ${body.length} bytes, ${size} bytes gzipped`);
		expect(size).toBeLessThan(GZIP_BUDGET_BYTES);
	});
});
