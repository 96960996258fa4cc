/**
 * Reference `response-floor` (not a target): answers with the exact status, headers and body of one
 * probed `cookie-decision` response, computed nothing. Against `noop` it shows what the runtime
 * charges for the request and answer themselves (a ~1 KB body, a signed cookie, five headers),
 * before any logic.
 */
import { replayingWorker } from "./replayed-answer.js";

export default replayingWorker(() => null);
