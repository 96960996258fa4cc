/** Baseline `noop`: a fixed small JSON answer; the runtime's floor for any request. */
const BODY = '{"ok":true}';

export default {
	fetch() {
		return new Response(BODY, { headers: { "Content-Type": "application/json; charset=utf-8" } });
	},
};
