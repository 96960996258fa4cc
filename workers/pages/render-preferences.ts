/**
 * The preference centre's `<main>`: the passive GPC status line, one checkbox per purpose inside a
 * fieldset (checked = allowed; GPC-governed ones disabled under GPC), a save button and an equally
 * prominent "opt out of everything" button (the same form, posted to /v1/opt-out), and the
 * visitor's consent history. Works without JavaScript; the page carries none.
 */
import type { PurposeDefinition } from "../config/purposes";
import type { Reason } from "../consent/decide-consent";
import { escapeHtml } from "../http/responses";
import type { ConsentRecord } from "../storage/consent-repository";
import type { Lang } from "./page-language";
import { PAGE_TEXT } from "./page-text";

export const SAVE_ACTION = "/preferences";
export const OPT_OUT_ACTION = "/v1/opt-out";
export const EXPORT_LOCATION = "/preferences/export";
export const ERASE_LOCATION = "/preferences/erase";
/** Where the visitor's own erasure leads, in the language it was asked in. */
export const ERASED_LOCATION = "/preferences?erased=1";

/**
 * Keeps every post of this form a non-empty form body: /v1/opt-out treats an empty body as JSON and
 * would answer the document instead of the 303 back here.
 */
const FORM_MARKER = `<input type="hidden" name="form" value="preferences">`;

/** `erased`: back from the visitor's own erasure (POST /preferences/erase). */
export type SaveOutcome = "saved" | "not-kept" | "erased";

/** What the page says after a save, also put in its title: a status already in a loaded page is not announced. */
export function saveMessage(lang: Lang, outcome: SaveOutcome): string {
	const t = PAGE_TEXT[lang].preferences;
	if (outcome === "erased") return PAGE_TEXT[lang].yourData.erased;
	return outcome === "saved" ? t.saved : t.notKept;
}

export interface PurposeView {
	readonly definition: PurposeDefinition;
	readonly allowed: boolean;
	readonly reason: Reason;
	/** Shown off and disabled: GPC governs it and the request carries the signal. */
	readonly locked: boolean;
}

export interface PreferencesView {
	readonly lang: Lang;
	readonly gpc: boolean;
	/** Back from a save: `saved`, or `not-kept` when the browser returned without its cookie. */
	readonly outcome: SaveOutcome | null;
	readonly purposes: readonly PurposeView[];
	/** The site page to lead back to (return-link.ts), or null. */
	readonly returnTo: string | null;
	/** Japan's third-party provision notice (third-party-provision.ts), or "" where none applies. */
	readonly provisionNotice: string;
	/** Newest first; null when storage could not be read. */
	readonly history: readonly ConsentRecord[] | null;
	/** How many records were asked for: reaching it means older ones exist. */
	readonly historyLimit: number;
}

function purposeRow(view: PreferencesView, p: PurposeView): string {
	const t = PAGE_TEXT[view.lang].preferences;
	const { name } = p.definition;
	const id = `purpose-${name}`;
	const state = t.currently(p.allowed ? t.on : t.off, t.reasons[p.reason]);
	const essential = p.definition.essential === true;
	const attrs = [
		`type="checkbox"`,
		`id="${id}"`,
		// Essential is not a choice: shown, never submitted.
		essential ? "" : `name="${escapeHtml(name)}" value="on"`,
		p.allowed ? "checked" : "",
		essential || p.locked ? "disabled" : "",
		`aria-describedby="${id}-description ${id}-state${p.locked ? ` ${id}-locked` : ""}"`,
	].filter(Boolean);
	const locked = p.locked ? `<p class="hint" id="${id}-locked">${escapeHtml(t.gpcLocked)}</p>` : "";
	return `<div class="purpose">
<input ${attrs.join(" ")}>
<label for="${id}">${escapeHtml(p.definition.label[view.lang])}</label>
<p id="${id}-description">${escapeHtml(p.definition.description[view.lang])}</p>
<p class="state" id="${id}-state">${escapeHtml(state)}</p>
${locked}</div>`;
}

function changeSummary(view: PreferencesView, record: ConsentRecord, labels: Map<string, string>): string {
	const t = PAGE_TEXT[view.lang].preferences;
	const parts = Object.entries(record.changes).map(([name, allowed]) =>
		t.changed(labels.get(name) ?? name, allowed ? t.allowed : t.denied),
	);
	return parts.length > 0 ? parts.join(t.listSeparator) : t.noPurposeChange;
}

