/**
 * Reading request bodies within the contract's limits: 16 KiB, JSON (or a form where the route
 * allows one), malformed JSON 400, other types 415. The raw text is kept for idempotency hashing.
 */
import { HttpError } from "./http-error";
import { requestMethod } from "./request-inputs";

export const MAX_BODY_BYTES = 16 * 1024;

// Made once: a decode without `stream` starts afresh each time, so a decoder holds nothing between bodies.
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const LENIENT_UTF8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

export type BodyKind = "json" | "form";

export interface ParsedBody {
	kind: BodyKind;
	/** The raw body, for hashing. */
	raw: string;
	/** Parsed JSON value, or the form's fields. */
	value: unknown;
	form?: FormData;
}

export function bodyKind(request: Request): BodyKind | null {
	const type = (request.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
	if (type === "application/json" || (type.startsWith("application/") && type.endsWith("+json")))
		return "json";
	if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") return "form";
	return null;
}

export function isFormPost(request: Request): boolean {
	return requestMethod(request) === "POST" && bodyKind(request) === "form";
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
	// As the rate limit reads it (a body declared too large is refused uncounted): `Infinity` is too large.
	if (Number(request.headers.get("Content-Length")) > limit) throw tooLarge(limit);
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read().catch(() => {
			// The client broke off or sent a malformed body (a short body, a bad chunk): its fault.
			throw new HttpError(400, "invalid_body", "The body could not be read in full.");
		});
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			throw tooLarge(limit);
		}
		chunks.push(value);
	}
	return joinedBytes(chunks, size);
}

/** Pieces of bytes as one array, `size` bytes in all. */
export function joinedBytes(pieces: readonly Uint8Array[], size: number): Uint8Array {
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const piece of pieces) {
		bytes.set(piece, offset);
		offset += piece.byteLength;
	}
	return bytes;
}

/**
 * The Content-Type without its `charset` parameter. Fields are decoded as UTF-8 (leniently) whatever
 * the label says; the runtime's form parser refuses labels such as `us-ascii` or `iso-8859-1`, which
 * turned a one-click `List-Unsubscribe=One-Click` (plain ASCII) into a 400.
 */
function withoutCharset(type: string): string {
	return type.replace(/;\s*charset\s*=\s*("[^"]*"|[^;]*)/gi, "");
}

/**
 * A body sent with a content coding (gzip, deflate, br) is refused (RFC 9110 15.5.16): read as if
 * plain, a compressed preference form had no purpose field and was saved as all denied, and plain
 * bytes labelled gzip were taken for what the label said they were not.
 */
function refuseContentCoding(request: Request): void {
	const coding = request.headers.get("Content-Encoding")?.trim().toLowerCase();
	if (!coding || coding === "identity") return;
	throw new HttpError(415, "unsupported_media_type", "Send the body without a Content-Encoding.", {
		"Accept-Encoding": "identity",
	});
}

function tooLarge(limit: number) {
	return new HttpError(413, "payload_too_large", `The body must be at most ${limit} bytes.`);
}

export async function readBody(
	request: Request,
	allowed: readonly BodyKind[],
	limit = MAX_BODY_BYTES,
): Promise<ParsedBody> {
	const kind = bodyKind(request);
	if (!kind || !allowed.includes(kind)) {
		const expected = allowed.includes("form") ? "application/json or a form" : "application/json";
		throw new HttpError(415, "unsupported_media_type", `Send the body as ${expected}.`);
	}
	refuseContentCoding(request);
	const bytes = await readLimited(request, limit);
	if (kind === "json") {
		let raw: string;
		try {
			raw = STRICT_UTF8.decode(bytes);
		} catch {
			throw new HttpError(400, "invalid_json", "The body is not valid UTF-8.");
		}
		try {
			return { kind, raw, value: JSON.parse(raw) };
		} catch {
			throw new HttpError(400, "invalid_json", "The body is not valid JSON.");
		}
	}
	// A form may carry fields nobody reads in another encoding (a Shift_JIS site's hidden field, a
	// file part): its text is decoded leniently, as the form parser decodes each field, never a 400.
	const raw = LENIENT_UTF8.decode(bytes);
	let form: FormData;
	try {
		form = await new Request("http://body.invalid/", {
			method: "POST",
			headers: { "Content-Type": withoutCharset(request.headers.get("Content-Type") ?? "") },
			body: bytes,
		}).formData();
	} catch {
		throw new HttpError(400, "invalid_body", "The form body could not be parsed.");
	}
	const fields: Record<string, string> = Object.create(null);
	for (const [name, value] of form) if (typeof value === "string" && !(name in fields)) fields[name] = value;
	return { kind, raw, value: fields, form };
}
