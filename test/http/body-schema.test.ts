/**
 * The wording of a write body's `invalid_body` message, as valibot gave it when it checked bodies
 * (body-schema.ts took its place without changing a message): what the value was, which member,
 * and the first fault in the schema's order.
 */
import { describe, expect, it } from "vitest";
import { parseOptOutBody, parsePutBody } from "../../workers/consent/consent-body";
import { HttpError } from "../../workers/http/http-error";

function fault(parse: () => unknown): string {
	try {
		parse();
	} catch (err) {
		if (err instanceof HttpError && err.code === "invalid_body") return err.message;
		throw err;
	}
	throw new Error("the body was accepted");
}

describe("a consent write body's first fault", () => {
	it.each([
		[{}, "purposes: required."],
		[{ purposes: "all" }, 'purposes: Invalid type: Expected Object but received "all"'],
		[{ purposes: null }, "purposes: Invalid type: Expected Object but received null"],
		[{ purposes: { ads: "no" } }, 'purposes.ads: Invalid type: Expected boolean but received "no"'],
		[{ purposes: { ads: 0 } }, "purposes.ads: Invalid type: Expected boolean but received 0"],
		[{ purposes: { ads: [] } }, "purposes.ads: Invalid type: Expected boolean but received Array"],
		[{ purposes: ["yes"] }, 'purposes.0: Invalid type: Expected boolean but received "yes"'],
		[
			{ purposes: { ads: false }, policyVersion: "" },
			"policyVersion: Invalid length: Expected >=1 but received 0",
		],
		[
			{ purposes: { ads: false }, policyVersion: "v".repeat(65) },
			"policyVersion: Invalid length: Expected <=64 but received 65",
		],
		[
			{ purposes: { ads: false }, policyVersion: "a\u0007" },
			"policyVersion: must hold no control characters or unpaired surrogates",
		],
		[
			{ purposes: { ads: false }, policyVersion: 7 },
			"policyVersion: Invalid type: Expected string but received 7",
		],
		[
			{ purposes: { ads: false }, email: "e".repeat(255) },
			"email: Invalid length: Expected <=254 but received 255",
		],
		[
			{ purposes: { ads: false }, subject: { id: 1 } },
			"subject: Invalid type: Expected string but received Object",
		],
		// Members in the schema's order, whatever the body's: purposes comes before subject.
		[{ subject: true, purposes: { ads: 1 } }, "purposes.ads: Invalid type: Expected boolean but received 1"],
	])("%j: %s", (body, message) => {
		expect(fault(() => parsePutBody(body))).toBe(message);
	});

	it("leaves names that reach an object's prototype to the purpose check", () => {
		const body = JSON.parse('{"purposes": {"__proto__": 1}}');
		expect(fault(() => parsePutBody(body))).toMatch(/^purposes\.__proto__: unknown purpose;/);
		expect(fault(() => parsePutBody({ purposes: { constructor: "x" } }))).toMatch(
			/^purposes\.constructor: unknown purpose;/,
		);
	});

	it("drops members the schema does not name and keeps absent ones absent", () => {
		expect(parseOptOutBody({ subject: "user:1", extra: 1 })).toEqual({ subject: "user:1" });
		expect("policyVersion" in parseOptOutBody({ subject: "user:1" })).toBe(false);
		expect(parsePutBody({ purposes: { ads: false }, other: 1 })).toEqual({ purposes: { ads: false } });
		expect(fault(() => parseOptOutBody({ subject: null }))).toBe(
			"subject: Invalid type: Expected string but received null",
		);
	});
});