function historySection(view: PreferencesView): string {
	const t = PAGE_TEXT[view.lang].preferences;
	const heading = `<h2 id="history-heading">${escapeHtml(t.historyHeading)}</h2>`;
	if (view.history === null) return `<section>${heading}<p>${escapeHtml(t.historyUnavailable)}</p></section>`;
	if (view.history.length === 0) return `<section>${heading}<p>${escapeHtml(t.historyEmpty)}</p></section>`;
	const labels = new Map(view.purposes.map((p) => [p.definition.name, p.definition.label[view.lang]]));
	const rows = view.history
		.map((record) => {
			const when = t.when(record.timestamp);
			const how = t.sources[record.source] ?? record.source;
			return `<tr><td><time datetime="${escapeHtml(record.timestamp)}">${escapeHtml(when)}</time></td><td>${escapeHtml(changeSummary(view, record, labels))}</td><td>${escapeHtml(how)}</td></tr>`;
		})
		.join("\n");
	const truncated =
		view.history.length >= view.historyLimit
			? `<p class="hint">${escapeHtml(t.historyTruncated(view.history.length))}</p>`
			: "";
	// The table's scrollable region is the history's one landmark: a named section too would be a second
	// "Your consent history" in the landmark list.
	return `<section>
${heading}
<p>${escapeHtml(t.historyIntro)}</p>
<div class="table-wrap" role="region" aria-labelledby="history-heading" tabindex="0">
<table>
<thead><tr><th scope="col">${escapeHtml(t.columns.date)}</th><th scope="col">${escapeHtml(t.columns.change)}</th><th scope="col">${escapeHtml(t.columns.how)}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
${truncated}</section>`;
}

/** Links, not forms: the download is a plain GET, and erasure asks first on a page of its own. */
function yourDataSection(view: PreferencesView): string {
	const t = PAGE_TEXT[view.lang].yourData;
	return `<section>
<h2>${escapeHtml(t.heading)}</h2>
<p>${escapeHtml(t.intro)}</p>
<ul>
<li><a href="${EXPORT_LOCATION}" download>${escapeHtml(t.download)}</a></li>
<li><a href="${ERASE_LOCATION}?lang=${view.lang}">${escapeHtml(t.erase)}</a></li>
</ul>
</section>`;
}

/**
 * The form is `autocomplete="off"`: else a browser coming Back to the page (re-fetched, as it is never
 * cached) restores the boxes as they were left, unsaved, so a box contradicts the stored choice and
 * the "Currently" line beside it.
 */
export function preferencesMain(view: PreferencesView): string {
	const t = PAGE_TEXT[view.lang].preferences;
	const saved =
		view.outcome === null
			? ""
			: view.outcome === "not-kept"
				? `<p class="notice warning" role="alert">${escapeHtml(t.notKept)}</p>`
				: `<p class="notice" role="status">${escapeHtml(saveMessage(view.lang, view.outcome))}</p>`;
	// A passive line, never a dialog: 11 CCR 7025(f) forbids pop-ups in response to the signal.
	const gpc = view.gpc
		? `<div class="gpc-status" id="gpc-status"><strong>${escapeHtml(t.gpcStatus)}</strong>${escapeHtml(t.gpcExplanation)}</div>`
		: "";
	const back = view.returnTo
		? `<p class="return"><a href="${escapeHtml(view.returnTo)}">${escapeHtml(t.backTo(new URL(view.returnTo).host))}</a></p>`
		: "";
	return `<h1>${escapeHtml(t.title)}</h1>
<p>${escapeHtml(t.intro)}</p>
${saved}${back}${gpc}
<form method="post" action="${SAVE_ACTION}" autocomplete="off">
${FORM_MARKER}
<fieldset>
<legend>${escapeHtml(t.legend)}</legend>
${view.purposes.map((p) => purposeRow(view, p)).join("\n")}
</fieldset>
<div class="actions">
<button type="submit" class="button">${escapeHtml(t.save)}</button>
<button type="submit" class="button" formaction="${OPT_OUT_ACTION}" aria-describedby="actions-hint">${escapeHtml(t.optOutAll)}</button>
</div>
<p class="hint" id="actions-hint">${escapeHtml(t.actionsHint)}</p>
</form>
${view.provisionNotice}${historySection(view)}
${yourDataSection(view)}`;
}
