/**
 * Email addresses are never stored raw: they are normalised (trimmed, NFC, lower-cased, IDN domain
 * in punycode) and hashed with HMAC-SHA-256 under EMAIL_HASH_KEY, which is never rotated so hashes
 * stay comparable.
 */
import { hmacSign } from "../crypto/hmac";

/**
 * A dot-atom local part: RFC 5322's atext, plus letters, marks and digits of any script (RFC 6531,
 * SMTPUTF8: `ユーザー@例え.jp`); no spaces, controls or quoted forms. 64 is RFC 5321's limit in octets.
 */
const LOCAL = /^[\p{L}\p{M}\p{N}.!#$%&'*+/=?^_`{|}~-]+$/u;
const MAX_LOCAL_OCTETS = 64;
const utf8 = new TextEncoder();
/**
 * ASCII a domain may not hold before IDNA: anything but letters, digits, `-` and `.`. The URL host
 * parser would act on it (cut at `/` `?` `#` `:`, drop tabs, decode `%41`) and turn a non-address
 * like `a@example.com/x` into another, real one.
 */
const DOMAIN_FORBIDDEN_ASCII = /[^a-z0-9.\-\u0080-\uffff]/;
const HOSTNAME = /^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/;

/** The normalised address, or null when it is not a plausible address. */
export function normalizeEmail(input: string): string | null {
	return normalize(input, true);
}

/**
 * `foldSigma`: final `ς` read as `σ`. Lower-casing alone gave `ΟΔΥΣΣΕΥΣ.Α` `σ` but `οδυσσευς.α`
 * `ς` (final-sigma rule), two hashes for one address; the IDNA mapping keeps `ς` in a domain too.
 */
function normalize(input: string, foldSigma: boolean): string | null {
	// NFC: the same address typed with composed or decomposed characters is one address.
	const lower = input.trim().normalize("NFC").toLowerCase();
	const trimmed = foldSigma ? lower.replaceAll("ς", "σ") : lower;
	if (trimmed.length > 254) return null;
	const at = trimmed.lastIndexOf("@");
	if (at <= 0 || at === trimmed.length - 1) return null;
	const local = trimmed.slice(0, at);
	const domain = trimmed.slice(at + 1);
	if (!LOCAL.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes("..")) return null;
	if (utf8.encode(local).length > MAX_LOCAL_OCTETS) return null;
	if (DOMAIN_FORBIDDEN_ASCII.test(domain)) return null;
	let ascii: string;
	try {
		ascii = new URL(`http://${domain}/`).hostname;
	} catch {
		return null;
	}
	// A numeric last label means the parser read an IPv4 address (`0x7f.1`, `2130706433`): no mail domain.
	if (!HOSTNAME.test(ascii) || /\.\d+$/.test(ascii)) return null;
	return `${local}@${ascii}`;
}

export async function hashEmail(normalized: string, key: string): Promise<string> {
	return hmacSign(key, `email:${normalized}`);
}

/**
 * The address's hash, then those of the forms the normalisation gave it before folding `ς`, under
 * which older rows are stored: as typed, and as typed in capitals (each `Σ` lower-cased by its
 * context). Only an address holding a sigma has any, so others cost nothing more.
 */
export async function emailHashes(input: string, normalized: string, key: string): Promise<string[]> {
	const forms = new Set([normalized]);
	if (/[σςΣ]/.test(input)) {
		for (const typed of [input, input.replace(/[σς]/g, "Σ")])
			forms.add(normalize(typed, false) ?? normalized);
	}
	return Promise.all([...forms].map((form) => hashEmail(form, key)));
}
