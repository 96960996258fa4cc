/**
 * The one typed error for expected failures. The error handler turns it into the contract's JSON
 * shape `{"error": {"code", "message"}}`, or an HTML page where the route serves people.
 */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
		this.name = "HttpError";
	}
}

export const badQuery = (message: string) => new HttpError(400, "invalid_query", message);
export const badBody = (message: string) => new HttpError(400, "invalid_body", message);
export const unauthorized = (message = "A valid API key is required.") =>
	new HttpError(401, "unauthorized", message, { "WWW-Authenticate": 'Bearer realm="consent-edge"' });
export const storageUnavailable = () =>
	new HttpError(503, "storage_unavailable", "Storage is unavailable; retry shortly.", { "Retry-After": "5" });
