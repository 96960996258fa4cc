/**
 * The public suffixes the guess in public-suffix.ts knows, as data. Taken from the Public Suffix List
 * (https://publicsuffix.org/list/, checked against the 2023-02-09 copy Debian's `publicsuffix`
 * package ships), which is under the Mozilla Public License 2.0 (https://mozilla.org/MPL/2.0/): these
 * tables are a subset of it and under that licence. The whole list (9,506 rules, 40 KiB gzipped) does
 * not fit the bundle; README, Configuration, says what is left out.
 */

/**
 * Second-level labels that are registries under many two-letter country codes (PSL ICANN section:
 * `co.uk`, `com.au`, `or.jp`). `ne` and `nic` are not among them: registries under a few only
 * (below), they made sites of other countries (`ne.ch`, `nic.at`) suffixes.
 */
export const SECOND_LEVEL_REGISTRIES: ReadonlySet<string> = new Set(
	"ac co com edu gob gov go gouv ltd me mil net nom or org plc sch".split(" "),
);

/** Two-label suffixes by name: a host under one is its own site. */
export const TWO_LABEL_SUFFIXES: ReadonlySet<string> = new Set([
	// Shared hosting where every subdomain is its own site (PSL private section, common ones).
	..."appspot.com azurewebsites.net blogspot.com cloudfront.net deno.dev firebaseapp.com fly.dev github.io gitlab.io herokuapp.com myshopify.com netlify.app onrender.com pages.dev r2.dev run.app trycloudflare.com vercel.app web.app workers.dev".split(
		" ",
	),
	// Japan: registries for JPNIC members, schools, groups and local governments, and the 47
	// prefectures (都道府県型 names: example.tokyo.jp). City-level names (chiyoda.tokyo.jp) are not here.
	..."ad ed gr lg aichi akita aomori chiba ehime fukui fukuoka fukushima gifu gunma hiroshima hokkaido hyogo ibaraki ishikawa iwate kagawa kagoshima kanagawa kochi kumamoto kyoto mie miyagi miyazaki nagano nagasaki nara niigata oita okayama okinawa osaka saga saitama shiga shimane shizuoka tochigi tokushima tokyo tottori toyama wakayama yamagata yamaguchi yamanashi"
		.split(" ")
		.map((label) => `${label}.jp`),
	..."jp ke kr pw tz ug us".split(" ").map((cc) => `ne.${cc}`),
	..."in tj za".split(" ").map((cc) => `nic.${cc}`),
]);
