/** Validation of consent write bodies, with the contract's `invalid_body` errors. */
import { PURPOSE_NAMES, purposeDefinition } from "../config/purposes";
import * as v from "../http/body-schema";
import { badBody } from "../http/http-error";

/**
 * A site's label for the policy a choice was made under, stored with the record and handed back in
 * records and exports as sent: no control characters, and no half of a surrogate pair (D1 would store
 * it as replacement characters).
 */
const PolicyVersion = v.optional(
	v.pipe(
		v.string(),
		v.minLength(1),
		v.maxLength(64),
		v.check(
			(text: string) => /^[^\p{Cc}\p{Cs}]*$/u.test(text),
			"must hold no control characters or unpaired surrogates",
		),
	),
);

const PutBody = v.object({
	purposes: v.record(v.boolean()),
	policyVersion: PolicyVersion,
	email: v.optional(v.pipe(v.string(), v.maxLength(254))),
	subject: v.optional(v.string()),
});

export type PutInput = v.Output<typeof PutBody>;

const OptOutBody = v.object({
	subject: v.optional(v.string()),
	policyVersion: PolicyVersion,
});

/** `object` also accepts arrays: a write's body must be a JSON object (or a form's fields). */
function assertObject(value: unknown): void {
	if (typeof value !== "object" || value === null || Array.isArray(value))
		throw badBody("The body must be a JSON object.");
}

export function parsePutBody(value: unknown): PutInput {
	assertObject(value);
	const output = v.parseBody(PutBody, value);
	const purposes: Record<string, boolean> = {};
	// Walk the raw object's own keys: the schema's output silently drops keys like `__proto__`.
	const raw = (value as { purposes: Record<string, unknown> }).purposes;
	if (Array.isArray(raw)) throw badBody("purposes: must be an object of purpose → true/false.");
	for (const name of Object.keys(raw)) {
		const def = purposeDefinition(name);
		const allowed = raw[name];
		if (!def) {
			throw badBody(`purposes.${name}: unknown purpose; known: ${PURPOSE_NAMES.join(", ")}.`);
		}
		if (typeof allowed !== "boolean") throw badBody(`purposes.${name}: must be true or false.`);
		if (def.essential) {
			if (!allowed) throw badBody(`purposes.${name}: essential cannot be turned off.`);
			continue;
		}
		purposes[name] = allowed;
	}
	return { ...output, purposes };
}

export function parseOptOutBody(value: unknown) {
	assertObject(value);
	return v.parseBody(OptOutBody, value);
}
