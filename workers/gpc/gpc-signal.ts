/**
 * Global Privacy Control detection per the W3C spec: `Sec-GPC` is a signal only when a
 * comma-separated member equals `1` after trimming (Headers.get joins repeated fields with ", ").
 * Any other value is no signal, never an opt-in. Trimming drops HTTP's optional whitespace only
 * (SP and HTAB, RFC 9110 §5.6.3): String#trim would also drop NBSP, VT and FF, making "\u00a01" a signal.
 */
import { requestHeader } from "../http/request-inputs";

const OWS_AROUND_ONE = /^[ \t]*1[ \t]*$/;

export function isGpcSignal(value: string | null): boolean {
	if (value === null) return false;
	if (value === "1") return true;
	for (const member of value.split(",")) {
		if (OWS_AROUND_ONE.test(member)) return true;
	}
	return false;
}

export function requestHasGpc(request: Request): boolean {
	return isGpcSignal(requestHeader(request, "Sec-GPC"));
}
