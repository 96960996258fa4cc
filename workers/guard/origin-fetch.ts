/**
 * Calls ORIGIN with a deadline on its answer (not on the body, which streams for as long as it takes).
 * No answer in time is a 504, a failed connection a 502: thrown as GatewayError, answered by
 * gatewayResponse with a small body in the format the visitor asked for. An upload counts as the
 * origin still being busy: the deadline starts again at every chunk of it the origin takes, so a
 * large file sent slowly is not cut off (with a 504) while it is still arriving.
 */
import { HttpError } from "../http/http-error";
import { errorResponse, htmlErrorResponse } from "../http/responses";
import type { UpstreamRequest } from "./upstream-request";

export class GatewayError extends HttpError {}

export async function fetchOrigin(upstream: UpstreamRequest, timeoutMs: number): Promise<Response> {
	const controller = new AbortController();
	let answered = false;
	let timer: ReturnType<typeof setTimeout> | null = null;
	const restartClock = () => {
		if (answered) return;
		if (timer !== null) clearTimeout(timer);
		timer = setTimeout(() => controller.abort(), timeoutMs);
	};
	restartClock();
	const { body, headers } = upstream.init;
	const upload =
		body instanceof ReadableStream ? pacedUpload(body, headers.get("Content-Length"), restartClock) : null;
	try {
		return await fetch(upstream.url, {
			...upstream.init,
			body: upload ? upload.stream : body,
			signal: controller.signal,
		});
	} catch (err) {
		if (upload?.belied()) {
			throw new HttpError(400, "invalid_body", "The request body did not match its Content-Length.");
		}
		if (controller.signal.aborted) {
			console.warn(`origin did not answer within ${timeoutMs} ms`);
			throw new GatewayError(504, "gateway_timeout", "The site did not answer in time.");
		}
		console.warn("origin unreachable", err);
		throw new GatewayError(502, "bad_gateway", "The site could not be reached.");
	} finally {
		answered = true;
		if (timer !== null) clearTimeout(timer);
	}
}

interface PacedUpload {
	readonly stream: ReadableStream<Uint8Array>;
	/**
	 * Whether the visitor's body ended short of its Content-Length or ran past it: FixedLengthStream
	 * then fails the fetch, and that is the request's fault (a 400), not the origin's (a 502).
	 */
	readonly belied: () => boolean;
}

/**
 * The upload as the origin takes it, `onChunk` called at each chunk. A body the visitor sent with its
 * length keeps it (FixedLengthStream): an origin refusing chunked uploads still gets a Content-Length.
 */
function pacedUpload(body: ReadableStream, contentLength: string | null, onChunk: () => void): PacedUpload {
	const length = contentLength !== null && /^\d{1,15}$/.test(contentLength) ? Number(contentLength) : null;
	const upload = length === null ? new IdentityTransformStream() : new FixedLengthStream(length);
	let received = 0;
	let ended = false;
	const paced = new TransformStream<Uint8Array, Uint8Array>({
		transform(chunk, controller) {
			onChunk();
			received += chunk.byteLength;
			controller.enqueue(chunk);
		},
		flush() {
			ended = true;
		},
	});
	// A visitor who breaks off the upload fails the fetch reading it (a 502): nothing to report here.
	body
		.pipeThrough(paced)
		.pipeTo(upload.writable)
		.catch(() => {});
	return {
		stream: upload.readable,
		belied: () => length !== null && (received > length || (ended && received < length)),
	};
}

/** An HTML page for people (navigations and anything accepting HTML), the contract's JSON otherwise. */
export function gatewayResponse(err: HttpError, request: Request): Response {
	const accept = request.headers.get("Accept") ?? "";
	return accept.includes("text/html") ? htmlErrorResponse(err) : errorResponse(err);
}
