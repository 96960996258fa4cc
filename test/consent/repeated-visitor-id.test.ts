/**
 * A request sending `ce_vid` twice, a malformed copy first (one another app on a parent domain set,
 * or an older path's), presents a well-formed visitor id all the same: it is that known subject
 * (CONTRACT.md, Identity), not a new visitor whose fresh id the browser keeps behind the stale copy,
 * so that every later request was a new visitor again and the visitor's choices never held.
 */
import { describe, expect, it } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { BASE, call, json, setCookieNamed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const VID = "repeatedVisitor_0123456789";

async function choose(purposes: Record<string, boolean>): Promise<void> {
	const res = await call(
		"/v1/consent",
		json({ purposes }, { method: "PUT", cf: CA, headers: { Cookie: `ce_vid=${VID}`, Origin: BASE } }),
	);
	expect(res.status).toBe(200);
}

describe("a ce_vid sent twice, the first copy malformed", () => {
	for (const stale of ["short", "bad*chars*bad*chars*bad*", ""]) {
		it(`is the well-formed copy's subject (first copy ${JSON.stringify(stale)})`, async () => {
			await choose({ ads: false });
			const cookie = `ce_vid=${stale}; ce_vid=${VID}`;
			const res = await call("/v1/consent", { cf: CA, headers: { Cookie: cookie } });
			expect(res.status).toBe(200);
			const doc = await res.json<{ subject: string; purposes: Record<string, boolean> }>();
			expect(doc.subject).toBe(await visitorSubject(VID));
			expect(doc.purposes.ads).toBe(false);
			// Known, so not replaced: a fresh id would sit behind the stale copy in the next request too.
			expect(setCookieNamed(res, "ce_vid")).toBeUndefined();

			const check = await call("/v1/check?purpose=ads", { cf: CA, headers: { Cookie: cookie } });
			expect(await check.json()).toEqual({ purpose: "ads", allowed: false, reason: "explicit" });

			const page = await call("/preferences", { cf: CA, headers: { Cookie: cookie } });
			expect(page.status).toBe(200);
			expect(setCookieNamed(page, "ce_vid")).toBeUndefined();
			expect(await page.text()).not.toMatch(/name="ads"[^>]* checked/);
		});
	}

	it("writes under the well-formed copy's subject", async () => {
		await choose({ personalization: true });
		const res = await call(
			"/v1/consent",
			json(
				{ purposes: { personalization: false } },
				{ method: "PUT", cf: CA, headers: { Cookie: `ce_vid=x; ce_vid=${VID}`, Origin: BASE } },
			),
		);
		expect(res.status).toBe(200);
		expect((await res.json<{ subject: string }>()).subject).toBe(await visitorSubject(VID));
		const later = await call("/v1/consent", { cf: CA, headers: { Cookie: `ce_vid=${VID}` } });
		expect((await later.json<{ purposes: Record<string, boolean> }>()).purposes.personalization).toBe(false);
	});

	it("still replaces a malformed ce_vid sent alone, or twice", async () => {
		for (const cookie of ["ce_vid=short", "ce_vid=short; ce_vid=bad*"]) {
			const res = await call("/v1/consent", { cf: CA, headers: { Cookie: cookie } });
			expect(res.status).toBe(200);
			expect(setCookieNamed(res, "ce_vid")).toMatch(/^ce_vid=[A-Za-z0-9_-]{22,64};/);
		}
	});
});
