/**
 * The browser scripts' texts, read from the scripts Worker (workers/scripts/) over the SCRIPTS service
 * binding once per isolate, only by the routes serving them (/consent.js, /v1/guard/runtime.js). Each
 * text must have the SHA-256 this deployment was built with: a scripts Worker from another build would
 * otherwise serve a script that disagrees with the version guarded pages name. Either failure is the
 * deployment's, not the request's, and passes once both Workers agree: 503 with Retry-After, the
 * details logged only.
 */
import { toBase64Url } from "../crypto/encoding";
import { HttpError } from "./http-error";

export type ScriptName = "consent-sdk.js" | "runtime.js";

const texts = new Map<ScriptName, Promise<string>>();

export function scriptText(env: Env, name: ScriptName, sha256: string): Promise<string> {
	let text = texts.get(name);
	if (text === undefined) {
		text = readScriptText(env, name, sha256).catch((err: unknown) => {
			// A failed read is retried by the next request instead of being cached.
			texts.delete(name);
			throw err;
		});
		texts.set(name, text);
	}
	return text;
}

function unavailable(detail: string): HttpError {
	console.error(`script text unavailable: ${detail}`);
	return new HttpError(503, "script_unavailable", "The script is unavailable; retry shortly.", {
		"Retry-After": "5",
	});
}

async function readScriptText(env: Env, name: ScriptName, sha256: string): Promise<string> {
	let res: Response;
	try {
		res = await env.SCRIPTS.fetch(`https://consent-edge-scripts/${name}`);
	} catch (err) {
		throw unavailable(`consent-edge-scripts unreachable for ${name}: ${String(err)}`);
	}
	if (!res.ok) {
		await res.body?.cancel();
		throw unavailable(`consent-edge-scripts answered ${res.status} for ${name}`);
	}
	const text = await res.text();
	const digest = toBase64Url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
	if (digest !== sha256)
		throw unavailable(`consent-edge-scripts serves another build's ${name}: deploy both`);
	return text;
}
