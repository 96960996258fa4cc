/** Shared test helpers: calling the worker, a small cookie jar, keyed calls, and fault-injecting envs. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { visitorSubject } from "../workers/consent/caller";
import { signDecisionCookie } from "../workers/consent/decision-cookie";
import worker from "../workers/index";

export const BASE = "https://consent.example";
export const ADMIN_KEY = "test-admin-key-0123456789abcdef0123";
export const SIGNING_KEY = "test-signing-key-0123456789abcdef";

export type Geo = { country?: string; regionCode?: string };
export type CallInit = RequestInit & { cf?: Geo };

export function call(path: string, init: CallInit = {}): Promise<Response> {
	// Like a browser's view of one response: redirects are not followed.
	return exports.default.fetch(
		new Request(new URL(path, BASE), { redirect: "manual", ...init } as RequestInit),
	);
}

/** Calls the worker with a given env (e.g. one whose bindings throw) and waits for its background work. */
export async function callWithEnv(testEnv: Env, path: string, init: CallInit = {}): Promise<Response> {
	const ctx = createExecutionContext();
	const res = await worker.fetch(
		new Request(new URL(path, BASE), init as RequestInit) as never,
		testEnv,
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return res;
}

export function keyed(init: CallInit = {}, key = ADMIN_KEY): CallInit {
	const headers = new Headers(init.headers);
	headers.set("Authorization", `Bearer ${key}`);
	return { ...init, headers };
}

export function json(body: unknown, init: CallInit = {}): CallInit {
	const headers = new Headers(init.headers);
	headers.set("Content-Type", "application/json");
	return { ...init, headers, body: JSON.stringify(body) };
}

/**
 * A `ce_consent` for the visitor `vid` as a US-CA answer signs it: `purposes` stored (by no GPC
 * signal) at version `version` (1) under policy `policyVersion` ("2026-11"), read and issued at
 * `issuedAt` (now); no decision of its own, so the worker re-signs it rather than re-sending it.
 */
export async function signedVisitorCookie(
	vid: string,
	purposes: Record<string, boolean>,
	fields: {
		readonly version?: number;
		readonly issuedAt?: number;
		readonly updatedAt?: number;
		readonly policyVersion?: string | null;
		readonly visitorIdSetAt?: number;
	} = {},
	key = SIGNING_KEY,
): Promise<string> {
	const issuedAt = fields.issuedAt ?? Date.now();
	return signDecisionCookie(
		{
			subject: await visitorSubject(vid),
			state: {
				version: fields.version ?? 1,
				purposes,
				sources: {},
				policyVersion: fields.policyVersion === undefined ? "2026-11" : fields.policyVersion,
				updatedAt: fields.updatedAt ?? issuedAt,
			},
			issuedAt,
			decision: {},
			jurisdiction: "US-CA",
			prompt: false,
			visitorIdSetAt: fields.visitorIdSetAt,
		},
		key,
	);
}

/** A browser-like visitor: keeps the cookies the worker sets and sends them back. */
export class Visitor {
	readonly cookies = new Map<string, string>();
	/** `waitForBackground`: each call also waits for the worker's background work (a GPC record). */
	constructor(
		readonly geo: Geo = { country: "US", regionCode: "CA" },
		readonly options: { readonly waitForBackground?: boolean } = {},
	) {}

	cookieHeader(): string {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
	}

	async fetch(path: string, init: CallInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		if (this.cookies.size > 0 && !headers.has("Cookie")) headers.set("Cookie", this.cookieHeader());
		const request = { cf: this.geo, ...init, headers };
		const res = this.options.waitForBackground
			? await callWithEnv(env, path, request)
			: await call(path, request);
		this.remember(res);
		return res;
	}

	remember(res: Response): void {
		for (const line of res.headers.getSetCookie()) {
			const [pair] = line.split(";");
			const eq = pair?.indexOf("=") ?? -1;
			if (!pair || eq < 0) continue;
			const name = pair.slice(0, eq);
			const value = pair.slice(eq + 1);
			if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}

	put(purposes: Record<string, boolean>, init: CallInit = {}): Promise<Response> {
		return this.fetch("/v1/consent", { method: "PUT", ...json({ purposes }, init) });
	}
}

export function setCookieNamed(res: Response, name: string): string | undefined {
	return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

const failing = (what: string) => () => {
	throw new Error(`injected ${what} failure`);
};

/** A D1 binding whose every call throws, as when D1 is unreachable. */
export function brokenD1(): D1Database {
	const session = { prepare: failing("D1"), batch: failing("D1"), getBookmark: () => null };
	return {
		prepare: failing("D1"),
		batch: failing("D1"),
		exec: failing("D1"),
		dump: failing("D1"),
		withSession: () => session,
	} as unknown as D1Database;
}

/** A D1 binding that reads normally but whose batches (writes) fail, as in a failure mid-write. */
export function d1FailingBatches(real: D1Database = env.DB): D1Database {
	return {
		prepare: (sql: string) => real.prepare(sql),
		batch: failing("D1 batch"),
		exec: failing("D1"),
		dump: failing("D1"),
		withSession: (constraint?: string) => {
			const s = real.withSession(constraint);
			return {
				prepare: (sql: string) => s.prepare(sql),
				batch: failing("D1 batch"),
				getBookmark: () => s.getBookmark(),
			};
		},
	} as unknown as D1Database;
}

/** A KV binding whose every call throws. */
export function brokenKV(): KVNamespace {
	return {
		get: failing("KV"),
		getWithMetadata: failing("KV"),
		put: failing("KV"),
		delete: failing("KV"),
		list: failing("KV"),
	} as unknown as KVNamespace;
}

export function envWith(overrides: Partial<Env>): Env {
	return { ...env, ...overrides } as Env;
}

export async function countRecords(subject: string): Promise<number> {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM consent_records WHERE subject = ?")
		.bind(subject)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

/**
 * Holds the first call that passes it until `release()`; `held` settles once that call has arrived.
 * Later calls pass straight through.
 */
export function firstCallGate() {
	let release: () => void = () => undefined;
	const released = new Promise<void>((resolve) => {
		release = resolve;
	});
	let reached: () => void = () => undefined;
	const held = new Promise<void>((resolve) => {
		reached = resolve;
	});
	let first = true;
	return {
		held,
		release,
		async pass(): Promise<void> {
			if (!first) return;
			first = false;
			reached();
			await released;
		},
	};
}

/**
 * The test's D1, holding its first write batch until released: the moment between a write's read of
 * the state and its commit, made as long as the test needs (an injected delay, nothing else changes).
 */
export function holdingFirstBatch(real: D1Database) {
	const gate = firstCallGate();
	const db = {
		prepare: (sql: string) => real.prepare(sql),
		batch: (statements: D1PreparedStatement[]) => real.batch(statements),
		withSession: (constraint?: string) => {
			const session = real.withSession(constraint);
			return {
				prepare: (sql: string) => session.prepare(sql),
				getBookmark: () => session.getBookmark(),
				batch: async (statements: D1PreparedStatement[]) => {
					await gate.pass();
					return session.batch(statements);
				},
			};
		},
	} as unknown as D1Database;
	return { db, held: gate.held, release: gate.release };
}

/** The SHA-256 of a text as hex: generated copies carry their source's, to be checked against it. */
export async function sha256Hex(text: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
	return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
