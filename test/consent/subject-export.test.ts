/**
 * GET /v1/subjects/{subject}/export holds every stored datum about the subject, in a form a person
 * can be handed: the erasure tombstones kept under a keyed digest of the subject (the proof its
 * opt-out was honoured) are data about it too, and the answer is a JSON file to save.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callWithEnv, envWith, json, keyed } from "../helpers";

const CA = { country: "US", regionCode: "CA" };

interface Exported {
	subject: string;
	state: unknown;
	records: unknown[];
	erasures: { erasedAt: string; optedOut: string[]; recordCount: number }[];
}

const put = (subject: string, purposes: Record<string, boolean>) =>
	call("/v1/consent", keyed({ method: "PUT", cf: CA, ...json({ subject, purposes }) }));
const erase = (subject: string) => call(`/v1/subjects/${subject}`, keyed({ method: "DELETE" }));
const exportOf = (subject: string) => call(`/v1/subjects/${subject}/export`, keyed());

describe("export", () => {
	it("lists the subject's erasures (time, purposes it had opted out of, record count), no one else's", async () => {
		const subject = "user:export-erased";
		await put(subject, { ads: false, analytics: true });
		await put(subject, { sale: false });
		const before = Date.now();
		expect((await erase(subject)).status).toBe(204);
		await put("user:export-erased-other", { email: false });
		await erase("user:export-erased-other");

		const after = await (await exportOf(subject)).json<Exported>();
		expect(after.state).toBeNull();
		expect(after.records).toEqual([]);
		expect(after.erasures).toHaveLength(1);
		const [erasure] = after.erasures;
		expect(erasure?.optedOut.sort()).toEqual(["ads", "sale"]);
		expect(erasure?.recordCount).toBe(2);
		expect(erasure?.erasedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(Date.parse(erasure?.erasedAt ?? "")).toBeGreaterThanOrEqual(before - 1000);

		// Written again after the erasure: the new state and the earlier erasure, both.
		await put(subject, { personalization: true });
		const again = await (await exportOf(subject)).json<Exported>();
		expect(again.records).toHaveLength(1);
		expect(again.erasures).toHaveLength(1);
		expect((await (await exportOf("user:export-never")).json<Exported>()).erasures).toEqual([]);
	});

	it("is a JSON file to save, never cached", async () => {
		await put("user:export-file", { ads: false });
		const res = await exportOf("user:export-file");
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
		expect(res.headers.get("Cache-Control")).toBe("private, no-store");
		expect(res.headers.get("Content-Disposition")).toBe(
			'attachment; filename="consent-export-user_export-file.json"',
		);
	});

	it("reads at the primary, never a lagging replica: it holds every write made before it", async () => {
		const constraints: (string | undefined)[] = [];
		const recording = {
			prepare: (sql: string) => env.DB.prepare(sql),
			batch: (statements: D1PreparedStatement[]) => env.DB.batch(statements),
			withSession: (constraint?: string) => {
				constraints.push(constraint);
				return env.DB.withSession(constraint);
			},
		} as unknown as D1Database;
		const written = await put("user:export-primary", { ads: false });
		const bookmark = written.headers.get("X-D1-Bookmark") ?? "";
		for (const headers of [{}, { "X-D1-Bookmark": bookmark }] as Record<string, string>[]) {
			constraints.length = 0;
			const res = await callWithEnv(
				envWith({ DB: recording }),
				"/v1/subjects/user:export-primary/export",
				keyed({ headers }),
			);
			expect(res.status).toBe(200);
			expect(constraints).toEqual(["first-primary"]);
		}
	});
});
