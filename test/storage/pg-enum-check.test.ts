/**
 * storage/pg-enum-check.ts stands in for drizzle's pg-core enum module in the Worker's script
 * (wrangler.toml's `[alias]`): it must answer drizzle's SQL builder as drizzle's own isPgEnum does.
 */
import { isPgEnum as drizzleIsPgEnum, pgEnum } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { consentSubjects } from "../../workers/storage/drizzle-kit-schema";
import { isPgEnum } from "../../workers/storage/pg-enum-check";

function flagged(flag: unknown): () => void {
	const fn = () => {};
	Object.defineProperty(fn, Symbol.for("drizzle:isPgEnum"), { value: flag });
	return fn;
}

describe("isPgEnum, drizzle's pg-core enum test without pg-core", () => {
	const values: [string, unknown][] = [
		["a pgEnum()", pgEnum("mood", ["sad", "happy"])],
		["a function flagged true", flagged(true)],
		["a function flagged 'true'", flagged("true")],
		["a plain function", () => {}],
		["an object flagged true", { [Symbol.for("drizzle:isPgEnum")]: true }],
		["a SQLite table", consentSubjects],
		["a SQLite column", consentSubjects.subject],
		["null", null],
		["undefined", undefined],
		["a string", "pgEnum"],
	];

	it.each(values)("answers %s as drizzle does", (_name, value) => {
		expect(isPgEnum(value)).toBe(drizzleIsPgEnum(value));
	});

	it("recognises a pgEnum() (the case drizzle's builder looks for)", () => {
		expect(isPgEnum(pgEnum("mood", ["sad", "happy"]))).toBe(true);
	});
});
