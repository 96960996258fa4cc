/**
 * storage/schema.ts builds each D1 table on its accessor's first call, so a new isolate's start-up
 * does not pay for tables that only requests reaching D1 use (bench/startup.mjs), and drizzle-kit
 * reads the same tables (drizzle-kit-schema.ts). Tables are seen built where drizzle's sqliteTable
 * hands each column to its builder's buildForeignKeys, watched before the Worker's modules are
 * loaded anew (the pool loads them before this file); the first test must run before anything in this
 * file builds a table.
 */
import { env } from "cloudflare:workers";
import { getTableName, type Table } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";

/** drizzle's own method, internal to its types. */
interface ForeignKeysOfColumns {
	buildForeignKeys(column: unknown, table: Table): unknown[];
}
vi.resetModules();
const { SQLiteColumnBuilder } = await import("drizzle-orm/sqlite-core");
const columnsBuilt = vi.spyOn(
	SQLiteColumnBuilder.prototype as unknown as ForeignKeysOfColumns,
	"buildForeignKeys",
);
const { callWithEnv, signedVisitorCookie } = await import("../helpers");
const schema = await import("../../workers/storage/schema");
const CA = { country: "US", regionCode: "CA" };

/** The names of the tables built so far, in order. */
const built = () => [...new Set(columnsBuilt.mock.calls.map(([, table]) => getTableName(table)))];

describe("the D1 schema's tables", () => {
	it("are not built as the Worker loads, nor by answers made without D1", async () => {
		// helpers.ts has loaded the Worker's entry, and with it every storage module.
		expect(built()).toEqual([]);
		const vid = "schemaLoadVisitor_0123456";
		const cookie = `ce_vid=${vid}; ce_consent=${await signedVisitorCookie(vid, { ads: false })}`;
		const lookup = await callWithEnv(env, "/v1/consent", { cf: CA, headers: { Cookie: cookie } });
		expect(lookup.status).toBe(200);
		const gpc = await callWithEnv(env, "/v1/check?purpose=ads", { cf: CA, headers: { "Sec-GPC": "1" } });
		expect(await gpc.json()).toMatchObject({ purpose: "ads", allowed: false });
		expect(built()).toEqual([]);
	});

	it("are not built by a D1 lookup or a write either: their statements are plain SQL", async () => {
		const visitor = (n: number) => ({ cf: CA, headers: { Cookie: `ce_vid=schemaColdVisitor_012345${n}` } });
		expect((await callWithEnv(env, "/v1/consent", visitor(1))).status).toBe(200);
		const optOut = await callWithEnv(env, "/v1/opt-out", {
			method: "POST",
			cf: CA,
			headers: { ...visitor(2).headers, "Content-Type": "application/json" },
			body: "{}",
		});
		expect(await optOut.json()).toMatchObject({ purposes: { ads: false } });
		// A stored visitor's change: the row read back from D1 and merged (ads stays opted out).
		const change = await callWithEnv(env, "/v1/consent", {
			method: "PUT",
			cf: CA,
			headers: { ...visitor(2).headers, "Content-Type": "application/json" },
			body: JSON.stringify({ purposes: { analytics: true } }),
		});
		expect(await change.json()).toMatchObject({ purposes: { ads: false, analytics: true }, version: 2 });
		expect(built()).toEqual([]);
		expect(schema.consentSubjectsTable()).toBe(schema.consentSubjectsTable());
		expect(built()).toEqual(["consent_subjects"]);
	});

	it("are the tables drizzle-kit reads, every one of them", async () => {
		// Imported here: the module builds every table as it loads.
		const forDrizzleKit: Record<string, unknown> = await import("../../workers/storage/drizzle-kit-schema");
		const accessors = Object.entries(schema).filter(([, value]) => typeof value === "function");
		expect(accessors.length).toBeGreaterThan(5);
		expect(Object.keys(forDrizzleKit).length).toBe(accessors.length);
		for (const [name, table] of accessors)
			expect(forDrizzleKit[name.replace(/Table$/, "")], name).toBe((table as () => unknown)());
		expect(built().length).toBe(accessors.length);
	});
});
