/** Baseline `passthrough-html`: proxies every request to ORIGIN and streams the answer back unmodified. */
export default {
	fetch(request, env) {
		const url = new URL(request.url);
		return fetch(`${env.ORIGIN}${url.pathname}${url.search}`, {
			method: request.method,
			headers: request.headers,
			body: request.body,
			redirect: "manual",
		});
	},
};
