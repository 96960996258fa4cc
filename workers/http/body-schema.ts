/**
 * The checks a JSON write body goes through (strings, booleans, objects, records, arrays, lengths,
 * patterns, named values), worded as valibot worded them when it checked the bodies: the few of its
 * functions the bodies used, without the generality that made them 1.9 KiB of the script gzipped.
 * A schema gives the parsed value or the first fault, members in the order the schema names them.
 */
import { badBody } from "./http-error";

type Key = string | number;

export interface BodyFault {
	/** The members leading to the fault, outermost first: `purposes.ads`, `emails.3`. */
	readonly path: readonly Key[];
	readonly message: string;
}

export type Parsed<T> =
	| { readonly ok: true; readonly value: T }
	| { readonly ok: false; readonly fault: BodyFault };
export type Schema<T> = (input: unknown) => Parsed<T>;
/** A check of a value already of the right type: what is wrong with it, or undefined. */
export type Rule<T> = (value: T) => string | undefined;
export type Output<S> = S extends Schema<infer T> ? T : never;
/** An object schema's value: members whose schema admits undefined may be absent. */
type Members<E extends Record<string, Schema<unknown>>> = {
	[K in keyof E as undefined extends Output<E[K]> ? never : K]: Output<E[K]>;
} & { [K in keyof E as undefined extends Output<E[K]> ? K : never]?: Output<E[K]> };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (message: string, path: readonly Key[] = []): Parsed<never> => ({
	ok: false,
	fault: { path, message },
});
const within = (key: Key, { path, message }: BodyFault) => fail(message, [key, ...path]);

/** A value as valibot names one it did not expect: a string quoted, a number as is, an object by its class. */
function received(input: unknown): string {
	const type = typeof input;
	if (type === "string") return `"${input}"`;
	if (type === "number" || type === "bigint" || type === "boolean") return `${input}`;
	if (type === "object" || type === "function")
		return ((input && Object.getPrototypeOf(input)?.constructor?.name) as string | undefined) ?? "null";
	return type;
}

const wrongType = (expected: string, input: unknown, message?: string) =>
	fail(message ?? `Invalid type: Expected ${expected} but received ${received(input)}`);

export const string =
	(message?: string): Schema<string> =>
	(input) =>
		typeof input === "string" ? ok(input) : wrongType("string", input, message);

export const boolean = (): Schema<boolean> => (input) =>
	typeof input === "boolean" ? ok(input) : wrongType("boolean", input);

export const picklist =
	<T extends string>(options: readonly T[], message: string): Schema<T> =>
	(input) =>
		options.includes(input as T) ? ok(input as T) : fail(message);

/** A schema, then rules its value must meet (each only once the value has the schema's type). */
export const pipe =
	<T>(schema: Schema<T>, ...rules: Rule<T>[]): Schema<T> =>
	(input) => {
		const parsed = schema(input);
		if (!parsed.ok) return parsed;
		for (const rule of rules) {
			const message = rule(parsed.value);
			if (message !== undefined) return fail(message);
		}
		return parsed;
	};

export const maxLength =
	(max: number, message?: string): Rule<{ readonly length: number }> =>
	(value) =>
		value.length > max
			? (message ?? `Invalid length: Expected <=${max} but received ${value.length}`)
			: undefined;

export const minLength =
	(min: number, message?: string): Rule<{ readonly length: number }> =>
	(value) =>
		value.length < min
			? (message ?? `Invalid length: Expected >=${min} but received ${value.length}`)
			: undefined;

export const check =
	<T>(test: (value: T) => boolean, message: string): Rule<T> =>
	(value) =>
		test(value) ? undefined : message;

/** A member that may be left out: absent, it reads as `fallback` (or stays absent without one). */
export function optional<T>(schema: Schema<T>): Schema<T | undefined>;
export function optional<T>(schema: Schema<T>, fallback: T): Schema<T>;
export function optional<T>(schema: Schema<T>, fallback?: T): Schema<T | undefined> {
	return (input) => (input === undefined ? ok(fallback) : schema(input));
}

/** An array of items, each checked in turn. */
export const array =
	<T>(item: Schema<T>, message?: string): Schema<T[]> =>
	(input) => {
		if (!Array.isArray(input)) return wrongType("Array", input, message);
		const value: T[] = [];
		for (const [index, element] of input.entries()) {
			const parsed = item(element);
			if (!parsed.ok) return within(index, parsed.fault);
			value.push(parsed.value);
		}
		return ok(value);
	};

/**
 * The named members of an object (an array counts, as it did for valibot), each checked in turn;
 * others are dropped. A member left out is `required.` unless its schema is optional.
 */
export const object =
	<E extends Record<string, Schema<unknown>>>(entries: E): Schema<Members<E>> =>
	(input) => {
		if (!input || typeof input !== "object") return wrongType("Object", input);
		const value: Record<string, unknown> = {};
		for (const [key, schema] of Object.entries(entries)) {
			const present = key in input;
			const parsed = schema(present ? (input as Record<string, unknown>)[key] : undefined);
			if (!parsed.ok) return present ? within(key, parsed.fault) : fail("required.", [key]);
			if (present || parsed.value !== undefined) value[key] = parsed.value;
		}
		return ok(value as Members<E>);
	};

/** Every own member of an object (an array counts) but names that reach its prototype. */
export const record =
	<T>(values: Schema<T>): Schema<Record<string, T>> =>
	(input) => {
		if (!input || typeof input !== "object") return wrongType("Object", input);
		const value: Record<string, T> = {};
		for (const [key, member] of Object.entries(input)) {
			if (key === "__proto__" || key === "prototype" || key === "constructor") continue;
			const parsed = values(member);
			if (!parsed.ok) return within(key, parsed.fault);
			value[key] = parsed.value;
		}
		return ok(value);
	};

/** The body's value under `schema`, or the contract's `invalid_body` naming its first fault. */
export function parseBody<T>(schema: Schema<T>, input: unknown): T {
	const parsed = schema(input);
	if (parsed.ok) return parsed.value;
	const { path, message } = parsed.fault;
	throw badBody(`${path.join(".") || "body"}: ${message}`);
}
