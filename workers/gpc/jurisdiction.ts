/**
 * The request's jurisdiction: `US-<regionCode>` in the US, else the ISO country code, `ZZ` when
 * unknown. From `request.cf`, or from `X-Debug-Geo` when `DEBUG_GEO` is "true" (local runs only).
 */
const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

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

export function requestJurisdiction(request: Request, debugGeo: string | undefined): string {
	if (debugGeo === "true") {
		const override = request.headers.get("X-Debug-Geo")?.trim().toUpperCase();
		if (override && JURISDICTION.test(override)) return override;
	}
	return jurisdictionFromCf(request.cf as GeoSource | undefined);
}
