/** The contract's decision document: what pages, SDKs and ad tags read. */
import { BoundedMemo } from "../memo/bounded-memo";
import { type ConsentModeStates, consentModeFor } from "../signals/consent-mode";
import { gppSignalFor } from "../signals/gpp";
import type { Decision, Reason } from "./decide-consent";

export interface DecisionDocument {
	subject: string | null;
	purposes: Record<string, boolean>;
	reasons: Record<string, Reason>;
	gpc: boolean;
	jurisdiction: string;
	version: number;
	prompt: boolean;
	consentMode: ConsentModeStates;
	gpp: string;
	gppSid: number[];
	gppSections: Record<string, Record<string, unknown>>;
}

export interface DocumentContext {
	readonly subject: string | null;
	readonly gpc: boolean;
	readonly jurisdiction: string;
}

export function decisionDocument(decision: Decision, context: DocumentContext): DecisionDocument {
	const gpp = gppSignalFor(context.jurisdiction, decision.purposes, context.gpc);
	return {
		subject: context.subject,
		purposes: decision.purposes,
		reasons: decision.reasons,
		gpc: context.gpc,
		jurisdiction: context.jurisdiction,
		version: decision.version,
		prompt: decision.prompt,
		consentMode: consentModeFor(decision.purposes),
		gpp: gpp.gpp,
		gppSid: gpp.gppSid,
		gppSections: gpp.gppSections,
	};
}

/**
 * The document's JSON around its two per-subject fields: `head` runs from `purposes` to
 * `jurisdiction`, `tail` from `prompt` to the closing brace.
 */
interface DocumentText {
	readonly head: string;
	readonly tail: string;
}

// Everything but the subject and the record version follows from a few allowed/reason pairs, the
// signal and the location, and visitors share these: the text (with its GPP section, the most of
// it) is serialised once per shape. Bounded: debug geo headers could name many places.
const texts = new BoundedMemo<string, DocumentText>(1024);

/** Exactly `JSON.stringify(decisionDocument(decision, context))`, from the shape's remembered text. */
export function decisionBody(decision: Decision, context: DocumentContext): string {
	const { purposes, reasons } = decision;
	let shape = `${context.jurisdiction}\n${context.gpc ? 1 : 0}${decision.prompt ? 1 : 0}`;
	for (const name in purposes) shape += `\n${name}=${purposes[name]}`;
	for (const name in reasons) shape += `\n${name}:${reasons[name]}`;
	const text = texts.get(shape, () => documentText(decision, context));
	return `{"subject":${JSON.stringify(context.subject)},${text.head},"version":${JSON.stringify(decision.version)},${text.tail}`;
}

function documentText(decision: Decision, context: DocumentContext): DocumentText {
	const doc = decisionDocument(decision, context);
	const { purposes, reasons, gpc, jurisdiction, prompt, consentMode, gpp, gppSid, gppSections } = doc;
	return {
		head: JSON.stringify({ purposes, reasons, gpc, jurisdiction }).slice(1, -1),
		tail: JSON.stringify({ prompt, consentMode, gpp, gppSid, gppSections }).slice(1),
	};
}
