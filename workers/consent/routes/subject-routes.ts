/** Keyed subject endpoints: the audit records, a full export, and erasure. */
import { badQuery, HttpError, unauthorized } from "../../http/http-error";
import { keyedScope } from "../../http/idempotency-key";
import { idempotentWrite, requestFingerprint } from "../../http/idempotent-write";
import { authorizationHeader, requestUrl } from "../../http/request-inputs";
import { jsonResponse } from "../../http/responses";
import { ConsentRepository } from "../../storage/consent-repository";
import { identifyCaller, isValidSubject, requireScope, SUBJECT_RULE } from "../caller";
import { eraseStoredSubject } from "../subject-erasure";
import { exportFilename, guardedStorage, primaryRepository, subjectExport } from "../subject-export";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

async function keyedSubjectFromPath(
	request: Request & { params?: Record<string, string> },
	env: Env,
	scopes: ("admin" | "reader")[],
) {
	if (authorizationHeader(request) === null) throw unauthorized();
	const caller = await identifyCaller(request, env);
	requireScope(caller, scopes);
	let subject: string;
	try {
		subject = decodeURIComponent(request.params?.subject ?? "");
	} catch {
		subject = "";
	}
	if (!isValidSubject(subject)) {
		throw new HttpError(400, "invalid_subject", SUBJECT_RULE);
	}
	return subject;
}

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
	const values = url.searchParams.getAll(name);
	if (values.length === 0) return fallback;
	const raw = values[0] ?? "";
	if (values.length > 1 || !/^\d{1,10}$/.test(raw)) throw badQuery(`${name} must be one whole number.`);
	const n = Number(raw);
	if (n < min || n > max) throw badQuery(`${name} must be between ${min} and ${max}.`);
	return n;
}

/** Like every D1-backed answer: the session's bookmark, so the caller can read at least this new next time. */
function bookmarkHeaders(repo: ConsentRepository): Headers {
	const headers = new Headers();
	const bookmark = repo.bookmark();
	if (bookmark) headers.set("X-D1-Bookmark", bookmark);
	return headers;
}

export async function listRecords(request: Request, env: Env): Promise<Response> {
	const subject = await keyedSubjectFromPath(request, env, ["admin", "reader"]);
	const url = new URL(requestUrl(request));
	const limit = intParam(url, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
	const before = url.searchParams.has("cursor")
		? intParam(url, "cursor", 0, 1, Number.MAX_SAFE_INTEGER)
		: undefined;
	const repo = ConsentRepository.forSubject(env, subject, "read", request.headers.get("X-D1-Bookmark"));
	const rows = await guardedStorage(() => repo.listRecords(subject, limit + 1, before));
	const records = rows.slice(0, limit);
	const last = records.at(-1);
	const body = rows.length > limit && last ? { records, next: String(last.version) } : { records };
	return jsonResponse(body, { headers: bookmarkHeaders(repo) });
}

export async function exportSubject(request: Request, env: Env): Promise<Response> {
	const subject = await keyedSubjectFromPath(request, env, ["admin"]);
	// A person's copy of their data holds every write made before they asked, whoever made it: read at
	// the primary, never a replica that may lag (a caller's bookmark only covers its own writes).
	const repo = primaryRepository(env, subject);
	const document = await subjectExport(env, repo, subject);
	const headers = bookmarkHeaders(repo);
	headers.set("Content-Disposition", `attachment; filename="${exportFilename(subject)}"`);
	return jsonResponse(document, { headers });
}

export async function eraseSubject(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const subject = await keyedSubjectFromPath(request, env, ["admin"]);
	// The decoded subject, so `user:42` and `user%3A42` are one request. The answer kept is a
	// bodiless 204: nothing stored for a replay names the erased subject.
	const fingerprint = requestFingerprint("DELETE", `/v1/subjects/${subject}`, "");
	return idempotentWrite(request, env, { scope: keyedScope("admin"), fingerprint }, () =>
		erase(env, ctx, subject),
	);
}

async function erase(env: Env, ctx: ExecutionContext, subject: string): Promise<Response> {
	const repo = await eraseStoredSubject(env, ctx, subject);
	const headers = bookmarkHeaders(repo);
	headers.set("Cache-Control", "private, no-store");
	return new Response(null, { status: 204, headers });
}
