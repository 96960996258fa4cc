/**
 * The write path shared by PUT /v1/consent, POST /v1/opt-out and the preference centre: idempotency,
 * the atomic D1 append, then KV and the cookie. D1 failing answers 503 with Retry-After and leaves
 * nothing half-written (the batch is atomic).
 */
import { sha256Base64Url } from "../crypto/hmac";
import { requestCookie } from "../http/cookies";
import { HttpError, storageUnavailable } from "../http/http-error";
import {
	idempotencyConflict,
	idempotencyKeyOf,
	keyedScope,
	REPLAYED_HEADER,
	scopedKeyHash,
} from "../http/idempotency-key";
import { assertWriteOrigin } from "../http/origin-check";
import { requestMethod } from "../http/request-inputs";
import {
	type ChangeRequest,
	ConsentRepository,
	ERASED_ANSWER_STATUS,
	type RecordSource,
	type StoredAnswer,
} from "../storage/consent-repository";
import type { StoredChoices } from "../storage/schema";
import { writeCachedState } from "../storage/state-cache";
import { type Caller, identifyCaller, requireScope, sendsOtherVisitorIds } from "./caller";
import type { Decision, StoredLookup } from "./decide-consent";
import {
	decide,
	decideForSubject,
	EMPTY_STATE,
	otherVisitorDenials,
	persistGpcOptOut,
	type RequestDecision,
	withDenials,
} from "./decide-request";
import { DECISION_COOKIE } from "./decision-cookie";
import { decisionBody } from "./decision-document";
import { decisionHeaders, jsonDecisionAnswer } from "./decision-response";
import type { StateLookup } from "./lookup-state";
import { recordForOtherVisitorIds } from "./other-visitor-writes";
import { locateKeyedCall, type RequestContext, takePageGpc } from "./request-context";
import { savedMarkerCookie } from "./saved-marker";
import type { StoredState } from "./stored-state";
import { setVisitorCookies, visitorCookies } from "./visitor-cookies";

/**
 * Who writes (PUT /v1/consent, POST /v1/opt-out): a keyed caller needs the admin scope and is decided
 * where its `?jurisdiction=` says; a visitor writes only from an origin allowed to, with the page's
 * GPC when it reports one.
 */
export async function writingCaller(rc: RequestContext): Promise<Caller> {
	const caller = await identifyCaller(rc.request, rc.env);
	if (caller.kind === "keyed") {
		requireScope(caller, ["admin"]);
		locateKeyedCall(rc);
	} else {
		assertWriteOrigin(rc.request, rc.settings);
		takePageGpc(rc);
	}
	return caller;
}

export interface ChoiceWrite {
	readonly changes: StoredChoices;
	readonly source: RecordSource;
	readonly policyVersion?: string | null;
	readonly emailHash?: string | null;
	/** Form posts are answered 303 to this location instead of the decision document. */
	readonly redirectTo?: string;
	/** The raw body, for idempotency hashing. */
	readonly rawBody: string;
}

