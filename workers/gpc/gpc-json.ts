/** GET /.well-known/gpc.json: the site-wide statement that GPC is honoured (GPC spec §4). */
import { settingsFor } from "../config/settings";

export function gpcJson(_request: Request, env: Env): Response {
	const body = JSON.stringify({ gpc: true, lastUpdate: settingsFor(env).gpcLastUpdate });
	return new Response(body, {
		headers: {
			"Content-Type": "application/json",
			"Cache-Control": "public, max-age=86400",
			"Access-Control-Allow-Origin": "*",
		},
	});
}
