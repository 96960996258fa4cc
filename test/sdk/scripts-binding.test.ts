/**
 * The two scripts' texts come from the scripts Worker over the SCRIPTS binding (http/script-text.ts):
 * read once per isolate by the routes serving them, checked against this build's SHA-256, and never
 * read on the hot paths (a guarded page names the runtime's version without the text). The cases run
 * in order in one isolate: the failed reads first, as a read that succeeds stays for the isolate.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { guardRuntime, RUNTIME_PATH } from "../../workers/guard/guard-runtime";
import { RUNTIME_SOURCE } from "../../workers/guard/runtime-source";
import { CONSENT_SDK_SOURCE } from "../../workers/sdk/consent-sdk-source";
import { buildSdkAsset } from "../../workers/sdk/sdk-asset";
import { fakeOrigin, guardEnv, RUNTIME_TAGS, VISITORS, visit } from "../guard/guard-fixtures";
import { callWithEnv } from "../helpers";

/** A SCRIPTS binding answering `answer` and counting the paths asked for. */
function scriptsBinding(answer: (path: string) => Response | Promise<Response>) {
	const asked: string[] = [];
	const binding = {
		fetch: async (input: RequestInfo | URL) => {
			const path = new URL(input instanceof Request ? input.url : input).pathname;
			asked.push(path);
			return answer(path);
		},
	} as unknown as Fetcher;
	return { binding, asked };
}

const version = guardRuntime(undefined).version;
const PAGE = "<!doctype html><html><head><title>t</title></head><body>hi</body></html>";

afterEach(() => vi.restoreAllMocks());

describe("the scripts' texts over the SCRIPTS binding", () => {
	it("are not read for a guarded page, which names the runtime's version all the same", async () => {
		const scripts = scriptsBinding(() => {
			throw new Error("read on a hot path");
		});
		fakeOrigin(() => new Response(PAGE, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
		const testEnv = guardEnv({}) as Env;
		const res = await visit("/", VISITORS.optedOut, {}, { ...testEnv, SCRIPTS: scripts.binding });
		expect(await res.text()).toContain(RUNTIME_TAGS.optedOut);
		expect(RUNTIME_TAGS.optedOut).toContain(`v=${version}`);
		expect(scripts.asked).toEqual([]);
	});

	it("answer 503 with Retry-After, without details, while the scripts Worker fails or serves another build", async () => {
		for (const answer of [
			() => new Response("Not found", { status: 404 }),
			() => new Response("(function(){})(window,document,__CONSENT_EDGE_CONFIG__);"),
			(): Response => {
				throw new Error("unreachable");
			},
		]) {
			const scripts = scriptsBinding(answer);
			const testEnv = { ...env, SCRIPTS: scripts.binding } as Env;
			for (const path of ["/consent.js", `${RUNTIME_PATH}?deny=ads&v=${version}`]) {
				const res = await callWithEnv(testEnv, path);
				expect(res.status, path).toBe(503);
				expect(res.headers.get("Retry-After")).toBe("5");
				const body = (await res.json()) as { error: { code: string; message: string } };
				expect(body.error.code).toBe("script_unavailable");
				expect(JSON.stringify(body)).not.toMatch(/consent-edge-scripts|SHA|build/);
			}
			expect(scripts.asked).toEqual(["/consent-sdk.js", "/runtime.js"]);
		}
	});

	it("are read once per isolate after a failure, and served as built", async () => {
		const scripts = scriptsBinding((path) => env.SCRIPTS.fetch(`https://consent-edge-scripts${path}`));
		const testEnv = { ...env, SCRIPTS: scripts.binding } as Env;
		const plain = await callWithEnv(testEnv, "/consent.js");
		expect(await plain.text()).toBe((await buildSdkAsset(CONSENT_SDK_SOURCE)).body);
		const gpc = await callWithEnv(testEnv, "/consent.js", { headers: { "Sec-GPC": "1" } });
		expect(gpc.status).toBe(200);
		await gpc.body?.cancel();
		for (const deny of ["ads", "analytics"]) {
			const res = await callWithEnv(testEnv, `${RUNTIME_PATH}?deny=${deny}&v=${version}`);
			expect(await res.text()).toBe(guardRuntime(undefined).script(RUNTIME_SOURCE, [deny as "ads"]));
		}
		expect(scripts.asked).toEqual(["/consent-sdk.js", "/runtime.js"]);
	});
});
