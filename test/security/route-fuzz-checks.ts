/**
 * The invariants every answer of the every-route fuzz keeps: no 5xx, no internal text, the contract's
 * error shapes and statuses, nothing written on a rejection or a read, visitor writes only from an
 * allowed origin, and no `Set-Cookie` that weakens a choice (a replaced `ce_vid`, a `ce_consent` that
 * is not what storage holds, a cookie a browser would refuse).
 */
import { expect } from "vitest";
import { visitorSubject } from "../../workers/consent/caller";
import { verifyDecisionCookie } from "../../workers/consent/decision-cookie";
import { BASE, SIGNING_KEY } from "../helpers";
import type { RequestPlan } from "./route-fuzz-requests";

export async function storageSnapshot(testEnv: Env): Promise<string> {
	const row = await testEnv.DB.prepare(
		`SELECT (SELECT count(*) FROM consent_records) AS records,
			(SELECT count(*) FROM consent_subjects) AS subjects,
			(SELECT total(version) FROM consent_subjects) AS versions,
			(SELECT count(email_hash) FROM consent_subjects) AS linked,
			(SELECT count(*) FROM idempotency_keys) AS keys,
			(SELECT count(*) FROM email_suppressions) AS suppressions,
			(SELECT count(*) FROM erasures) AS erasures`,
	).first();
	return JSON.stringify(row);
}

