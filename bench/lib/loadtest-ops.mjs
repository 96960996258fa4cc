/**
 * The load test's operations. Each sends the request a real caller would, checks the answer is the
 * one the contract promises, and notes every acknowledged write in the ledger that the D1
 * verification (loadtest-verify.mjs) later checks, write by write.
 */
import { createHmac, randomBytes } from "node:crypto";
import { DATA, SECRETS } from "./config.mjs";
import { LOADTEST } from "./loadtest-config.mjs";
import { seededPurposes, seededVid, visitorSubject } from "./visitors.mjs";

const PURPOSES = ["analytics", "personalization", "ads", "sale", "email"];
const NAVIGATE = {
	Accept: "text/html,application/xhtml+xml",
	"Sec-Fetch-Mode": "navigate",
	"Sec-Fetch-Dest": "document",
	"Sec-Fetch-Site": "none",
};
/** A GPC visitor denies `ads` only: advertising tags must be gone, the GA4 (analytics) tag kept. */
const ADS_TRACKER_SRC =
	/\ssrc="https:\/\/(connect\.facebook\.net|analytics\.tiktok\.com|pagead2\.googlesyndication\.com|securepubads\.g\.doubleclick\.net)/;
const ANALYTICS_TAG = 'src="https://www.googletagmanager.com/gtag/js?id=G-8XK2P4QZ1M"';

/** The Worker's address hash: base64url(HMAC-SHA-256(EMAIL_HASH_KEY, "email:" + address)). */
export function emailHash(normalized) {
	return createHmac("sha256", SECRETS.EMAIL_HASH_KEY).update(`email:${normalized}`).digest("base64url");
}

