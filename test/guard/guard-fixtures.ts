/**
 * A fake site behind the guard: `globalThis.fetch` is stubbed, so every request the worker sends to
 * ORIGIN is recorded (URL, method, headers, body, redirect mode) and answered by the test, optionally
 * streaming the body in tiny chunks. Plus the visitors the guard tells apart.
 */
import { vi } from "vitest";
import { runtimeScriptTag } from "../../workers/guard/guard-runtime";
import { activationPrefix, stubSource } from "../../workers/guard/tracker-stubs";
import { type CallInit, callWithEnv, envWith } from "../helpers";
import { expectLinearCost, REWRITE_PASS } from "./linear-cost";

export const ORIGIN = "https://origin.test";
export const SITE = "https://consent.example";

export interface OriginCall {
	readonly url: string;
	readonly method: string;
	readonly headers: Headers;
	readonly body: string | null;
	readonly redirect: string | undefined;
}

export type OriginHandler = (request: Request) => Response | Promise<Response>;

/** Stubs fetch; restore with `vi.restoreAllMocks()`. */
export function fakeOrigin(handler: OriginHandler = () => new Response("ok")) {
	const calls: OriginCall[] = [];
	const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input as RequestInfo, init as RequestInit);
		const body = request.body === null ? null : await request.clone().text();
		calls.push({
			url: request.url,
			method: request.method,
			headers: request.headers,
			body,
			redirect: (init as RequestInit | undefined)?.redirect,
		});
		return handler(request);
	});
	return { calls, spy };
}

/** A body stream that delivers `bytes` in chunks cycling through the given sizes (default 1-7). */
export function chunkedStream(
	content: string | Uint8Array,
	sizes: readonly number[] = [1, 2, 3, 4, 5, 6, 7],
): ReadableStream<Uint8Array> {
	const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
	let offset = 0;
	let turn = 0;
	return new ReadableStream({
		pull(controller) {
			if (offset >= bytes.length) {
				controller.close();
				return;
			}
			const size = sizes[turn++ % sizes.length] ?? 1;
			controller.enqueue(bytes.slice(offset, offset + size));
			offset += size;
		},
	});
}

export function guardEnv(vars: Record<string, string> = {}): Env {
	return envWith({ ORIGIN, ...vars } as Partial<Env>);
}

export const US_CA = { country: "US", regionCode: "CA" } as const;
export const DE = { country: "DE" } as const;

/** The visitors of the issue: defaults allow everything (US), GPC in the US (ads denied), DE (all denied). */
export const VISITORS = {
	allowed: { cf: US_CA },
	gpcOnly: { cf: US_CA, headers: { "Sec-GPC": "1" } },
	optedOut: { cf: DE },
} as const satisfies Record<string, CallInit>;

/** Calls the worker in guard mode as a visitor, merging extra headers and init. */
export function visit(
	path: string,
	visitor: CallInit,
	init: CallInit = {},
	testEnv: Env = guardEnv(),
): Promise<Response> {
	const headers = new Headers(visitor.headers);
	for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
	return callWithEnv(testEnv, path, { ...visitor, ...init, headers });
}

/** `markup` as the body of an origin's page, and what the guard sends the visitor between its body tags. */
export async function guardedBody(markup: string, visitor: CallInit = VISITORS.optedOut): Promise<string> {
	fakeOrigin(
		() =>
			new Response(`<!doctype html><html><head></head><body>${markup}</body></html>`, {
				headers: { "Content-Type": "text/html; charset=utf-8" },
			}),
	);
	const body = await (await visit("/", visitor)).text();
	return body.slice(body.indexOf("<body>") + 6, body.indexOf("</body>"));
}

/**
 * How a recognised bootstrap's start tag comes out gated: the script defining stand-ins for the vendor
 * functions and queues it names (tracker-stubs.ts), the gated script removing them once allowed (with
 * the gated tag's nonce and purposes), then the gated tag itself.
 */
export function stubbed(
	gatedTag: string,
	functions: readonly string[],
	queues: readonly string[] = [],
	stubTag = "<script>",
): string {
	const globals = { functions, queues };
	const prefix = activationPrefix(globals);
	const nonce = /\snonce="([^"]*)"/.exec(gatedTag)?.[1];
	const purposes = /\sdata-consent="([^"]*)"/.exec(gatedTag)?.[1] ?? "";
	const activation =
		prefix === ""
			? ""
			: `<script type="text/plain"${nonce === undefined ? "" : ` nonce="${nonce}"`} data-consent="${purposes}">${prefix}</script>`;
	return `${stubTag}${stubSource(globals)}</script>${activation}${gatedTag}`;
}

/** The runtime's tag a guarded page gets first (guard-runtime.ts), for the purposes the visitor denied. */
export function runtimeTag(denied: readonly string[], nonce: string | null = null): string {
	return runtimeScriptTag(new Set(denied), undefined, nonce) as string;
}

/** The tags for the visitors of VISITORS: GPC only denies ads, DE everything. */
export const RUNTIME_TAGS = {
	gpcOnly: runtimeTag(["ads"]),
	optedOut: runtimeTag(["ads", "analytics"]),
} as const;

/**
 * A hostile page body, grown by `input`, rewritten for an opted-out visitor in linear time (against
 * the rewrite's own pass over the same text); `check` judges each answer.
 */
export async function expectGuardedPageLinear(
	name: string,
	input: (size: number) => string,
	check: (body: string, markup: string) => void,
): Promise<void> {
	let markup = "";
	fakeOrigin(
		() =>
			new Response(`<!doctype html><html><body>${markup}</body></html>`, {
				headers: { "Content-Type": "text/html; charset=utf-8" },
			}),
	);
	await expectLinearCost(
		name,
		input,
		async (text) => {
			markup = text;
			check(await (await visit("/", VISITORS.optedOut)).text(), text);
		},
		REWRITE_PASS,
	);
}