export async function writeChoices(
	rc: RequestContext,
	caller: Caller,
	subject: string,
	write: ChoiceWrite,
): Promise<Response> {
	const idempotency = await idempotencyFor(rc, caller, subject, write);
	const repo = ConsentRepository.forSubject(rc.env, subject, "write");
	// A visitor's browser sending other ce_vids: their denials hold in this answer, its cookie and the
	// answer an Idempotency-Key keeps for a replay.
	// What this write chooses is the visitor's answer, stored under those ids too (other-visitor-writes.ts).
	const denied = caller.kind === "visitor" ? await otherVisitorDenials(rc, subject) : null;
	for (const name of denied ? Object.keys(write.changes) : []) denied?.delete(name);
	const render = (state: StoredState | null) =>
		renderAnswer(
			rc,
			subject,
			state ?? EMPTY_STATE,
			write,
			denied ? deniedDecision(rc, state, denied) : undefined,
		);
	const change: ChangeRequest = {
		changes: write.changes,
		source: write.source,
		jurisdiction: rc.jurisdiction,
		gpc: rc.gpc,
		policyVersion: policyOfWrite(rc, write),
		emailHash: write.emailHash,
		now: rc.now,
		renewBefore: renewBefore(rc, write),
		lapseBefore: rc.now - rc.settings.policy.lifetimeMs,
		// A write still being made (a stalled D1) when a newer one for the subject is stored (a page
		// that gave up on it after 10 s and chose again) keeps that newer choice for what it names.
		yieldsToLaterChoices: true,
	};
	let result: Awaited<ReturnType<ConsentRepository["append"]>>;
	try {
		if (idempotency) {
			const earlier = await repo.readAnswer(idempotency.key, rc.now);
			if (earlier)
				return replay(
					rc,
					caller,
					subject,
					idempotency.requestHash,
					earlier,
					write.redirectTo,
					repo.bookmark(),
				);
		}
		result = await repo.append(subject, change, idempotency ? { ...idempotency, render } : undefined, {
			likelyNew: isLikelyNewVisitor(rc, caller),
		});
	} catch (err) {
		if (err instanceof HttpError) throw err;
		console.error("consent write failed", err);
		throw storageUnavailable();
	}
	if (result.kind === "replayed") {
		return replay(
			rc,
			caller,
			subject,
			idempotency?.requestHash ?? "",
			result.answer,
			write.redirectTo,
			repo.bookmark(),
		);
	}

	if (caller.kind === "visitor" && sendsOtherVisitorIds(rc.request))
		recordForOtherVisitorIds(rc, caller.vid, change);
	if (result.record) {
		const written = result.state;
		rc.ctx.waitUntil(
			writeCachedState(rc.env.CONSENT_KV, subject, written).catch((e) => console.warn("kv write failed", e)),
		);
	}
	// The request's GPC signal is recorded too, except for purposes this write chose explicitly.
	const state = rc.gpc
		? persistGpcOptOut(rc, subject, result.state, new Set(Object.keys(write.changes)))
		: result.state;
	const bookmark = repo.bookmark();
	const lookup: StateLookup = { lookup: storedLookup(state), source: "d1", bookmark };
	const decidedFrom = withDenials(lookup, denied);
	const decided: RequestDecision = {
		decision: decide(rc, decidedFrom.lookup),
		lookup: { lookup: { status: "found", state }, source: "d1", bookmark },
		state,
	};
	// Exactly what the idempotency row stored, so a replay answers the same bytes (without GPC the
	// state decided is the one written, and its decision serves the answer too).
	const answer =
		state === result.state || decidedFrom !== lookup
			? renderAnswer(rc, subject, state, write, decided.decision)
			: render(result.state);
	const cookies =
		caller.kind === "visitor"
			? await visitorCookies(rc, caller, decided, { renewVisitorId: true })
			: undefined;
	const clearCache =
		caller.kind === "visitor" && result.record && clearsCachedPages(rc, result.record.changes);
	if (write.redirectTo) {
		const headers = decisionHeaders(rc, bookmark);
		// A visitor's form post: the page it leads to may say "saved" (saved-marker.ts).
		if (cookies && caller.kind === "visitor")
			for (const cookie of [...cookies, await savedMarkerCookie(rc, caller.vid)])
				headers.append("Set-Cookie", cookie);
		if (clearCache) headers.set("Clear-Site-Data", CLEAR_CACHE);
		return answerResponse(answer, headers, write.redirectTo);
	}
	// The JSON answer starts from the decision answers' fixed headers, not a Headers built and copied.
	const response = jsonDecisionAnswer(rc, answer.body, { bookmark, cookies });
	if (clearCache) response.headers.set("Clear-Site-Data", CLEAR_CACHE);
	return response;
}

const CLEAR_CACHE = '"cache"';

function storedLookup(state: StoredState): StoredLookup {
	return state.version > 0 ? { status: "found", state } : { status: "none" };
}

function deniedDecision(
	rc: RequestContext,
	state: StoredState | null,
	denied: ReadonlySet<string>,
): Decision {
	return decide(rc, withDenials({ lookup: storedLookup(state ?? EMPTY_STATE), source: "d1" }, denied).lookup);
}

/**
 * In guard mode, a visitor's write that turns tracking off also empties the browser's HTTP cache for
 * the site: pages the origin let browsers keep (`max-age`) while the visitor allowed tracking were
 * relayed unchanged, with their trackers, and would otherwise be shown again from the cache, never
 * asking the guard, until they expire. `changes` are the record's: what this write really changed
 * (naming `ads: false` again changes nothing, and clears nothing).
 */
function clearsCachedPages(rc: RequestContext, changes: StoredChoices): boolean {
	return rc.settings.origin !== null && (changes.ads === false || changes.analytics === false);
}

/**
 * A choice made without naming a policy was made under the current one. A write naming no purpose
 * makes no choice, so it implies no policy either (and, changing nothing, appends no record).
 */