function json(text) {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

const sameChoices = (a, b) => PURPOSES.every((p) => a?.[p] === b[p]);

/** Everything acknowledged during the run, keyed so each write can be found again in D1. */
export function createLedger(runId) {
	return {
		runId,
		/** keyed-write subject -> the purposes it set */
		keyed: new Map(),
		keyedRetried: 0,
		/** opt-out visitor subjects */
		optOuts: new Set(),
		/** every opt-out subject sent, answered or not */
		optOutTried: new Set(),
		/** acknowledged unsubscribes: address -> hash */
		unsubscribed: new Map(),
		reposted: 0,
		/** genuine unsubscribes from the abuse client's address after it met a 429 */
		genuineAfterLimit: 0,
		limitTripped: false,
		counters: { keyed: 0, optOut: 0 },
	};
}

/**
 * @param {{ send: Function, rec: import("./loadtest-stats.mjs").Recorder, ledger: ReturnType<typeof createLedger>,
 *   urls: {api: string, guard: string}, links: {email: string, hash: string, url: string}[] }} ctx
 */
export function defineOps(ctx) {
	const { send, rec, ledger, urls } = ctx;
	const admin = { Authorization: `Bearer ${SECRETS.ADMIN_API_KEY}` };
	const ip = (vc) => ({ "CF-Connecting-IP": vc.address });

	async function lookup(vc) {
		const i = Math.floor(Math.random() * DATA.subjects);
		const vid = seededVid(i);
		const a = await send(`${urls.api}/v1/consent`, { headers: { ...ip(vc), Cookie: `ce_vid=${vid}` } });
		const doc = a.status === 200 ? json(a.body) : null;
		let problem = null;
		if (a.status !== 200) problem = `expected 200, got ${a.status} ${a.body.slice(0, 120)}`;
		else if (doc?.subject !== visitorSubject(vid)) problem = `wrong subject ${doc?.subject}`;
		else if (!sameChoices(doc.purposes, seededPurposes(i)))
			problem = `purposes ${JSON.stringify(doc.purposes)} are not visitor ${i}'s stored choices`;
		rec.record("lookup", a, problem);
	}

	async function gpcCheck(vc) {
		const a = await send(`${urls.api}/v1/check?purpose=ads`, { headers: { ...ip(vc), "Sec-GPC": "1" } });
		const doc = a.status === 200 ? json(a.body) : null;
		const ok = doc?.purpose === "ads" && doc.allowed === false && doc.reason === "gpc";
		rec.record(
			"gpc-check",
			a,
			ok ? null : `expected ads denied by gpc, got ${a.status} ${a.body.slice(0, 120)}`,
		);
	}

	/** A keyed PUT for a new subject; one in ten is sent again with the same key and body. */
	async function keyedWrite(vc) {
		const n = ledger.counters.keyed++;
		const subject = `lt:${ledger.runId}:w${n}`;
		const purposes = Object.fromEntries(PURPOSES.map((p, k) => [p, ((n >> k) & 1) === 1]));
		const body = JSON.stringify({ subject, purposes });
		const request = {
			method: "PUT",
			headers: {
				...ip(vc),
				...admin,
				"Content-Type": "application/json",
				"Idempotency-Key": `lt-${ledger.runId}-w${n}`,
			},
			body,
		};
		const check = (a) => {
			if (a.status !== 200) return `expected 200, got ${a.status} ${a.error ?? a.body.slice(0, 120)}`;
			const doc = json(a.body);
			if (doc?.subject !== subject || !sameChoices(doc.purposes, purposes))
				return `answer does not carry the write: ${a.body.slice(0, 160)}`;
			return null;
		};
		const retry = Math.random() < LOADTEST.retryShare;
		if (retry && n % 2 === 1) {
			// The client's retry races its first attempt (e.g. it timed out early): both must answer
			// the same document, exactly one of them as the original.
			const [first, second] = await Promise.all([
				send(`${urls.api}/v1/consent`, request),
				send(`${urls.api}/v1/consent`, request),
			]);
			const okFirst = rec.record("keyed-write", first, check(first));
			const okSecond = rec.record("keyed-write-retry", second, check(second));
			ledger.keyedRetried++;
			if (okFirst || okSecond) ledger.keyed.set(subject, purposes);
			if (okFirst && okSecond) {
				const replayed = [first, second].filter(
					(a) => a.headers.get("Idempotent-Replayed") === "true",
				).length;
				if (first.body !== second.body)
					rec.problem("keyed-write-retry", "concurrent retry answered differently");
				if (replayed !== 1)
					rec.problem(
						"keyed-write-retry",
						`concurrent pair: ${replayed} answers marked replayed, expected 1`,
					);
			}
			return;
		}
		const first = await send(`${urls.api}/v1/consent`, request);
		const okFirst = rec.record("keyed-write", first, check(first));
		if (okFirst) ledger.keyed.set(subject, purposes);
		if (!retry) return;
		// The client's retry after the answer (it never arrived, say): a replay of the same answer.
		const again = await send(`${urls.api}/v1/consent`, request);
		let problem = check(again);
		if (!problem && again.headers.get("Idempotent-Replayed") !== "true")
			problem = "retry not marked Idempotent-Replayed";
		if (!problem && okFirst && again.body !== first.body) problem = "retry answered differently";
		ledger.keyedRetried++;
		if (rec.record("keyed-write-retry", again, problem) && !okFirst) ledger.keyed.set(subject, purposes);
	}

	/** The preference centre's "opt out of everything" form button, as a new known visitor. */
	async function optOut(vc) {
		const n = ledger.counters.optOut++;
		const vid = `lt${ledger.runId}o${String(n).padStart(12, "0")}`;
		ledger.optOutTried.add(visitorSubject(vid));
		const a = await send(`${urls.api}/v1/opt-out`, {
			method: "POST",
			headers: {
				...ip(vc),
				Cookie: `ce_vid=${vid}`,
				"Content-Type": "application/x-www-form-urlencoded",
				Origin: urls.api,
				...NAVIGATE,
				"Sec-Fetch-Site": "same-origin",
			},
			body: "form=preferences",
		});
		const ok = a.status === 303 && a.headers.get("Location") === "/preferences?saved=1";
		if (
			rec.record(
				"opt-out",
				a,
				ok ? null : `expected 303 to /preferences?saved=1, got ${a.status} ${a.body.slice(0, 120)}`,
			)
		)
			ledger.optOuts.add(visitorSubject(vid));
	}

	const unsubscribeRequest = (vc, url) =>
		send(url, {
			method: "POST",
			headers: { ...ip(vc), "Content-Type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
	const unsubscribeProblem = (a) =>
		a.status === 200 ? null : `expected 200, got ${a.status} ${a.error ?? a.body.slice(0, 120)}`;

	/** A mailbox provider's RFC 8058 one-click POST; one in ten is posted twice. */
	async function unsubscribe(vc) {
		const link = ctx.links.pop();
		if (!link) return;
		const afterLimit = ledger.limitTripped && vc.address === LOADTEST.abuse.address;
		const twice = Math.random() < LOADTEST.repostShare;
		const answers =
			twice && ctx.links.length % 2 === 1
				? await Promise.all([unsubscribeRequest(vc, link.url), unsubscribeRequest(vc, link.url)])
				: [await unsubscribeRequest(vc, link.url)];
		if (twice && answers.length === 1) answers.push(await unsubscribeRequest(vc, link.url));
		let acknowledged = false;
		answers.forEach((a, k) => {
			if (rec.record(k === 0 ? "unsubscribe" : "unsubscribe-repeat", a, unsubscribeProblem(a)))
				acknowledged = true;
		});
		if (twice) ledger.reposted++;
		if (acknowledged) ledger.unsubscribed.set(link.email, link.hash);
		if (afterLimit) ledger.genuineAfterLimit += answers.length;
	}

	/** A GPC visitor's navigation to the origin's article through the guard. */
	async function guardedPage(vc) {
		const a = await send(`${urls.guard}/article.html`, {
			headers: { ...ip(vc), ...NAVIGATE, "Sec-GPC": "1" },
		});
		let problem = null;
		if (a.status !== 200) problem = `expected 200, got ${a.status} ${a.error ?? ""}`;
		else if (!a.headers.get("X-Consent-Guard")?.includes("rewritten"))
			problem = `X-Consent-Guard: ${a.headers.get("X-Consent-Guard")}`;
		else if (!a.body.includes("Cycle lanes to open before summer"))
			problem = `headline missing (${a.body.length} bytes)`;
		else if (ADS_TRACKER_SRC.test(a.body)) problem = `ads tracker left: ${ADS_TRACKER_SRC.exec(a.body)[0]}`;
		else if (!a.body.includes(ANALYTICS_TAG)) problem = "the GA4 tag (analytics, allowed) was removed";
		rec.record("guarded-page", a, problem);
	}

	return {
		lookup,
		"gpc-check": gpcCheck,
		"keyed-write": keyedWrite,
		"opt-out": optOut,
		unsubscribe,
		"guarded-page": guardedPage,
	};
}

/**
 * The sender's side, before the load: a one-click link per address (keyed POST /v1/unsubscribe-links),
 * checked to carry the address hash the Worker stores.
 */
export async function createLinks(ctx, count, concurrency, prefix) {
	const links = [];
	let next = 0;
	const admin = { Authorization: `Bearer ${SECRETS.ADMIN_API_KEY}`, "Content-Type": "application/json" };
	async function worker() {
		while (next < count) {
			const n = next++;
			const email = `lt-${ctx.ledger.runId}-${prefix}${n}@${LOADTEST.emailDomain}`;
			const a = await ctx.send(`${ctx.urls.api}/v1/unsubscribe-links`, {
				method: "POST",
				headers: admin,
				body: JSON.stringify({ email, list: LOADTEST.list }),
			});
			const doc = a.status === 200 ? json(a.body) : null;
			const hash = emailHash(email);
			const token = doc?.url ? new URL(doc.url).searchParams.get("t") : null;
			let problem = null;
			if (!token) problem = `expected 200 with a url, got ${a.status} ${a.body.slice(0, 120)}`;
			else if (token.split(".")[1] !== hash) problem = "token does not carry the expected address hash";
			else if (doc.headers?.["List-Unsubscribe-Post"] !== "List-Unsubscribe=One-Click")
				problem = "no List-Unsubscribe-Post header value";
			if (ctx.rec.record(`unsubscribe-link`, a, problem, "setup")) links.push({ email, hash, url: doc.url });
		}
	}
	await Promise.all(Array.from({ length: concurrency }, worker));
	return links;
}

/** A token of the right shape for `link`'s claim whose MAC is random: the Worker must answer 403. */
export function forgeToken(url) {
	const u = new URL(url);
	const parts = (u.searchParams.get("t") ?? "").split(".");
	parts[4] = randomBytes(32).toString("base64url");
	u.searchParams.set("t", parts.join("."));
	return u.href;
}
