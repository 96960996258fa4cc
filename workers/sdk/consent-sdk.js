/**
 * consent-edge browser SDK, served at /consent.js as a classic script: window.consentEdge (allows,
 * ready, onChange, set, optOut, needsPrompt, acceptAll, rejectAll), Google Consent Mode signals, a
 * __gpp CMP API, consent-gated <script type="text/plain" data-consent> tags and a first-layer banner;
 * on a site the worker guards, the guard's runtime once ads or analytics is denied (see guardPage).
 * A refusal the worker cannot store (5xx, 429, no answer) holds on the page and is retried until saved.
 * Plain ES2019: the worker serves this file with comments and indentation stripped, filling in the
 * configuration argument at the end from its own tables (purposes, Consent Mode mapping, pre-encoded
 * usnat GPP signals, banner wording), so pages need no GPP library and no rule lives in two places.
 * After editing, run `npm run scripts:build` (a test checks the generated copy is current).
 */
((window, document, config) => {
	if (window.consentEdge && typeof window.consentEdge.allows === "function") return;

	const script = document.currentScript;
	// The script's own origin serves the API, so one tag works on any site the worker allows.
	const scriptSrc = script ? script.src : "";
	const apiBase = scriptSrc ? new URL(scriptSrc, location.href).origin : location.origin;
	// The page's own view of GPC, or the Sec-GPC this script was requested with (a browser or extension
	// that sends only the header); a cookie may add what its request's Sec-GPC said (documentFromCookie).
	const gpc = window.navigator.globalPrivacyControl === true || config.gpc;
	// Page JavaScript cannot send Sec-GPC (a forbidden header), and a browser may expose the page's signal
	// on requests that carry none: every call tells the worker, which then records it as the header's.
	const gpcQuery = gpc ? "?gpc=1" : "";
	// Pages that build their own banner turn the built-in one off on the script tag.
	const bannerOff = script !== null && script.getAttribute("data-banner") === "off";
	const GATED = 'script[type="text/plain"][data-consent]';
	const UNSAVED_KEY = "consent-edge-unsaved";

	// The decision document once known; before that, `known` holds what is already certain.
	let current = null;
	const known = {};
	let waiters = [];
	/** The first lookup while it is in flight (it settles either way), else null. */
	let loadingRequest = null;
	// A failed first lookup's next try (see load), and how many the page has made on its own.
	let lookupTimer = 0;
	let lookupTries = 0;
	// Settles when the latest write has (whether it succeeded or not): the next write waits for it.
	let writing = Promise.resolve();
	let requestSeq = 0;
	let appliedSeq = 0;
	let writesPending = 0;
	// Purposes a write denied that the worker could not store: {d: purposes, t: when first unsaved}.
	let unsaved = null;
	// Whether the site's storage refused to hold `unsaved` (see storedUnsaved).
	let unstored = false;
	// The ce_consent value this page's decision came from (or that came with its answer): see followCookie.
	let appliedCookie = readCookie(config.cookie);
	const changeListeners = [];

	function includes(list, item) {
		return list.indexOf(item) !== -1;
	}

	// An own property's value, else undefined (without ES2022's own-property helper, newer than ES2019).
	function own(object, key) {
		return object && typeof key === "string" && includes(Object.keys(object), key) ? object[key] : undefined;
	}

	function copy(value) {
		return JSON.parse(JSON.stringify(value));
	}

	// Deep equality of two JSON documents, whatever their keys' order.
	function same(a, b) {
		if (a === b) return true;
		if (!a || !b || typeof a !== "object" || typeof b !== "object") return false;
		return Object.keys(a)
			.concat(Object.keys(b))
			.every((key) => same(own(a, key), own(b, key)));
	}

	// Documents handed to pages are frozen, so no page script can change what the SDK decides on.
	function deepFreeze(value) {
		if (value && typeof value === "object" && !Object.isFrozen(value)) {
			for (const key of Object.keys(value)) deepFreeze(value[key]);
			Object.freeze(value);
		}
		return value;
	}

	function consentModeFrom(allowed) {
		const states = {};
		for (const type of Object.keys(config.consentMode)) {
			const granted = config.consentMode[type].every((purpose) => allowed(purpose) === true);
			states[type] = granted ? "granted" : "denied";
		}
		return states;
	}

	// The usnat signal the worker would send for these choices (its pre-encoded table), or none.
	function gppFor(jurisdiction, purposes, withGpc) {
		if (jurisdiction.indexOf(config.gpp.jurisdictionPrefix) !== 0)
			return { gpp: "", gppSid: [], gppSections: {} };
		const key = (purposes.sale ? "1" : "0") + (purposes.ads ? "1" : "0") + (withGpc ? "1" : "0");
		return copy(config.gpp.usnat[key]);
	}

	// Global Privacy Control beats everything but `essential`, also client-side (contract rule 2); so
	// does a denial the worker could not store yet (`unsaved`), on this page, until a write is saved.
	function withDenials(doc, hasGpc) {
		let changed = hasGpc && doc.gpc !== true;
		for (const purpose of hasGpc ? config.gpcPurposes : []) {
			if (doc.purposes[purpose] !== false) changed = true;
			doc.purposes[purpose] = false;
			doc.reasons[purpose] = "gpc";
		}
		for (const purpose of unsaved ? unsaved.d : []) {
			if (doc.purposes[purpose] === false) continue;
			changed = true;
			doc.purposes[purpose] = false;
			doc.reasons[purpose] = "explicit";
		}
		if (!changed) return doc;
		if (hasGpc) doc.gpc = true;
		doc.consentMode = consentModeFrom((purpose) => doc.purposes[purpose]);
		const signal = gppFor(doc.jurisdiction, doc.purposes, doc.gpc);
		doc.gpp = signal.gpp;
		doc.gppSid = signal.gppSid;
		doc.gppSections = signal.gppSections;
		return doc;
	}

	// Null for two copies: a sibling subdomain may plant one, listed first, that only the worker can tell
	// from the visitor's (it verifies them), so the page then asks the worker.
	function readCookie(name) {
		let value = null;
		for (const part of document.cookie.split(";")) {
			const eq = part.indexOf("=");
			if (eq > 0 && part.slice(0, eq).trim() === name) {
				if (value !== null) return null;
				value = part.slice(eq + 1).trim();
			}
		}
		return value;
	}

	// `ce_consent` is base64url(JSON) "." signature. Only the worker can verify it; here it is a hint.
	function decodeDecisionCookie(value) {
		if (!value) return null;
		try {
			const body = value.slice(0, value.lastIndexOf("."));
			const b64 = body.replace(/-/g, "+").replace(/_/g, "/");
			const binary = window.atob(b64 + "===".slice((b64.length + 3) % 4));
			const bytes = new Uint8Array(binary.length);
			for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
			const c = JSON.parse(new TextDecoder().decode(bytes));
			const valid =
				c &&
				typeof c.d === "object" &&
				typeof c.p === "object" &&
				typeof c.j === "string" &&
				typeof c.i === "number";
			return valid ? c : null;
		} catch (_) {
			return null;
		}
	}

	// The worker trusts a cookie's allowances for a few minutes and its denials always; so does the SDK.
	function isFresh(c) {
		const age = Date.now() - c.i * 1000;
		return age >= -config.clockSkewMs && age <= config.allowanceMs;
	}

	// A cookie signed for a request without the signal (the preference centre, a guarded page, an older
	// SDK) while the page has it: the worker may not have recorded the opt-out, so a lookup tells it.
	function untold(c) {
		return gpc && c.gp !== 1;
	}

	// Rebuilds the decision document from the cookie, as the worker would answer it (same rules).
	// `gp` says the request the cookie was issued for carried Sec-GPC: a browser (or extension) may send
	// the header without exposing navigator.globalPrivacyControl, and the worker's answer said GPC.
	function documentFromCookie(c) {
		const signal = gpc || c.gp === 1;
		const purposes = {};
		const reasons = {};
		for (const purpose of config.purposes) {
			purposes[purpose] = c.d[purpose] === 1;
			const fromGpc = Array.isArray(c.g) && includes(c.g, purpose);
			if (includes(config.essential, purpose)) reasons[purpose] = "essential";
			else if (own(c.p, purpose) !== undefined) reasons[purpose] = fromGpc ? "gpc" : "explicit";
			else reasons[purpose] = "default";
		}
		const usnat = gppFor(c.j, purposes, signal);
		return withDenials(
			{
				subject: c.s,
				purposes,
				reasons,
				gpc: signal,
				jurisdiction: c.j,
				version: c.v,
				prompt: c.pr === 1,
				consentMode: consentModeFrom((purpose) => purposes[purpose]),
				gpp: usnat.gpp,
				gppSid: usnat.gppSid,
				gppSections: usnat.gppSections,
			},
			signal,
		);
	}

	function allows(purpose) {
		if (includes(config.essential, purpose)) return true;
		if (unsaved && includes(unsaved.d, purpose)) return false;
		if (current) return current.purposes[purpose] === true;
		// An own property only: a name such as "constructor" is no purpose, not Object's function.
		return own(known, purpose);
	}

	// A page of the site the worker guards (ORIGIN), served without the guard's runtime because tracking
	// was allowed at load: once a purpose the runtime blocks is denied (here, in another tab, or held
	// unsaved), the runtime is loaded for those purposes, so the trackers' later requests stop as on a
	// page served to a visitor denied at load. Same URL as the guard's own tag (the cached script), with
	// this script's nonce for the page's CSP. The runtime then asks allows() itself, so a later choice
	// needs no second one. A page of another site (the SDK's origin is not the page's) gets nothing.
	let runtimeAdded = false;

	// A page enforcing Trusted Types takes a script's URL or text only from a policy: the SDK's own,
	// made once (a name can be made only once), where the page's `trusted-types` list admits it; where
	// not, the string goes to the page's default policy if it has one, else setting it throws and that
	// script does not run (its callers catch: the decision still applies).
	let policy;

	function trusted(kind, value) {
		if (policy === undefined) {
			try {
				policy = window.trustedTypes.createPolicy("consent-edge-sdk", {
					createScriptURL: String,
					createScript: String,
				});
			} catch (_) {
				policy = null;
			}
		}
		return policy ? policy[kind](value) : value;
	}

	function guardPage() {
		const guard = config.guard;
		if (!guard || runtimeAdded || apiBase !== location.origin || window.__consentEdgeRuntime) return;
		const deny = guard.purposes.filter((purpose) => allows(purpose) === false);
		if (deny.length === 0) return;
		runtimeAdded = true;
		const runtime = document.createElement("script");
		runtime.nonce = script ? script.nonce : "";
		try {
			runtime.src = trusted(
				"createScriptURL",
				`${apiBase}${guard.runtime}?deny=${deny.join(",")}&v=${guard.version}`,
			);
		} catch (_) {
			// Thrown here it would stop the choice being applied (and at load, the whole SDK).
			return;
		}
		(document.head || document.documentElement).appendChild(runtime);
	}

	// Google Consent Mode: a default at load, an update for each new decision.
	let sentConsentMode = null;

	// gtag.js reads an Arguments object from dataLayer, not an array: queue one the same way.
	function gtagArguments() {
		// biome-ignore lint/complexity/noArguments: gtag.js expects the Arguments object itself.
		return arguments;
	}

	function gtagConsent(action, states) {
		if (typeof window.gtag === "function") {
			window.gtag("consent", action, states);
			return true;
		}
		if (window.dataLayer && typeof window.dataLayer.push === "function") {
			window.dataLayer.push(gtagArguments("consent", action, states));
			return true;
		}
		return false;
	}

	// Google's ads data redaction: while `ad_storage` is denied, Google Ads and Floodlight tags redact
	// ad-click identifiers from their requests and send them through a cookieless domain; while it is
	// granted the setting does nothing. So it is set once, with the first denial, and never unset: a
	// later grant lifts it by itself, and a denial after that brings it back.
	let redacting = false;

	// `front`: a queue no Google tag has taken over yet, whose first command is the default just queued.
	function redactAdsData(states, front) {
		if (redacting || states.ad_storage !== "denied") return;
		if (front) front.splice(1, 0, gtagArguments("set", "ads_data_redaction", true));
		else if (typeof window.gtag === "function") window.gtag("set", "ads_data_redaction", true);
		else if (window.dataLayer && typeof window.dataLayer.push === "function")
			window.dataLayer.push(gtagArguments("set", "ads_data_redaction", true));
		else return;
		redacting = true;
	}

	function sendConsentDefault() {
		// The SDK belongs first in the head, before Google's snippet has made dataLayer: start the queue
		// that snippet (and gtag.js, GTM) continues, so the default comes before any tag command. Without
		// it Google's tags would run with no default, as if everything were granted, until the update.
		if (typeof window.gtag !== "function" && window.dataLayer === undefined) window.dataLayer = [];
		const states = consentModeFrom(allows);
		if (!current) states.wait_for_update = config.waitForUpdateMs;
		// Loaded async or defer, the SDK may find Google's snippet's commands queued already; while no
		// Google tag has taken the queue over (its push is still the array's own), the default goes
		// first, else the tags would read `config` with no default, as if everything were granted.
		const queue = window.dataLayer || [];
		if (queue.length && queue.push === [].push) {
			queue.unshift(gtagArguments("consent", "default", states));
			redactAdsData(states, queue);
		} else {
			gtagConsent("default", states);
			redactAdsData(states);
		}
		// A decision known at load (a fresh cookie) follows as its update at once, as any later one does;
		// after a waiting default the first decision is always sent, so tags stop waiting at once.
		if (current) sendConsentUpdate();
	}

	function sendConsentUpdate() {
		const states = JSON.stringify(current.consentMode);
		if (states === sentConsentMode) return;
		// Set before the update that denies, so no tag reads the denial without it.
		redactAdsData(current.consentMode);
		if (gtagConsent("update", copy(current.consentMode))) sentConsentMode = states;
	}

	// IAB GPP CMP API v1.1, answered from the decision's gpp/gppSections.
	const gppListeners = new Map();
	let nextListenerId = 1;
	let signalStatus = "not ready";

	function pingData() {
		const sids = current ? current.gppSid : [];
		return {
			gppVersion: "1.1",
			cmpStatus: "loaded",
			cmpDisplayStatus: banner ? "visible" : "hidden",
			signalStatus,
			supportedAPIs: config.gpp.supportedAPIs.slice(),
			cmpId: config.gpp.cmpId,
			sectionList: sids.slice(),
			applicableSections: sids.length > 0 ? sids.slice() : [-1],
			gppString: current ? current.gpp : "",
			parsedSections: current ? copy(current.gppSections) : {},
		};
	}

	function fireGppEvent(eventName, data) {
		for (const entry of Array.from(gppListeners)) {
			try {
				entry[1]({ eventName, listenerId: entry[0], data, pingData: pingData() }, true);
			} catch (err) {
				logError(err);
			}
		}
	}

	function setSignalStatus(status) {
		if (status === signalStatus) return;
		signalStatus = status;
		fireGppEvent("signalStatus", status);
	}

	function section(name) {
		return current ? own(current.gppSections, name) : undefined;
	}

	// Sections are flat field maps, as the worker sends them and as @iabgpp/cmpapi answers getSection.
	function gppAnswer(command, parameter) {
		const found = section(parameter);
		switch (command) {
			case "ping":
				return [pingData(), true];
			case "hasSection":
				return [current ? found !== undefined : null, true];
			case "getSection":
				return [found === undefined ? null : copy(found), true];
			case "getField": {
				const dot = typeof parameter === "string" ? parameter.indexOf(".") : -1;
				const fields = dot > 0 ? section(parameter.slice(0, dot)) : undefined;
				const field = fields ? own(fields, parameter.slice(dot + 1)) : undefined;
				return [field === undefined ? null : copy(field), true];
			}
			case "removeEventListener": {
				return [gppListeners.delete(Number(parameter)), true];
			}
			default:
				return [null, false];
		}
	}

	// __gpp(command, callback, parameter, version): answers at once through the callback, returns nothing.
	function gppApi(command, callback, parameter) {
		if (typeof callback !== "function") return;
		if (command === "addEventListener") {
			const listenerId = nextListenerId++;
			gppListeners.set(listenerId, callback);
			callback({ eventName: "listenerRegistered", listenerId, data: true, pingData: pingData() }, true);
			return;
		}
		const answer = gppAnswer(command, parameter);
		callback(answer[0], answer[1]);
	}

	function installGpp() {
		const stub = window.__gpp;
		const stubAnswersFrames = typeof window.__gpp_msghandler === "function";
		window.__gpp = gppApi;
		if (!stubAnswersFrames) window.addEventListener("message", answerFrame);
		addLocatorFrame();
		if (typeof stub !== "function") return;
		// Listeners registered with the stub keep their ids and hear that the CMP has loaded.
		const adopted = Array.isArray(stub.events) ? stub.events : [];
		for (const event of adopted) {
			if (!event || typeof event.callback !== "function") continue;
			gppListeners.set(Number(event.id), event.callback);
			nextListenerId = Math.max(nextListenerId, Number(event.id) + 1);
		}
		if (adopted.length > 0) {
			fireGppEvent("cmpStatus", "loaded");
			if (current) fireGppEvent("signalStatus", "ready");
		}
		// Calls the stub queued run in their original order.
		const queue = Array.isArray(stub.queue) ? stub.queue : [];
		for (const call of queue) gppApi(call[0], call[1], call[2]);
	}

	// Frames find the CMP through a frame named __gppLocator and talk to it with postMessage.
	function answerFrame(event) {
		let message = event.data;
		const isString = typeof message === "string";
		if (isString) {
			if (message.indexOf("__gppCall") === -1) return;
			try {
				message = JSON.parse(message);
			} catch (_) {
				return;
			}
		}
		const call = message && typeof message === "object" ? message.__gppCall : null;
		if (!call || !event.source) return;
		const reply = (returnValue, success) => {
			const envelope = { __gppReturn: { returnValue, success, callId: call.callId } };
			event.source.postMessage(isString ? JSON.stringify(envelope) : envelope, "*");
		};
		gppApi(call.command, reply, call.parameter);
	}

	function addLocatorFrame() {
		if (window.frames.__gppLocator) return;
		if (!document.body) {
			document.addEventListener("DOMContentLoaded", addLocatorFrame);
			return;
		}
		const frame = document.createElement("iframe");
		frame.name = "__gppLocator";
		frame.title = "GPP locator";
		frame.setAttribute("aria-hidden", "true");
		frame.style.display = "none";
		document.body.appendChild(frame);
	}

	// Gated scripts: <script type="text/plain" data-consent="ads analytics"> run once all are allowed.
	let rescanWhileLoading = false;
	// Tags the page's Trusted Types refused: each is tried once (every try is a CSP violation, and sends a
	// report where the page asks for them) and stays inert for the page's life, with one warning in all.
	const refused = new WeakSet();
	let refusalWarned = false;

	function mayRun(element) {
		const purposes = (element.getAttribute("data-consent") || "").split(/\s+/).filter(Boolean);
		return purposes.length > 0 && purposes.every((purpose) => allows(purpose) === true);
	}

	function activate(element) {
		const replacement = document.createElement("script");
		for (const attribute of Array.from(element.attributes)) {
			if (!includes(["type", "src", "data-src", "data-type"], attribute.name)) {
				replacement.setAttribute(attribute.name, attribute.value);
			}
		}
		const type = element.getAttribute("data-type");
		if (type) replacement.type = type;
		// The nonce attribute reads as "" once parsed; the property keeps it for CSP.
		if (element.nonce) replacement.nonce = element.nonce;
		const src = element.getAttribute("data-src") || element.getAttribute("src");
		// Inserted scripts are async by default; keep document order unless the page asked otherwise.
		if (src && !element.hasAttribute("async")) replacement.async = false;
		if (src) replacement.src = trusted("createScriptURL", src);
		else replacement.text = trusted("createScript", element.text);
		element.parentNode.replaceChild(replacement, element);
	}

	function runAllowedScripts() {
		rescanWhileLoading = false;
		for (const element of Array.from(document.querySelectorAll(GATED))) {
			if (!element.parentNode || refused.has(element) || !mayRun(element)) continue;
			// While parsing, an element without a next sibling may still be receiving its text.
			if (document.readyState === "loading" && !element.nextSibling) {
				rescanWhileLoading = true;
				continue;
			}
			// A tag the page's Trusted Types refuse stays inert; thrown here it would stop the decision
			// reaching ready(), onChange and the banner.
			try {
				activate(element);
			} catch (err) {
				refused.add(element);
				if (refusalWarned || !window.console) continue;
				refusalWarned = true;
				window.console.warn(
					"consent-edge: Trusted Types refused gated tags (see the consent-edge-sdk policy)",
					err,
				);
			}
		}
	}

	// Most mutations add no gated tag: an element is matched only when it has data-consent, its subtree
	// searched only when it has an element child, and no array is made per record (a page building
	// 10,000 elements one by one: 15-22 ms of callback, 7 now; bench/README.md).
	function addsGatedScript(record) {
		const nodes = record.addedNodes;
		for (let i = 0; i < nodes.length; i++) {
			const node = nodes[i];
			if (node.nodeType !== 1) continue;
			if (node.hasAttribute("data-consent") && node.matches(GATED)) return true;
			if (node.firstElementChild !== null && node.querySelector(GATED) !== null) return true;
		}
		return false;
	}

	function watchScripts() {
		const observer = new MutationObserver((records) => {
			if (rescanWhileLoading || records.some(addsGatedScript)) runAllowedScripts();
		});
		observer.observe(document.documentElement, { childList: true, subtree: true });
		document.addEventListener("DOMContentLoaded", runAllowedScripts);
		runAllowedScripts();
	}

	function logError(err) {
		if (!window.console) return;
		// A timeout's own message says what happened; its stack (or an AbortError's) would not.
		if (err && err.code === "timeout") window.console.error(err.message);
		else window.console.error("consent-edge:", err);
	}

	// The first decision settles ready(); every later one (writes, a refreshed read) goes to onChange.
	function applyDocument(doc) {
		const previous = current;
		current = deepFreeze(withDenials(doc, gpc));
		guardPage();
		sendConsentUpdate();
		if (!previous || previous.gpp !== current.gpp) {
			// A change the page did not start (another tab, a lookup) opens its chain as a write does.
			setSignalStatus("not ready");
			const names = Object.keys(current.gppSections).concat(
				previous ? Object.keys(previous.gppSections) : [],
			);
			for (const name of names.filter((n, i) => names.indexOf(n) === i)) fireGppEvent("sectionChange", name);
		}
		// A choice closes the banner before signalStatus turns ready: "ready" ends the chain of events
		// a change fires (GPP CMP API, addEventListener), so vendors see the change whole.
		if (current.prompt !== true) hideBanner();
		setSignalStatus("ready");
		runAllowedScripts();
		syncBanner();
		const pending = waiters;
		waiters = [];
		for (const waiter of pending) waiter.resolve(current);
		if (!previous) return;
		for (const listener of changeListeners.slice()) {
			try {
				listener(current);
			} catch (err) {
				logError(err);
			}
		}
	}

	// A decision read again (another tab's cookie, a lookup) is news to listeners only when it differs.
	function applyRead(doc) {
		if (!same(withDenials(doc, gpc), current)) applyDocument(doc);
	}

	// Answers are applied in request order: a slow read never overwrites a later write.
	function callApi(method, path, body, signal) {
		const seq = ++requestSeq;
		const init = { method, credentials: "include", headers: { Accept: "application/json" }, signal };
		if (body !== undefined) {
			init.headers["Content-Type"] = "application/json";
			init.body = JSON.stringify(body);
		}
		return window.fetch(apiBase + path + gpcQuery, init).then((response) =>
			response
				.json()
				.catch(() => null)
				.then((data) => {
					if (!response.ok || !data || typeof data.purposes !== "object") {
						const problem = (data ? data.error : null) || {};
						const err = new Error(
							problem.message || `consent-edge: ${method} ${path} answered ${response.status}`,
						);
						err.code = problem.code || "http_error";
						err.status = response.status;
						err.retryAfter = Number(response.headers.get("Retry-After"));
						throw err;
					}
					if (seq > appliedSeq) {
						appliedSeq = seq;
						appliedCookie = readCookie(config.cookie);
						// A saved write carried every unsaved denial (see write): the answer is the truth now.
						if (method !== "GET") keepUnsaved(null);
						if (method === "GET") applyRead(data);
						else applyDocument(data);
					}
					return current;
				}),
		);
	}

	// A request the worker takes and never answers fails after 10 s with `message` (code "timeout", no
	// status: a write then counts as unanswered, see write), so ready() settles and what waits goes on.
	function callTimed(method, path, body, message) {
		const controller = new AbortController();
		let late = false;
		const timeout = setTimeout(() => {
			late = true;
			controller.abort();
		}, 10000);
		return callApi(method, path, body, controller.signal).then(
			(doc) => {
				clearTimeout(timeout);
				return doc;
			},
			(err) => {
				clearTimeout(timeout);
				if (!late) throw err;
				const timedOut = new Error(message);
				timedOut.code = "timeout";
				throw timedOut;
			},
		);
	}

	// Whether the page's decision is the worker's (or a fresh cookie's) as stored: not yet known, or a
	// `degraded` answer (storage unreadable, every unknown purpose denied), and the lookup is made again.
	function decided() {
		return current !== null && !includes(Object.values(current.reasons || {}), "degraded");
	}

	// The page stays as the lookup left it, closed (failed: only what the cookie or GPC denies is known;
	// degraded: what the answer denies), until a lookup answers: tried again when the page is shown again
	// or the browser is back online (followCookie), and, for a page left open in view (which hears
	// neither), 2, 4 … 256 s apart (about 8.5 minutes, then only on those events): a worker back soon is
	// found soon, and one down for long is asked 9 times per page, never two lookups at once.
	function lookupAgain() {
		clearTimeout(lookupTimer);
		if (!decided() && lookupTries < 8) lookupTimer = setTimeout(retryLookup, 2 ** ++lookupTries * 1000);
	}

	// A lookup the worker never answers fails after 10 s (callTimed), so ready() settles and writes
	// queued behind it go on (see write).
	function load() {
		const timedOut = "consent-edge: lookup timed out after 10 s; asking again";
		loadingRequest = callTimed("GET", "/v1/consent", undefined, timedOut).then(
			() => {
				loadingRequest = null;
				if (decided()) return;
				logError(new Error("consent-edge: the stored choice could not be read (degraded); asking again"));
				lookupAgain();
			},
			(err) => {
				loadingRequest = null;
				logError(err);
				const pending = waiters;
				waiters = [];
				for (const waiter of pending) waiter.reject(err);
				lookupAgain();
			},
		);
	}

	function retryLookup() {
		if (!decided() && !loadingRequest) load();
	}

	function settled() {
		writesPending--;
	}

	// The denial is kept in this site's localStorage for a day at most from the first unsaved one (the
	// visitor may allow more elsewhere meanwhile), never an allowance; without storage, in memory only.
	function keepUnsaved(entry) {
		unsaved = entry;
		try {
			window.localStorage[entry ? "setItem" : "removeItem"](UNSAVED_KEY, JSON.stringify(entry));
			unstored = false;
		} catch (_) {
			unstored = true;
		}
	}

	// What this site's storage holds (another tab may have saved or replaced it), else this page's: also
	// when the storage refused this page's entry (full), so an older one it still holds is not taken for it.
	function storedUnsaved() {
		if (unstored) return unsaved;
		try {
			return JSON.parse(window.localStorage.getItem(UNSAVED_KEY));
		} catch (_) {
			return unsaved;
		}
	}

	// A stored entry's denials still to hold, or null: kept under a day, only of purposes the site still
	// has (a write naming another is refused, 400, and every write carries them), and not of those a newer
	// choice the worker saved allows: ce_consent (set by any tab's write, the preference centre's too) now
	// stores an allowance that it did not when the denial failed (`a`, the ones it did then). Entries
	// kept before `a` existed, and pages that cannot read the cookie, hold them all.
	function heldEntry(entry) {
		if (!entry || !Array.isArray(entry.d) || !(Date.now() - entry.t < 864e5)) return null;
		const a = entry.a;
		const c = Array.isArray(a) && decodeDecisionCookie(readCookie(config.cookie));
		const d = entry.d.filter(
			(p) =>
				includes(config.purposes, p) &&
				!includes(config.essential, p) &&
				!(c && own(c.p, p) === 1 && !includes(a, p)),
		);
		if (d.length === 0) return null;
		return d.length === entry.d.length ? entry : { d, t: entry.t, a };
	}

	// Another page of the site may have saved this page's unsaved denial (a newer choice there then
	// replaced it) or replaced it with its own, or a newer choice saved elsewhere allows what it denies
	// (heldEntry): the page follows that, so it neither keeps denying nor writes again what the visitor
	// has since chosen otherwise. True if so.
	function followStoredUnsaved() {
		const held = heldEntry(storedUnsaved());
		if (!unsaved || same(held, unsaved)) return false;
		unsaved = held;
		return true;
	}

	// Sends the unsaved denial again (an empty choice carries it: see write), unless a newer write, on
	// this page or another of the site, has saved or replaced it. An unsaved opt-out goes as the PUT of
	// its purposes, which a visitor's opt-out is.
	function retryUnsaved(entry, tries, delayS) {
		setTimeout(() => {
			if (unsaved === entry && same(storedUnsaved(), entry))
				write("PUT", "/v1/consent", { purposes: {} }, tries).catch(logError);
		}, Math.min(delayS, 300) * 1000);
	}

	function write(method, path, body, tries) {
		setSignalStatus("not ready");
		writesPending++;
		let sending = body;
		// Every answer sets ce_consent, in the order the answers arrive. A write sent while the first
		// lookup or an earlier write is in flight could be answered first, and the older cookie would
		// then replace the newer one in the browser (an opt-out's, say, by the choice made just before
		// it): each write is sent once the lookup and every earlier write have settled. It carries the
		// unsaved denials too, but for the purposes it names itself (the newer choice wins).
		// The write takes over the denial the site's storage holds unsaved, this page's or another's, and
		// stores before it is sent what is left once its own choices are taken out: another page's retry
		// sends the denial only while the storage holds it unchanged, so it cannot land over this newer
		// choice while it is in flight. Refused (a 4xx), the write changed nothing: the denial is put back
		// as it was (its retries go on where they were made: sent again from here, a 403 would never end).
		let taken = null;
		const sent = writing
			.then(() => loadingRequest)
			.then(() => {
				taken = heldEntry(storedUnsaved());
				sending = copy(body);
				const d = taken && sending.purposes ? taken.d.filter((p) => !(p in sending.purposes)) : [];
				keepUnsaved(
					d.length === 0 ? null : d.length === taken.d.length ? taken : { d, t: taken.t, a: taken.a },
				);
				for (const purpose of d) sending.purposes[purpose] = false;
				return callTimed(method, path, sending, "consent-edge: saving the choice timed out after 10 s");
			});
		writing = sent.then(settled, settled);
		return sent.catch((err) => {
			// A 5xx or no answer (none within 10 s included) is the storage's or the network's fault, not
			// the choice's, and a 429 is the address's (a shared NAT's other visitors may have used up its
			// writes): what the write denies holds on the page at once (never what it allows) and is sent
			// again, backing off, as Retry-After asks. The promise still rejects (not saved); `err.retrying`
			// says the denial holds. A timed-out write may have landed all the same: its retry is the PUT
			// of the same denials, so the stored choice is the same whether it lands once or twice.
			if (!(err.status < 500) || err.status === 429) {
				const d = config.purposes.filter(
					(p) => !includes(config.essential, p) && (!sending.purposes || own(sending.purposes, p) === false),
				);
				const c = decodeDecisionCookie(readCookie(config.cookie));
				const a = d.filter((p) => c && own(c.p, p) === 1);
				keepUnsaved(d.length > 0 ? { d, t: unsaved ? unsaved.t : Date.now(), a } : null);
				if (unsaved) {
					err.retrying = true;
					guardPage();
					if (current) applyRead(copy(current));
					tries = (tries || 0) + 1;
					// Sent again 2, 4 … 256 s apart, then after 5 minutes (later if Retry-After asks, never over
					// 5 minutes): about 14 minutes in all, then again at the next page load of the site.
					if (tries < 10) retryUnsaved(unsaved, tries, Math.max(err.retryAfter || 0, 2 ** tries));
				}
			} else if (taken) keepUnsaved(taken);
			if (current) setSignalStatus("ready");
			throw err;
		});
	}

	function set(purposes) {
		if (!purposes || typeof purposes !== "object" || Array.isArray(purposes)) {
			return Promise.reject(new TypeError("consentEdge.set expects an object such as {ads: false}"));
		}
		return write("PUT", "/v1/consent", { purposes });
	}

	function optOut() {
		return write("POST", "/v1/opt-out", {});
	}

	function ready() {
		if (current) return Promise.resolve(current);
		if (!loadingRequest) load();
		return new Promise((resolve, reject) => {
			waiters.push({ resolve, reject });
		});
	}

	function onChange(listener) {
		if (typeof listener !== "function") throw new TypeError("consentEdge.onChange expects a function");
		changeListeners.push(listener);
		return () => {
			const index = changeListeners.indexOf(listener);
			if (index !== -1) changeListeners.splice(index, 1);
		};
	}

	// The built-in banner uses these three; pages with data-banner="off" build their own on them.
	function needsPrompt() {
		return current ? current.prompt === true : undefined;
	}

	// Both answers go through PUT /v1/consent (recorded with source `ui`), naming the banner's purposes:
	// every one but `essential` and those asked separately (marketing email), which keep their choice.
	// One meaning for the buttons and the API, so a custom banner answers what the built-in one does.
	function chooseAll(allowed) {
		const purposes = {};
		for (const purpose of config.bannerPurposes) purposes[purpose] = allowed;
		return set(purposes);
	}

	function acceptAll() {
		return chooseAll(true);
	}

	function rejectAll() {
		return chooseAll(false);
	}

	// The first-layer banner: built with DOM calls and styled through the CSSOM and an adopted sheet,
	// never style attributes, <style> text or inline handlers, so a strict page CSP leaves it working.
	// CSS variables theme it; Accept and Reject share one style, so neither is more prominent. Its own
	// colours (--ce-0*: background, text, button, button text, top line) turn dark where the page can
	// be dark (bannerScheme, BANNER_SHEET); a page's --ce-* variables still win in either scheme.
	const BANNER_ID = "ce-banner";
	const FONT = "font-family:var(--ce-font,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif);";
	const BUTTON_CSS =
		"box-sizing:border-box;width:100%;min-height:44px;margin:0;padding:10px 18px;border-radius:6px;" +
		"border:2px solid var(--ce-button-bg,var(--ce-0k,#1d4ed8));background:var(--ce-button-bg,var(--ce-0k,#1d4ed8));" +
		"color:var(--ce-button-fg,var(--ce-0t,#fff));font-size:1em;font-weight:600;line-height:1.25;" +
		"text-transform:none;letter-spacing:normal;word-break:auto-phrase;cursor:pointer;" +
		FONT;
	const DARK =
		"--ce-0b:#161b22;--ce-0f:#e6edf3;--ce-0k:#9ec1ff;--ce-0t:#0d1117;--ce-0l:#ffffff40;--ce-0s:dark";
	// What element.style cannot say: focus rings and hover (a page may reset outlines globally);
	// !important, as each part's all:revert would otherwise put them back to the browser's.
	const BANNER_SHEET =
		`#${BANNER_ID} [data-consent-action]:focus-visible{outline:3px solid var(--ce-focus,` +
		"var(--ce-banner-fg,var(--ce-0f,#1f2937)))!important;outline-offset:2px!important}" +
		`#${BANNER_ID}[data-ce-scheme=dark]{${DARK}}@media (prefers-color-scheme:dark){#${BANNER_ID}[data-ce-scheme=auto]{${DARK}}}` +
		`#${BANNER_ID} button:hover{filter:brightness(1.15)!important}` +
		// A large default font on a narrow screen (em here is the visitor's font size): Reject and Accept
		// no longer fit side by side, so they go one above the other, the same size, never cut off.
		`@media (max-width:16em){#${BANNER_ID}>div>div+div{grid-template-columns:1fr!important}}`;
	let banner = null;
	let focusBefore = null;
	// The root element's own scroll-padding-bottom and padding-bottom, to put back.
	let spaceBefore = ["", ""];
	let bannerResize = null;
	let saving = false;
	let sheetAdded = false;
	// Closed with Escape: not an answer (nothing is saved or allowed), so only for this page view.
	let dismissed = false;

	// Every part starts from the browser's own styles (all:revert, then css), so a page's rules for bare
	// elements (button{display:none}, p{font-size:11px}, *{all:unset}) do not reach it.
	function element(tag, css, attributes, text) {
		const node = document.createElement(tag);
		node.style.cssText = `all:revert;${css}`;
		for (const name of Object.keys(attributes)) node.setAttribute(name, attributes[name]);
		if (text) node.textContent = text;
		return node;
	}

	// The page's language when the SDK speaks it, else the visitor's first one it speaks, else the first.
	function bannerLanguage() {
		const tags = [document.documentElement.lang].concat(Array.from(window.navigator.languages || []));
		for (const tag of tags) {
			const lang = String(tag || "")
				.toLowerCase()
				.split("-")[0];
			if (own(config.bannerText, lang)) return lang;
		}
		return Object.keys(config.bannerText)[0];
	}

	// The banner follows the page, as its form controls do: dark only where the page's color-scheme
	// (CSS or <meta>) offers dark, with the visitor's system where it offers both; a light-only page
	// keeps a light banner on a dark system.
	function bannerScheme() {
		const meta = document.querySelector('meta[name="color-scheme"]');
		const said = `${getComputedStyle(document.documentElement).colorScheme} ${meta ? meta.content : ""}`;
		if (!/\bdark\b/.test(said)) return "light";
		return /\blight\b/.test(said) ? "auto" : "dark";
	}

	function addBannerSheet() {
		if (sheetAdded) return;
		sheetAdded = true;
		try {
			const sheet = new CSSStyleSheet();
			sheet.replaceSync(BANNER_SHEET);
			document.adoptedStyleSheets = Array.from(document.adoptedStyleSheets).concat(sheet);
		} catch (_) {
			// No constructable sheets: a <style> with the script's own nonce, which a nonce CSP admits.
			const style = document.createElement("style");
			style.nonce = script ? script.nonce : "";
			style.textContent = BANNER_SHEET;
			document.head.appendChild(style);
		}
	}

	// The answer's document closes the banner (applyDocument); a failed save says so and stays open,
	// saying too when the choice (a denial) holds on the page while the SDK tries to save it again.
	function choose(button, answer, failure, text) {
		if (saving) return;
		saving = true;
		failure.textContent = "";
		answer().then(
			() => {
				saving = false;
			},
			(err) => {
				saving = false;
				logError(err);
				failure.textContent = err.retrying ? text.savePending : text.saveFailed;
				if (banner) button.focus();
			},
		);
	}

	function showBanner() {
		if (banner || !document.body) return;
		const lang = bannerLanguage();
		const text = config.bannerText[lang];
		addBannerSheet();
		banner = element(
			"div",
			"position:fixed;z-index:2147483646;left:0;right:0;bottom:0;box-sizing:border-box;max-height:50%;" +
				// At most half the window (a short one: a phone on its side, 400% zoom), the page showing above
				// it; beyond that it scrolls within, and a button tabbed to scrolls into its view with its
				// focus ring (3px and 2px apart): without the scroll padding, a button already in view
				// stayed where its ring was cut off at the edge.
				"overflow:auto;scroll-padding:8px;margin:0;padding:16px 20px;border-top:1px solid var(--ce-0l,#00000026);" +
				"box-shadow:0 -4px 24px #00000029;background:var(--ce-banner-bg,var(--ce-0b,#fff));" +
				"color:var(--ce-banner-fg,var(--ce-0f,#1f2937));color-scheme:var(--ce-0s,light);line-height:1.5;text-align:left;outline:none;" +
				// The visitor's default font size (text-only zoom), whatever the page sets on its root.
				"font-size:medium;" +
				// Japanese: no line starts with a small kana or ー (kinsoku); titles and buttons break
				// between phrases (auto-phrase acts on lang="ja" only).
				"line-break:strict;" +
				FONT,
			{
				id: BANNER_ID,
				role: "dialog",
				"aria-modal": "false",
				"aria-labelledby": `${BANNER_ID}-title`,
				"aria-describedby": `${BANNER_ID}-text${current.gpc ? ` ${BANNER_ID}-gpc` : ""}`,
				lang,
				// Its languages read left to right, on a right-to-left page too.
				dir: "ltr",
				"data-ce-scheme": bannerScheme(),
				tabindex: "-1",
			},
		);
		const row = element(
			"div",
			"display:flex;flex-wrap:wrap;align-items:center;gap:12px 32px;max-width:1080px;margin:0 auto",
			{},
		);
		const words = element("div", "flex:999 1 320px;min-width:0", {});
		words.appendChild(
			element(
				"p",
				"margin:0 0 4px;font-size:1.125em;font-weight:700;line-height:1.3;color:inherit;word-break:auto-phrase",
				{ id: `${BANNER_ID}-title` },
				text.title,
			),
		);
		words.appendChild(element("p", "margin:0;color:inherit", { id: `${BANNER_ID}-text` }, text.body));
		// Under GPC Accept all leaves ads and sale off: the banner says the signal is honoured.
		if (current.gpc)
			words.appendChild(element("p", "margin:4px 0 0;color:inherit", { id: `${BANNER_ID}-gpc` }, text.gpc));
		const failure = element("p", "margin:0;font-weight:600;color:inherit", { role: "alert" });
		words.appendChild(failure);
		// Two equal columns: Reject and Accept share one size and, while they fit, one row; Settings below.
		const actions = element(
			"div",
			"flex:1 1 auto;display:grid;grid-template-columns:1fr 1fr;gap:8px 12px;align-items:stretch",
			{},
		);
		const answers = [
			["reject-all", text.rejectAll, rejectAll],
			["accept-all", text.acceptAll, acceptAll],
		];
		for (const answer of answers) {
			const button = element(
				"button",
				BUTTON_CSS,
				{ type: "button", "data-consent-action": answer[0] },
				answer[1],
			);
			button.addEventListener("click", () => choose(button, answer[2], failure, text));
			actions.appendChild(button);
		}
		// A button, as the other two (and as custom banners query them), that opens the preference page.
		const settings = element(
			"button",
			"grid-column:1/-1;justify-self:center;margin:0;padding:2px 4px;border:0;background:none;" +
				"color:inherit;font:inherit;font-size:.875em;text-decoration:underline;text-underline-offset:2px;" +
				`cursor:pointer;${FONT}`,
			{
				type: "button",
				"data-consent-action": "settings",
				// The page offers the way back here (only to a site the worker allows).
				"data-href": `${apiBase}/preferences?lang=${lang}&return=${encodeURIComponent(location.href.split("#")[0])}`,
			},
			text.settings,
		);
		settings.addEventListener("click", () => window.location.assign(settings.getAttribute("data-href")));
		actions.appendChild(settings);
		row.appendChild(words);
		row.appendChild(actions);
		banner.appendChild(row);
		// Escape from within closes it as a non-modal dialog closes (WAI-ARIA APG), focus going back: a
		// way to read the page now, not a choice, which the next page asks for again.
		banner.addEventListener("keydown", (event) => {
			if (event.key !== "Escape") return;
			dismissed = true;
			hideBanner();
		});
		// First in the body, so keyboard and screen-reader users meet it before the page.
		document.body.insertBefore(banner, document.body.firstChild);
		reserveBannerSpace();
		focusBefore = document.activeElement;
		banner.focus({ preventScroll: true });
		fireGppEvent("cmpDisplayStatus", "visible");
	}

	// The banner is fixed over the bottom of the page. While it is shown the page makes room for it, so
	// a page control the visitor tabs to scrolls into view above it, never behind it (WCAG 2.4.11): the
	// scrollport's bottom padding keeps focus scrolling clear of it, and as much padding below the
	// page's end lets its last controls (a footer's links) scroll up past it. Both follow the banner's
	// height (a narrower window, zoom) and are put back as they were when it closes.
	function fitBannerSpace() {
		if (!banner) return;
		const root = document.documentElement;
		root.style.paddingBottom = spaceBefore[1];
		const pagePadding = Number.parseFloat(getComputedStyle(root).paddingBottom) || 0;
		root.style.scrollPaddingBottom = `${banner.offsetHeight}px`;
		root.style.paddingBottom = `${pagePadding + banner.offsetHeight}px`;
	}

	function reserveBannerSpace() {
		const root = document.documentElement;
		spaceBefore = [root.style.scrollPaddingBottom, root.style.paddingBottom];
		fitBannerSpace();
		if (typeof ResizeObserver === "function") {
			bannerResize = new ResizeObserver(fitBannerSpace);
			bannerResize.observe(banner);
		} else window.addEventListener("resize", fitBannerSpace);
	}

	function releaseBannerSpace() {
		if (bannerResize) bannerResize.disconnect();
		else window.removeEventListener("resize", fitBannerSpace);
		bannerResize = null;
		document.documentElement.style.scrollPaddingBottom = spaceBefore[0];
		document.documentElement.style.paddingBottom = spaceBefore[1];
	}

	function hideBanner() {
		if (!banner) return;
		const hadFocus = banner.contains(document.activeElement);
		if (banner.parentNode) banner.parentNode.removeChild(banner);
		releaseBannerSpace();
		banner = null;
		// Focus goes back where it was before the banner took it, unless the visitor moved on.
		if (hadFocus && document.documentElement.contains(focusBefore))
			focusBefore.focus({ preventScroll: true });
		focusBefore = null;
		fireGppEvent("cmpDisplayStatus", "hidden");
	}

	// Shown while the decision asks for a choice, once the page has parsed (its own focus settled).
	function syncBanner() {
		if (bannerOff || dismissed || !current) return;
		if (current.prompt !== true) hideBanner();
		else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", syncBanner);
		else showBanner();
	}

	// A choice made elsewhere reaches an open page through ce_consent (another tab, or the preference
	// centre the Back button leaves, restoring this page from the back/forward cache): when the page
	// comes back into view a value other than the last one applied is applied as a write's answer is,
	// from the cookie when fresh, else from a lookup. An unchanged cookie costs one string comparison.
	// A page that cannot read the cookie (on another site) keeps its decision: its lookup would carry
	// no cookie either unless SameSite=None, so polling the worker on every tab switch would buy nothing.
	function followCookie(event) {
		if (event.type === "pageshow" ? !event.persisted : document.visibilityState !== "visible") return;
		const followed = followStoredUnsaved();
		const value = readCookie(config.cookie);
		// A lookup or write in flight brings its own, newer cookie and applies it in order. A page whose
		// first lookup failed or was answered degraded asks again (or takes a fresh cookie another tab got).
		if ((value === appliedCookie && !followed && decided()) || loadingRequest || writesPending > 0) return;
		const c = decodeDecisionCookie(value);
		if (c && isFresh(c) && !untold(c)) {
			appliedCookie = value;
			applyRead(documentFromCookie(c));
		} else load();
	}

	// An unsaved denial from an earlier page of this site holds from the start (gated tags run below).
	const stored = storedUnsaved();
	const held = heldEntry(stored);
	if (held !== null && held === stored) unsaved = stored;
	else keepUnsaved(held);

	const cookie = decodeDecisionCookie(appliedCookie);
	if (cookie && isFresh(cookie)) {
		current = deepFreeze(documentFromCookie(cookie));
		signalStatus = "ready";
	} else {
		if (cookie) {
			for (const purpose of Object.keys(cookie.d)) if (cookie.d[purpose] === 0) known[purpose] = false;
		}
		if (gpc) for (const purpose of config.gpcPurposes) known[purpose] = false;
	}

	guardPage();
	window.consentEdge = Object.freeze({
		allows,
		ready,
		onChange,
		set,
		optOut,
		needsPrompt,
		acceptAll,
		rejectAll,
	});
	sendConsentDefault();
	installGpp();
	watchScripts();
	if (current) syncBanner();
	if (!current || untold(cookie)) load();
	if (unsaved) retryUnsaved(unsaved, 0, 0);
	window.addEventListener("pageshow", followCookie);
	window.addEventListener("focus", followCookie);
	window.addEventListener("online", followCookie);
	document.addEventListener("visibilitychange", followCookie);
})(window, document, __CONSENT_EDGE_CONFIG__);