/** Text that only an error thrown through to the client would carry. */
export const INTERNAL_TEXT_PATTERN =
	/SQLITE|D1_|TypeError|ReferenceError|RangeError|SyntaxError|Unexpected token|\bat [\w.<>$]+ \(|\.ts:\d+|node_modules|drizzle|valibot|workerd|internal_error|Something went wrong/i;

const CODE_STATUS: Record<string, number> = {
	unauthorized: 401,
	forbidden: 403,
	forbidden_origin: 403,
	not_found: 404,
	method_not_allowed: 405,
	idempotency_conflict: 409,
	payload_too_large: 413,
	unsupported_media_type: 415,
	rate_limited: 429,
	storage_unavailable: 503,
};

const STATUSES = new Set([
	200, 201, 202, 204, 302, 303, 304, 307, 400, 401, 403, 404, 405, 409, 413, 415, 429,
]);

function firstCookie(header: string | null, name: string): string | undefined {
	for (const part of (header ?? "").split(";")) {
		const eq = part.indexOf("=");
		if (eq >= 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
	}
	return undefined;
}

/** The cookies an answer sets (an expiry, `Max-Age=0`, sets none: see expiredCookies). */
function setCookies(res: Response): Map<string, string> {
	const out = new Map<string, string>();
	for (const line of res.headers.getSetCookie()) {
		if (/;\s*Max-Age=0(;|$)/i.test(line)) continue;
		const pair = line.split(";")[0] ?? "";
		const eq = pair.indexOf("=");
		out.set(pair.slice(0, eq), pair.slice(eq + 1));
	}
	return out;
}

/** The names of the cookies an answer expires. */
function expiredCookies(res: Response): string[] {
	return res.headers
		.getSetCookie()
		.filter((line) => /;\s*Max-Age=0(;|$)/i.test(line))
		.map((line) => line.slice(0, line.indexOf("=")));
}

const VID = /^[A-Za-z0-9_-]{22,64}$/;

function pathnameOf(request: Request): string {
	return new URL(request.url).pathname;
}

function isPeoplePath(pathname: string): boolean {
	return ["/preferences", "/unsubscribe"].some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/** The paths that take a form (CONTRACT.md): a form post's errors there are pages, elsewhere JSON. */
function isChoicePath(pathname: string): boolean {
	return /^\/(v1\/opt-out|preferences)\/*$/.test(pathname);
}

function isFormPost(request: Request): boolean {
	const type = (request.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
	return (
		request.method === "POST" &&
		(type === "application/x-www-form-urlencoded" || type === "multipart/form-data")
	);
}

/**
 * A decision document never allows what storage denies for its subject, unless a fresh ce_consent the
 * request carried decided it (its allowances are trusted for 10 minutes: CONTRACT.md).
 */
function hasGpc(request: Request): boolean {
	return (request.headers.get("Sec-GPC") ?? "").split(",").some((m) => m.trim() === "1");
}

/** A visitor's decision request carrying its page's signal, `?gpc=1` (README, Global Privacy Control). */
function pageGpc(request: Request): boolean {
	const url = new URL(request.url);
	return (
		!request.headers.has("Authorization") &&
		/^\/v1\/(consent|opt-out)\/*$/.test(url.pathname) &&
		url.searchParams.getAll("gpc").includes("1")
	);
}

async function checkDecisionDocument(
	testEnv: Env,
	request: Request,
	doc: Record<string, unknown>,
	label: string,
): Promise<void> {
	if (typeof doc.subject !== "string" || typeof doc.purposes !== "object" || doc.purposes === null) return;
	const decided = doc.purposes as Record<string, boolean>;
	expect(decided.essential, `${label}: essential`).toBe(true);
	const gpc = hasGpc(request) || pageGpc(request);
	expect(doc.gpc, `${label}: gpc`).toBe(gpc);
	// Rule 2: GPC opts out of ads and sale, whatever is stored or carried in a cookie.
	if (gpc) expect([decided.ads, decided.sale], `${label}: GPC`).toEqual([false, false]);
	const presented = firstCookie(request.headers.get("Cookie"), "ce_consent");
	const cookie =
		presented && !request.headers.has("Authorization")
			? await verifyDecisionCookie(presented, [SIGNING_KEY])
			: null;
	if (cookie && cookie.subject === doc.subject) return;
	const stored = await storedState(testEnv, doc.subject);
	for (const [name, allowed] of Object.entries(stored?.purposes ?? {})) {
		if (allowed === false)
			expect(
				(doc.purposes as Record<string, boolean>)[name],
				`${label}: ${name} allowed against storage`,
			).toBe(false);
	}
}

/** A `/v1/check` answer: essential is always allowed, and GPC always denies ads and sale (rule 2). */
function checkPurposeAnswer(request: Request, answer: Record<string, unknown>, label: string): void {
	if (typeof answer.purpose !== "string" || !("allowed" in answer)) return;
	// A page's ?gpc=1 is never read here (/v1/check never writes): only the header.
	const gpc = hasGpc(request);
	if (answer.purpose === "essential") expect(answer.allowed, `${label}: essential`).toBe(true);
	if (gpc && ["ads", "sale"].includes(answer.purpose)) {
		expect([answer.allowed, answer.reason], `${label}: GPC`).toEqual([false, "gpc"]);
	}
}

/** Whether the plan's body is a JSON object with a `subject` member. */
function namesSubject(plan: RequestPlan): boolean {
	if (plan.body.kind !== "bytes") return false;
	try {
		const value: unknown = JSON.parse(new TextDecoder().decode(plan.body.bytes));
		return (
			typeof value === "object" && value !== null && !Array.isArray(value) && Object.hasOwn(value, "subject")
		);
	} catch {
		return false;
	}
}

async function storedState(testEnv: Env, subject: string) {
	const row = await testEnv.DB.prepare("SELECT version, purposes FROM consent_subjects WHERE subject = ?")
		.bind(subject)
		.first<{ version: number; purposes: string }>();
	return row ? { version: row.version, purposes: JSON.parse(row.purposes) as Record<string, boolean> } : null;
}

/**
 * The invariants every answer of the worker's own paths keeps. `before` and `after` are storage
 * snapshots around the request.
 */
export async function checkAnswer(
	testEnv: Env,
	request: Request,
	res: Response,
	before: string,
	after: string,
	plan?: RequestPlan,
): Promise<void> {
	const label = `${request.method} ${request.url.slice(0, 200)} [${[...request.headers]
		.map(([k, v]) => `${k}: ${v.slice(0, 80)}`)
		.join(" | ")}] -> ${res.status}`;
	const bodyText = await res.text();
	const type = res.headers.get("Content-Type") ?? "";

	expect(STATUSES.has(res.status), `${label}: status`).toBe(true);
	expect(
		INTERNAL_TEXT_PATTERN.test(res.status >= 400 ? bodyText : ""),
		`${label}: internal text ${bodyText.slice(0, 300)}`,
	).toBe(false);

	const pathname = pathnameOf(request);
	const cookies = setCookies(res);
	if (res.status >= 400) {
		expect(after, `${label}: a rejected request wrote`).toBe(before);
		expect([...cookies.keys()], `${label}: cookies on a rejection`).toEqual([]);
		if (type.startsWith("application/json")) {
			const parsed = JSON.parse(bodyText) as { error: { code: string; message: string } };
			expect(parsed, `${label}: error shape`).toEqual({
				error: { code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) },
			});
			const status = CODE_STATUS[parsed.error.code];
			if (status !== undefined) expect(res.status, `${label}: ${parsed.error.code}`).toBe(status);
			if (res.status === 405) expect(res.headers.get("Allow"), `${label}: Allow`).toMatch(/OPTIONS$/);
			if (res.status === 401) expect(parsed.error.code, label).toBe("unauthorized");
			// People see pages: a JSON error only where no person is looking.
			expect(isPeoplePath(pathname) && request.method !== "POST", `${label}: JSON for a page`).toBe(false);
		} else if (type.startsWith("text/html")) {
			expect(bodyText, `${label}: error page`).toMatch(/^<!doctype html>\s*<html lang="(en|ja)"/);
			expect(
				isPeoplePath(pathname) || (isFormPost(request) && isChoicePath(pathname)),
				`${label}: HTML for an API`,
			).toBe(true);
		} else {
			// One-click unsubscribe answers mail providers' servers in plain text (RFC 8058).
			expect(type, `${label}: error type`).toMatch(/^text\/plain/);
			expect(request.method === "POST" && /^\/unsubscribe\/*$/.test(pathname), label).toBe(true);
		}
	}

	if (res.status >= 300 && res.status < 400 && res.status !== 304) {
		expect(res.headers.get("Location"), `${label}: a redirect without Location`).toBeTruthy();
	}
	const choicePath = isChoicePath(pathname);
	if (isFormPost(request) && choicePath && res.status < 400) {
		// CONTRACT.md: a form post is answered 303 to /preferences?saved=1, whatever else it sends.
		expect([res.status, res.headers.get("Location")], `${label}: form post answer`).toEqual([
			303,
			"/preferences?saved=1",
		]);
	}
	if (isFormPost(request) && res.status >= 400 && choicePath) {
		expect(type, `${label}: a form post's error is a page`).toMatch(/^text\/html/);
	}
	if (
		res.status >= 200 &&
		res.status < 300 &&
		type.startsWith("application/json") &&
		request.method !== "HEAD"
	) {
		const parsed = JSON.parse(bodyText) as Record<string, unknown>;
		if (request.method === "POST" && choicePath) expect(res.status, label).toBe(200);
		await checkDecisionDocument(testEnv, request, parsed, label);
		checkPurposeAnswer(request, parsed, label);
	}

	// Reads never write and never set cookies (/v1/check, GET /unsubscribe: CONTRACT.md; /v1/health), nor does a preflight.
	const readOnly =
		request.method === "OPTIONS" ||
		(["GET", "HEAD"].includes(request.method) &&
			/^\/(v1\/check|v1\/health|unsubscribe|consent\.js|\.well-known\/gpc\.json|v1\/subjects\/.*|v1\/suppressions|preferences\/(export|erase))\/*$/.test(
				pathname,
			));
	if (readOnly) {
		expect(after, `${label}: a read wrote`).toBe(before);
		expect([...cookies.keys()], `${label}: a read set cookies`).toEqual([]);
	}

	// A visitor's write lands only from an allowed origin (the CSRF defence of CONTRACT.md).
	const visitorWrite =
		!request.headers.has("Authorization") || isPeoplePath(pathname)
			? ["PUT", "POST", "DELETE", "PATCH"].includes(request.method)
			: false;
	if (visitorWrite && res.status < 400 && after !== before && !pathname.startsWith("/unsubscribe")) {
		const origin = request.headers.get("Origin");
		const site = request.headers.get("Sec-Fetch-Site");
		const allowed =
			origin === null
				? site === null || site === "same-origin" || site === "none"
				: origin === new URL(request.url).origin;
		expect(allowed, `${label}: a visitor write from another origin`).toBe(true);
	}

	// A JSON write naming a subject is a keyed call (CONTRACT.md, Identity): without a key it never
	// lands, on the cookie's visitor or a fresh one.
	if (
		plan &&
		!request.headers.has("Authorization") &&
		["PUT", "POST"].includes(request.method) &&
		/^\/v1\/(consent|opt-out)\/*$/.test(pathname) &&
		namesSubject(plan)
	) {
		expect(res.status >= 200 && res.status < 300, `${label}: a subject written without a key`).toBe(false);
	}

	if (request.headers.has("Authorization") && pathname.startsWith("/v1/")) {
		expect([...cookies.keys()], `${label}: a keyed call set cookies`).toEqual([]);
	}

	// Only the visitor's own erasure, once made, expires their identity and decision cookie.
	const expired = expiredCookies(res).filter((name) => name === "ce_vid" || name === "ce_consent");
	if (expired.some((name) => !cookies.has(name))) {
		expect(
			[request.method, pathname.replace(/\/+$/, ""), res.status],
			`${label}: ${expired.join(", ")} expired`,
		).toEqual(["POST", "/preferences/erase", 303]);
	}

	// Identity is never replaced: a presented well-formed ce_vid is the one the answer keeps.
	const presentedVid = firstCookie(request.headers.get("Cookie"), "ce_vid");
	const keptVid = presentedVid !== undefined && VID.test(presentedVid) ? presentedVid : undefined;
	const setVid = cookies.get("ce_vid");
	if (keptVid !== undefined && setVid !== undefined)
		expect(setVid, `${label}: ce_vid replaced`).toBe(keptVid);

	// A ce_consent says what is stored for this visitor, or what the request's own one said, no newer.
	const consent = cookies.get("ce_consent");
	if (consent !== undefined) {
		const vid = setVid ?? keptVid;
		expect(vid, `${label}: ce_consent without a visitor`).toBeDefined();
		const subject = await visitorSubject(vid ?? "");
		const cookie = await verifyDecisionCookie(consent, [SIGNING_KEY]);
		expect(cookie?.subject, `${label}: ce_consent subject`).toBe(subject);
		const presented = await verifyDecisionCookie(firstCookie(request.headers.get("Cookie"), "ce_consent"), [
			SIGNING_KEY,
		]);
		const fromPresented = presented?.subject === subject && presented.state.version === cookie?.state.version;
		if (fromPresented) {
			// Re-signed from the request's cookie: its allowances keep their 10 minutes, never renewed.
			expect(cookie?.issuedAt, `${label}: ce_consent renewed`).toBeLessThanOrEqual(presented.issuedAt);
		} else {
			const stored = await storedState(testEnv, subject);
			expect(
				{ version: cookie?.state.version, purposes: cookie?.state.purposes },
				`${label}: ce_consent against storage`,
			).toEqual(stored ?? { version: 0, purposes: {} });
		}
	}

	for (const line of res.headers.getSetCookie()) {
		// Browsers refuse a cookie over 4096 bytes: it would be no cookie at all.
		expect(new TextEncoder().encode(line).length, `${label}: Set-Cookie size`).toBeLessThanOrEqual(4096);
	}

	const back = cookies.get("ce_return");
	if (back !== undefined) {
		const url = new URL(decodeURIComponent(back));
		expect(url.origin, `${label}: ce_return`).toBe(BASE);
	}
}

/** A guarded site path's answer: never a 5xx of ours (the origin here answers below 500), nothing internal. */
export async function checkSiteAnswer(request: Request, res: Response, plan: RequestPlan): Promise<void> {
	const label = `${request.method} ${request.url.slice(0, 200)} [${[...request.headers]
		.map(([k, v]) => `${k}: ${v.slice(0, 80)}`)
		.join(" | ")}] -> ${res.status}`;
	const bodyText = await res.text();
	// A body the client broke off mid-upload cannot reach the origin in full: its 502 goes to nobody.
	if (plan.body.kind !== "broken") expect(res.status, `${label}: status`).toBeLessThan(500);
	expect(INTERNAL_TEXT_PATTERN.test(bodyText), `${label}: internal text ${bodyText.slice(0, 300)}`).toBe(
		false,
	);
	if (res.status >= 300 && res.status < 400 && res.status !== 304) {
		const location = res.headers.get("Location");
		expect(location, `${label}: a redirect without Location`).toBeTruthy();
	}
	for (const line of res.headers.getSetCookie()) {
		// The guard expires tracking cookies; it never sets or expires the visitor's own.
		expect(line, `${label}: Set-Cookie`).not.toMatch(/^ce_(vid|consent)=/);
	}
}