function policyOfWrite(rc: RequestContext, write: ChoiceWrite): string | undefined {
	const namesPurposes = Object.keys(write.changes).length > 0;
	return write.policyVersion ?? (namesPurposes ? rc.settings.policy.policyVersion : undefined);
}

/**
 * A choice past its lifetime no longer allows anything and asks again: the same answer given again
 * renews it (a write naming no purpose answers nothing).
 */
function renewBefore(rc: RequestContext, write: ChoiceWrite): number | undefined {
	return Object.keys(write.changes).length > 0 ? rc.now - rc.settings.policy.lifetimeMs : undefined;
}

/**
 * Every answer to a visitor sets `ce_consent`, so a visitor without one (a new id, or a first visit)
 * has most likely never been written: the append may skip its version read (a wrong guess costs one
 * rolled-back batch, never a wrong write).
 */
function isLikelyNewVisitor(rc: RequestContext, caller: Caller): boolean {
	if (caller.kind !== "visitor") return false;
	return caller.issued || requestCookie(rc.request, DECISION_COOKIE) === undefined;
}

function renderAnswer(
	rc: RequestContext,
	subject: string,
	state: StoredState,
	write: ChoiceWrite,
	decision?: Decision,
) {
	if (write.redirectTo) return { status: 303, body: "" };
	return {
		status: 200,
		body: decisionBody(decision ?? decide(rc, storedLookup(state)), {
			subject,
			gpc: rc.gpc,
			jurisdiction: rc.jurisdiction,
		}),
	};
}

function answerResponse(
	answer: { status: number; body: string },
	headers: Headers,
	redirectTo?: string,
): Response {
	if (answer.status === 303 && redirectTo) {
		headers.set("Location", redirectTo);
		headers.set("Cache-Control", "private, no-store");
		return new Response(null, { status: 303, headers });
	}
	headers.set("Content-Type", "application/json; charset=utf-8");
	headers.set("Cache-Control", "private, no-store");
	return new Response(answer.body, { status: answer.status, headers });
}

async function idempotencyFor(rc: RequestContext, caller: Caller, subject: string, write: ChoiceWrite) {
	const key = idempotencyKeyOf(rc.request);
	if (key === null) return null;
	// Scoped to the caller: a visitor's keys never meet another visitor's or an API key's.
	const scope = caller.kind === "visitor" ? `visitor:${subject}` : keyedScope(caller.scope);
	// A form post (answered 303) and a JSON post of the same bytes (answered with the document, e.g. `{}`
	// to /v1/opt-out) are two requests: one's answer is never the other's replay. JSON writes hash as
	// they always did, so keys already in use keep replaying.
	const answered = write.redirectTo === undefined ? "" : ` -> ${write.redirectTo}`;
	// So is a keyed write stated elsewhere (`?jurisdiction=`, recorded with it); unstated, it hashes as before.
	const place =
		caller.kind === "keyed" && rc.url.searchParams.has("jurisdiction") ? ` @${rc.jurisdiction}` : "";
	const [hashedKey, requestHash] = await Promise.all([
		scopedKeyHash(scope, key),
		sha256Base64Url(
			`${requestMethod(rc.request)} ${rc.url.pathname}${answered}${place}\n${subject}\n${write.rawBody}`,
		),
	]);
	return { key: hashedKey, requestHash };
}

async function replay(
	rc: RequestContext,
	caller: Caller,
	subject: string,
	requestHash: string,
	earlier: StoredAnswer,
	redirectTo: string | undefined,
	// The session read the answer at the primary, after the write it answers: as new as that write.
	bookmark: string | null,
) {
	if (earlier.status === ERASED_ANSWER_STATUS) {
		throw idempotencyConflict(
			"The request with this Idempotency-Key was carried out, and its subject has since been erased; send a new key to make it again.",
		);
	}
	if (earlier.requestHash !== requestHash) throw idempotencyConflict();
	// The bookmark as the first answer gave it: the caller reads its own write with either.
	const headers = decisionHeaders(rc, bookmark);
	headers.set(REPLAYED_HEADER, "true");
	if (caller.kind === "visitor") {
		// The first answer's cookie may never have arrived: issue one from the current state, read at
		// the primary (KV may not hold the write yet, and this cookie then decides for 10 minutes).
		const current = await decideForSubject(rc, subject, { primary: true }).catch(() => null);
		if (current) await setVisitorCookies(headers, rc, caller, current, { renewVisitorId: true });
		if (redirectTo) headers.append("Set-Cookie", await savedMarkerCookie(rc, caller.vid));
	}
	return answerResponse(earlier, headers, redirectTo);
}
