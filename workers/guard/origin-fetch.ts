/**
 * Calls ORIGIN with a deadline on its answer (not on the body, which streams for as long as it takes).
 * No answer in time is a 504, a failed connection a 502: thrown as GatewayError, answered by
 * gatewayResponse with a small body in the format the visitor asked for.
 */
import { HttpError } from "../http/http-error";
import { errorResponse, htmlErrorResponse } from "../http/responses";
import type { UpstreamRequest } from "./upstream-request";

export class GatewayError extends HttpError {}

export async function fetchOrigin(upstream: UpstreamRequest, timeoutMs: number): Promise<Response> {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), timeoutMs);
	try {
		return await fetch(upstream.url, { ...upstream.init, signal: controller.signal });
	} catch (err) {
		if (controller.signal.aborted) {
			console.warn(`origin did not answer within ${timeoutMs} ms`);
			throw new GatewayError(504, "gateway_timeout", "The site did not answer in time.");
		}
		console.warn("origin unreachable", err);
		throw new GatewayError(502, "bad_gateway", "The site could not be reached.");
	} finally {
		clearTimeout(timer);
	}
}

/** An HTML page for people (navigations and anything accepting HTML), the contract's JSON otherwise. */
export function gatewayResponse(err: GatewayError, request: Request): Response {
	const accept = request.headers.get("Accept") ?? "";
	return accept.includes("text/html") ? htmlErrorResponse(err) : errorResponse(err);
}
