/**
 * Jurisdictions and their consent model. Opt-in: the EU/EEA (incl. Norway, Iceland,
 * Liechtenstein), the UK, Switzerland and unknown locations (`ZZ`). Everything else is opt-out
 * unless listed here.
 */
import type { ConsentModel } from "./purposes";

const OPT_IN_COUNTRIES: ReadonlySet<string> = new Set([
	// EU member states
	"AT",
	"BE",
	"BG",
	"HR",
	"CY",
	"CZ",
	"DK",
	"EE",
	"FI",
	"FR",
	"DE",
	"GR",
	"HU",
	"IE",
	"IT",
	"LV",
	"LT",
	"LU",
	"MT",
	"NL",
	"PL",
	"PT",
	"RO",
	"SK",
	"SI",
	"ES",
	"SE",
	// EEA, UK, Switzerland
	"NO",
	"IS",
	"LI",
	"GB",
	"CH",
	// Unknown location: fail towards consent.
	"ZZ",
]);

/**
 * The regions a US jurisdiction may name (`US-CA`): ISO 3166-2:US, the 50 states, DC, and the outlying
 * areas with codes of their own (AS, GU, MP, PR, UM, VI), grouped by first letter.
 */
export const US_REGION =
	/^(?:A[KLRSZ]|C[AOT]|D[CE]|FL|G[AU]|HI|I[ADLN]|K[SY]|LA|M[ADEINOPST]|N[CDEHJMVY]|O[HKR]|P[AR]|RI|S[CD]|T[NX]|U[MT]|V[AIT]|W[AIVY])$/;

export function consentModelFor(jurisdiction: string): ConsentModel {
	const country = jurisdiction.slice(0, 2);
	return OPT_IN_COUNTRIES.has(country) ? "opt-in" : "opt-out";
}

/** Country part of a jurisdiction (`US-CA` → `US`). */
export function countryOf(jurisdiction: string): string {
	return jurisdiction.slice(0, 2);
}
