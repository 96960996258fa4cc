/**
 * Guesses a host's public suffix without shipping the Public Suffix List: one label, or two for the
 * common second-level registries under country codes (co.uk, com.au, co.jp) and the two-label
 * suffixes listed by name (hosting services, Japan's prefectures: public-suffix-list.ts). Good enough
 * to pick cookie domains and to match `brand.*` host patterns.
 */
import { SECOND_LEVEL_REGISTRIES, TWO_LABEL_SUFFIXES } from "./public-suffix-list";

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Whether `host` is an IP literal (cookies and suffix rules do not apply to those). */
export function isIpHost(host: string): boolean {
	return host.includes(":") || host.startsWith("[") || IPV4.test(host);
}

/** The guessed public suffix of a lower-case host name, e.g. `co.uk` for `www.example.co.uk`. */
export function publicSuffix(host: string): string {
	const last = host.lastIndexOf(".");
	if (last === -1) return host;
	const second = host.lastIndexOf(".", last - 1);
	const lastTwo = host.slice(second + 1);
	if (TWO_LABEL_SUFFIXES.has(lastTwo)) return lastTwo;
	if (host.length - last - 1 === 2 && SECOND_LEVEL_REGISTRIES.has(host.slice(second + 1, last)))
		return lastTwo;
	return host.slice(last + 1);
}

/** The site (eTLD+1) of a host, or null for IP literals, single labels and bare suffixes. */
export function registrableDomain(host: string): string | null {
	if (isIpHost(host)) return null;
	const suffix = publicSuffix(host);
	if (suffix.length >= host.length) return null;
	const dot = host.lastIndexOf(".", host.length - suffix.length - 2);
	return host.slice(dot + 1);
}

/** The host without its public suffix: `www.amazon` for `www.amazon.co.uk`. */
export function withoutPublicSuffix(host: string): string {
	const suffix = publicSuffix(host);
	return suffix.length >= host.length ? "" : host.slice(0, host.length - suffix.length - 1);
}
