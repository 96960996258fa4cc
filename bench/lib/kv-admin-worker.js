/**
 * Bench-only helper worker bound to the Worker's KV namespace: bulk puts and deletes run inside
 * workerd, where a thousand operations take milliseconds instead of a thousand proxy round trips.
 * POST /put [[key, value, expirationTtl]...]; POST /delete [key...] answers how many existed.
 */
export default {
	async fetch(request, env) {
		const { pathname } = new URL(request.url);
		const items = await request.json();
		if (pathname === "/put") {
			await Promise.all(items.map(([k, v, ttl]) => env.CONSENT_KV.put(k, v, { expirationTtl: ttl })));
			return Response.json({ put: items.length });
		}
		if (pathname === "/delete") {
			const found = await Promise.all(items.map((k) => env.CONSENT_KV.get(k)));
			await Promise.all(items.map((k) => env.CONSENT_KV.delete(k)));
			return Response.json({ existed: found.filter((v) => v !== null).length });
		}
		return new Response("not found", { status: 404 });
	},
};
