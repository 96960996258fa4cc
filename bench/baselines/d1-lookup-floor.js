/**
 * Reference `d1-lookup-floor` (not a target): the storage calls a cold visitor lookup makes, with no
 * logic around them: a KV get that misses, then the D1 point read (`?s=<subject>`). (The visitor's
 * answer carries a freshly signed `ce_consent`, so since session 12 it fills no KV entry: see
 * workers/consent/lookup-state.ts, LookupOptions.fill.) Keys are unique per request (and apart from
 * the Worker's `state:` keys), so every get misses as a cold visitor's would. The read goes through a
 * Sessions API session, as the Worker's does (`withSession("first-unconstrained")`: on Cloudflare it
 * may be answered by a read replica, and it hands back the X-D1-Bookmark). In Miniflare's D1 a query
 * made in a session commits and fsyncs the database's WAL (one fsync and two WAL writes per query,
 * seen with strace; the same read without a session makes none), so a floor without one would leave
 * out part of what the Worker's read costs here (bench/HISTORY.md, session 14).
 *
 * `/session?s=` (`d1-session-floor`, measured on demand: `BENCH_ONLY=d1-session-floor`) makes the read
 * in a session alone, without the KV get, to show what each of the two calls costs.
 */
export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const subject = url.searchParams.get("s") ?? "";
		const key = `floor:${subject}:${crypto.randomUUID()}`;
		const cached =
			url.pathname === "/session" ? null : await env.CONSENT_KV.get(key, { type: "json", cacheTtl: 30 });
		const row = await env.DB.withSession("first-unconstrained")
			.prepare("SELECT * FROM consent_subjects WHERE subject = ?1")
			.bind(subject)
			.first();
		return Response.json(cached ?? row);
	},
};
