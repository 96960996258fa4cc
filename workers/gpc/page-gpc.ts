/**
 * Global Privacy Control seen only by the page: `navigator.globalPrivacyControl` is true while the
 * request carries no `Sec-GPC` (some extensions and privacy browsers, a service worker's fetch), and
 * page JavaScript cannot set that header (a forbidden name). The SDK passes the page's signal as
 * `?gpc=1` on its own calls. Like the header, only `1` is a signal; anything else is none, never an
 * opt-in.
 */
export function pageReportsGpc(url: URL): boolean {
	return url.searchParams.getAll("gpc").includes("1");
}

const PAGE_GPC_QUERY = "?gpc=1";

/** Whether the request URL's whole query is the SDK's `?gpc=1` (so the signal is told without parsing it). */
export function pageGpcQueryAlone(url: string): boolean {
	return url.endsWith(PAGE_GPC_QUERY) && url.indexOf("?") === url.length - PAGE_GPC_QUERY.length;
}
