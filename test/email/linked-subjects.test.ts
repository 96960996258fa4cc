/**
 * An unsubscribe reaches the consent log: every subject a keyed PUT /v1/consent linked to the
 * address gets a record turning `email` off with source `email`, once; unlinked addresses write none.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashEmail } from "../../workers/email/email-address";
import { linkedAddressHashes, suppressionsForExport } from "../../workers/email/subject-suppressions";
import { countRecords } from "../helpers";
import { call, issueLink, json, keyed, oneClick, pathOf } from "./email-fixtures";

async function link(subject: string, email: string, purposes: Record<string, boolean> = { email: true }) {
	const res = await call("/v1/consent", { method: "PUT", ...json({ subject, email, purposes }, keyed()) });
	if (res.status !== 200) throw new Error(`PUT failed: ${res.status} ${await res.text()}`);
}

async function records(subject: string) {
	const res = await call(`/v1/subjects/${encodeURIComponent(subject)}/records`, keyed());
	return (
		await res.json<{
			records: { source: string; changes: Record<string, boolean>; purposes: Record<string, boolean> }[];
		}>()
	).records;
}

describe("unsubscribing a linked address", () => {
	it("appends an `email` opt-out record (source email) to each linked subject, once", async () => {
		await link("user:1", "Linked@Example.com");
		await link("user:2", "linked@example.com", { email: true, analytics: true });
		await link("user:3", "other@example.com");
		const url = pathOf((await issueLink("linked@example.com", "news")).url);
		expect((await oneClick(url)).status).toBe(200);

		for (const subject of ["user:1", "user:2"]) {
			const [latest] = await records(subject);
			expect(latest?.source).toBe("email");
			expect(latest?.changes).toEqual({ email: false });
			expect(latest?.purposes.email).toBe(false);
			const decision = await (await call(`/v1/consent?subject=${subject}`, keyed())).json<{
				purposes: Record<string, boolean>;
				reasons: Record<string, string>;
			}>();
			expect(decision.purposes.email).toBe(false);
			expect(decision.reasons.email).toBe("explicit");
		}
		expect((await records("user:2"))[0]?.purposes.analytics).toBe(true);
		expect((await records("user:3"))[0]?.source).toBe("api");

		const before = await countRecords("user:1");
		expect((await oneClick(url)).status).toBe(200);
		expect(await countRecords("user:1")).toBe(before);
	});

	it("writes no consent record when the address is not linked", async () => {
		const before = await env.DB.prepare("SELECT count(*) AS n FROM consent_records").first<{ n: number }>();
		expect((await oneClick(pathOf((await issueLink("unlinked@example.com", "news")).url))).status).toBe(200);
		const after = await env.DB.prepare("SELECT count(*) AS n FROM consent_records").first<{ n: number }>();
		expect(after?.n).toBe(before?.n);
	});

	it("exposes a subject's suppressions for the export, and erasure keeps them", async () => {
		await link("user:export", "export@example.com");
		await oneClick(pathOf((await issueLink("export@example.com", "news")).url));
		const hash = await hashEmail("export@example.com", env.EMAIL_HASH_KEY);
		const exported = await suppressionsForExport(env.DB, await linkedAddressHashes(env.DB, hash));
		expect(exported).toEqual([
			{ list: "news", since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), source: "one-click" },
		]);
		expect(await linkedAddressHashes(env.DB, null)).toEqual([]);
		expect(await suppressionsForExport(env.DB, [])).toEqual([]);

		expect((await call("/v1/subjects/user:export", keyed({ method: "DELETE" }))).status).toBe(204);
		const lookup = await call("/v1/suppressions?email=export@example.com&list=news", keyed());
		expect((await lookup.json<{ suppressed: boolean }>()).suppressed).toBe(true);
	});
});
