/**
 * The header fields the origin's `Connection` names belong to the connection between it and the
 * guard, not to the visitor's (RFC 9110 §7.6.1: a proxy removes them before relaying). workerd drops
 * `Connection` and `Keep-Alive` from what it sends on, but relays the fields named there. (The same
 * cannot be done upstream: workerd removes a visitor's `Connection` before the Worker sees it.)
 */
import { members } from "./response-headers";

/** Connection options that name no field workerd would relay (it handles these itself). */
const OPTIONS = new Set(["close", "keep-alive", "upgrade"]);

/** The fields `headers`' Connection names, lower case: empty for a switched protocol (101). */
export function connectionFields(status: number, headers: Headers): string[] {
	if (status === 101) return [];
	const connection = headers.get("Connection");
	if (connection === null) return [];
	return members(connection)
		.map((name) => name.toLowerCase())
		.filter((name) => !OPTIONS.has(name));
}
