/** The contract's decision document: what pages, SDKs and ad tags read. */
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

export function decisionDocument(
	decision: Decision,
	context: { subject: string | null; gpc: boolean; jurisdiction: string },
): DecisionDocument {
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
