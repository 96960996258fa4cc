/** Guard mode: every path the worker does not own is proxied to ORIGIN (being built). */
import { HttpError } from "../http/http-error";
import { errorResponse } from "../http/responses";

export async function guardRequest(_request: Request, _env: Env, _ctx: ExecutionContext): Promise<Response> {
	return errorResponse(new HttpError(404, "not_found", "No such endpoint."));
}
