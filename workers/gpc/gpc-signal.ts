/**
 * Global Privacy Control detection per the W3C spec: `Sec-GPC` is a signal only when a
 * comma-separated member equals `1` after trimming (Headers.get joins repeated fields with ", ").
 * Any other value is no signal, never an opt-in.
 */
import { requestHeader } from "../http/request-inputs";

export function isGpcSignal(value: string | null): boolean {
	if (value === null) return false;
	if (value === "1") return true;
	for (const member of value.split(",")) {
		if (member.trim() === "1") return true;
	}
	return false;
}

export function requestHasGpc(request: Request): boolean {
	return isGpcSignal(requestHeader(request, "Sec-GPC"));
}
