/** Shared steps for the email tests: issuing links, one-click posts, and suppression lookups. */
import { env } from "cloudflare:workers";
import { call, callWithEnv, json, keyed } from "../helpers";

export const SENDER_KEY = "test-sender-key";
export const READER_KEY = "test-reader-key";

/** The test env plus scoped sender and reader keys (not configured by default). */
export function envWithScopedKeys(extra: Record<string, unknown> = {}): Env {
	return { ...env, SENDER_API_KEY: SENDER_KEY, READER_API_KEY: READER_KEY, ...extra } as unknown as Env;
}

export interface IssuedLink {
	url: string;
	headers: { "List-Unsubscribe": string; "List-Unsubscribe-Post": string };
	expiresAt: string;
	list: string;
}

export async function issueLink(email: string, list: string): Promise<IssuedLink> {
	const res = await call("/v1/unsubscribe-links", { method: "POST", ...json({ email, list }, keyed()) });
	if (res.status !== 200) throw new Error(`issuing a link failed: ${res.status} ${await res.text()}`);
	return res.json<IssuedLink>();
}

/** The path and query of an issued link, for calling the worker. */
export function pathOf(url: string): string {
	const u = new URL(url);
	return u.pathname + u.search;
}

export function oneClick(
	path: string,
	kind: "urlencoded" | "multipart" = "urlencoded",
	extra = "",
): Promise<Response> {
	if (kind === "multipart") {
		const form = new FormData();
		form.set("List-Unsubscribe", "One-Click");
		return call(path, { method: "POST", body: form });
	}
	return call(path, {
		method: "POST",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: `List-Unsubscribe=One-Click${extra}`,
	});
}

/** The token with its MAC's first character changed (the last one may only carry padding bits). */
export function tamperMac(token: string): string {
	const dot = token.lastIndexOf(".");
	const first = token[dot + 1] === "A" ? "B" : "A";
	return `${token.slice(0, dot + 1)}${first}${token.slice(dot + 2)}`;
}

export async function suppression(
	email: string,
	list: string,
): Promise<{ suppressed: boolean; since?: string }> {
	const query = new URLSearchParams({ email, list });
	const res = await call(`/v1/suppressions?${query}`, keyed());
	if (res.status !== 200) throw new Error(`lookup failed: ${res.status} ${await res.text()}`);
	return res.json();
}

export async function suppressionRows(): Promise<number> {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM email_suppressions").first<{ n: number }>();
	return row?.n ?? 0;
}

export { call, callWithEnv, json, keyed };
