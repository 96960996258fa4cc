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
