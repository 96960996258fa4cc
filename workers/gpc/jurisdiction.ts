/**
 * The request's jurisdiction: `US-<regionCode>` in the US, else the ISO country code, `ZZ` when
 * unknown. From `request.cf` (remembered for a minute by client address), or from `X-Debug-Geo` when
 * `DEBUG_GEO` is "true" (local runs only).
 */
import { US_REGION } from "../config/jurisdictions";
import { badQuery, HttpError } from "../http/http-error";
import { requestHeader } from "../http/request-inputs";
import { BoundedMemo } from "../memo/bounded-memo";

// A country (T1, Tor, included) and an optional region, as `request.cf` gives them.
const DEBUG_OVERRIDE = /^([A-Z][A-Z0-9])(?:-([A-Z0-9]{1,3}))?$/;

export interface GeoSource {
	country?: unknown;
	regionCode?: unknown;
}

export function jurisdictionFromCf(cf: GeoSource | undefined): string {
	const country = typeof cf?.country === "string" ? cf.country.toUpperCase() : "";
	// T1 is Tor, XX unknown: neither says where the person is.
	if (!/^[A-Z]{2}$/.test(country) || country === "T1" || country === "XX") return "ZZ";
	if (country === "US") {
		const region = typeof cf?.regionCode === "string" ? cf.regionCode.toUpperCase() : "";
		return /^[A-Z0-9]{1,3}$/.test(region) ? `US-${region}` : "US";
	}
	return country;
}

// A keyed call's `?jurisdiction=`: a country code, and a region in the US (`DE`, `US`, `US-CA`, `ZZ`;
// `T1`, Tor, as request.cf and a forwarded CF-IPCountry say it).
const STATED = /^([A-Z]{2}|T1)(?:-([A-Z0-9]{1,3}))?$/i;

/**
 * Codes CLDR names that are not a country's: groupings (the EU, the euro area, the UN, Outlying
 * Oceania), pseudo-locales, and ISO's reservations for parts of a country (Canary Islands, Ceuta and
 * Melilla are Spain's, ES to request.cf). Read as a country, each got opt-out defaults.
 */
const NOT_COUNTRIES = /^(E[AUZ]|UN|QO|X[AB]|AC|CP|CQ|DG|IC|TA)$/;
let regionNames: Intl.DisplayNames | undefined;

/**
 * The country a stated code names, under its current code (the runtime's CLDR data: `UK` is GB,
 * `DD` DE), or null for a code no country has: an unlisted code decides as an opt-out country, so
 * `?jurisdiction=UK` gave a person in Britain every purpose allowed. `XX` is request.cf's unknown.
 */
function statedCountry(code: string): string | null {
	const country = new Intl.Locale("und", { region: code }).region as string;
	regionNames ??= new Intl.DisplayNames("en", { type: "region" });
	return country === "XX" || (regionNames.of(country) !== country && !NOT_COUNTRIES.test(country))
		? country
		: null;
}

/**
 * Where a server-to-server call says the person is (`?jurisdiction=`), read as `request.cf` is
 * read; null when not given. The call's own location is its server's, not the person's. Given
 * twice, malformed or naming no country, a 400 `invalid_query`.
 */
export function statedJurisdiction(url: URL): string | null {
	const values = url.searchParams.getAll("jurisdiction");
	if (values.length === 0) return null;
	const stated = values.length === 1 ? STATED.exec(values[0] ?? "") : null;
	const code = stated?.[1]?.toUpperCase();
	const country = code === "T1" ? code : code ? statedCountry(code) : null;
	// Only a US region changes a decision (purposes' overrides, GPP): a made-up state was decided as
	// `US` under a name no state has. Another country's region is read as that country, unchecked.
	const region = stated?.[2]?.toUpperCase();
	if (!country || (country === "US" && region && !US_REGION.test(region)))
		throw badQuery("jurisdiction: give it once, as a country code or US-<state>, e.g. DE or US-CA.");
	return jurisdictionFromCf({ country, regionCode: region });
}

/**
 * Locations by client address, for a minute. Cloudflare locates a request by its connecting address
 * (`request.cf.country` is the `CF-IPCountry` of that address), so within one isolate (one machine in
 * one data centre) requests from the same `CF-Connecting-IP` come from the same place, and a visitor's
 * repeat requests need not have `request.cf` parsed and frozen again (about a tenth of a cookie-decided
 * answer's work, bench/HISTORY.md). A minute bounds how long a change of the address's location (a
 * geolocation update) could go unseen. Held in memory only, never logged or stored.
 */
const LOCATION_TTL_MS = 60_000;
const locations = new BoundedMemo<string, { readonly jurisdiction: string; readonly until: number }>(4096);

/**
 * An `X-Debug-Geo` (read under DEBUG_GEO) naming a US state there is none of (`US-XX`), or a code no
 * country has (`EU`), refused as `?jurisdiction=` refuses one: decided as a place no one is in (`EU`
 * with opt-out defaults), a developer's typo went unseen.
 */
export function refuseUnknownDebugState(request: Request): void {
	const override = DEBUG_OVERRIDE.exec(requestHeader(request, "X-Debug-Geo")?.trim().toUpperCase() ?? "");
	if (
		(override?.[1] === "US" && override[2] !== undefined && !US_REGION.test(override[2])) ||
		(override && debugCountry(override[1] as string) === null)
	)
		throw new HttpError(
			400,
			"invalid_header",
			"X-Debug-Geo: give a country code or US-<state>, e.g. DE or US-CA.",
		);
}

/** An override's country as `?jurisdiction=` reads it (`UK` is GB), XX and T1 as they are; else null. */
function debugCountry(code: string): string | null {
	return code === "XX" || code === "T1" || !/^[A-Z]{2}$/.test(code) ? code : statedCountry(code);
}

/** The request's jurisdiction (`now` in ms since the epoch, for the address memo above). */
export function requestJurisdiction(request: Request, debugGeo: string | undefined, now: number): string {
	if (debugGeo === "true") {
		const override = DEBUG_OVERRIDE.exec(requestHeader(request, "X-Debug-Geo")?.trim().toUpperCase() ?? "");
		// Read as request.cf is: `XX` and `T1` are ZZ, and a region counts only in the US.
		// A code naming no country (refused up front by the entry) decides as an unknown place.
		if (override)
			return jurisdictionFromCf({ country: debugCountry(override[1] as string), regionCode: override[2] });
	}
	const address = requestHeader(request, "CF-Connecting-IP");
	if (address === null) return jurisdictionFromCf(request.cf as GeoSource | undefined);
	const known = locations.peek(address);
	if (known !== undefined && now < known.until) return known.jurisdiction;
	const jurisdiction = jurisdictionFromCf(request.cf as GeoSource | undefined);
	locations.set(address, { jurisdiction, until: now + LOCATION_TTL_MS });
	return jurisdiction;
}
