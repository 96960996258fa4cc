/**
 * readBody's encodings: a JSON body must be UTF-8 (400 invalid_json otherwise); a form body may carry
 * bytes in another encoding in fields nobody reads, and is parsed all the same.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HttpError } from "../../workers/http/http-error";
import { readBody } from "../../workers/http/request-body";
import { BASE, call, callWithEnv, countRecords, keyed } from "../helpers";

const bytes = (...parts: (string | number[])[]) =>
	new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...new TextEncoder().encode(p)] : p)));

const post = (type: string, body: Uint8Array) =>
	new Request(`${BASE}/`, { method: "POST", headers: { "Content-Type": type }, body });

describe("readBody", () => {
	it("refuses JSON that is not UTF-8 as invalid_json", async () => {
		const err = await readBody(post("application/json", bytes('{"note":"caf', [0xe9], '"}')), ["json"]).catch(
			(e: unknown) => e,
		);
		expect(err).toBeInstanceOf(HttpError);
		expect((err as HttpError).status).toBe(400);
		expect((err as HttpError).code).toBe("invalid_json");
	});

	it("parses a form whose unread fields are not UTF-8", async () => {
		const body = await readBody(
			post("application/x-www-form-urlencoded", bytes("note=caf", [0xe9], "&subject=user%3A1")),
			["form"],
		);
		expect(body.kind).toBe("form");
		expect((body.value as Record<string, string>).subject).toBe("user:1");
		expect(body.raw.startsWith("note=caf")).toBe(true);
	});

	it("keeps a UTF-8 form's text as sent, for idempotency hashing", async () => {
		const body = await readBody(post("application/x-www-form-urlencoded", bytes("note=caf\u00e9&a=1")), [
			"form",
		]);
		expect(body.raw).toBe("note=caf\u00e9&a=1");
	});
});

describe("form posts with fields that are not UTF-8", () => {
	it("a keyed opt-out still names its subject", async () => {
		const res = await call(
			"/v1/opt-out",
			keyed({
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded" },
				body: bytes("note=", [0x83, 0x65], "&subject=user%3Asjis"),
			}),
		);
		expect(res.status).toBe(303);
		expect(await countRecords("user:sjis")).toBe(1);
	});

	it("a visitor's opt-out is answered 303", async () => {
		const res = await call("/v1/opt-out", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
			body: bytes("form=preferences&note=caf", [0xe9]),
		});
		expect(res.status).toBe(303);
	});
});

describe("a body the client breaks off (a short body, a bad chunk)", () => {
	/** A body stream that delivers a little, then fails as a connection lost mid-upload does. */
	const brokenBody = (start: string) =>
		new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(new TextEncoder().encode(start));
			},
			pull(controller) {
				controller.error(new Error("Network connection lost."));
			},
		});
	const send = (path: string, type: string, start: string, init: RequestInit = {}) => {
		const headers = new Headers(init.headers);
		headers.set("Content-Type", type);
		headers.set("Origin", BASE);
		// Straight to the worker's fetch: through a binding the runtime would end the stream instead.
		return callWithEnv(env, path, {
			...init,
			headers,
			body: brokenBody(start),
			duplex: "half",
		} as RequestInit);
	};

	it("is a 400 in the contract's shape on every route that reads one, never a 5xx", async () => {
		const json = "application/json";
		const form = "application/x-www-form-urlencoded";
		for (const [path, method, init] of [
			["/v1/consent", "PUT", keyed()],
			["/v1/consent", "PUT", {}],
			["/v1/opt-out", "POST", {}],
			["/v1/unsubscribe-links", "POST", keyed()],
		] as const) {
			const res = await send(path, json, '{"purposes":', { ...init, method });
			expect(res.status, `${method} ${path}`).toBe(400);
			const error = (await res.json<{ error: { code: string; message: string } }>()).error;
			expect(error.code).toBe("invalid_body");
			expect(error.message).not.toContain("Network");
		}
		// A form post's error is a page (the contract: errors keep their status, with an HTML body).
		const optOut = await send("/v1/opt-out", form, "x=1", { method: "POST" });
		expect(optOut.status).toBe(400);
		expect(optOut.headers.get("Content-Type")).toMatch(/^text\/html/);
		const page = await send("/preferences", form, "analytics=on", { method: "POST" });
		expect(page.status).toBe(400);
		expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
	});
});

describe("a body with a Content-Encoding (gzip, deflate, br)", () => {
	const gzip = async (text: string) =>
		new Uint8Array(
			await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
		);
	const CA = { country: "US", regionCode: "CA" };
	const VID = "encodedBodyVisitor_012345";

	it("is a 415 naming identity as the coding accepted, never read as if plain", async () => {
		const json = await gzip('{"subject":"user:gz","purposes":{"ads":false}}');
		const res = await call(
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
				body: json,
			}),
		);
		expect(res.status).toBe(415);
		expect(res.headers.get("Accept-Encoding")).toBe("identity");
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("unsupported_media_type");
		// Plain bytes labelled gzip are not taken as plain either: the label is what was sent.
		const labelled = await call(
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				headers: { "Content-Type": "application/json", "Content-Encoding": "deflate" },
				body: '{"subject":"user:gz","purposes":{"ads":false}}',
			}),
		);
		expect(labelled.status).toBe(415);
		expect(await countRecords("user:gz")).toBe(0);
	});

	it("does not save a compressed preference form as all unchecked", async () => {
		const cookie = `ce_vid=${VID}`;
		const choose = await call("/preferences", {
			method: "POST",
			cf: CA,
			headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, Origin: BASE },
			body: "analytics=on&personalization=on&ads=on&sale=on&email=on",
		});
		expect(choose.status).toBe(303);
		const res = await call("/preferences", {
			method: "POST",
			cf: CA,
			headers: {
				"Content-Type": "application/x-www-form-urlencoded",
				"Content-Encoding": "gzip",
				Cookie: cookie,
				Origin: BASE,
			},
			body: await gzip("analytics=on&personalization=on&ads=on&sale=on&email=on"),
		});
		// A form post's error keeps its status, with an HTML body (CONTRACT.md).
		expect(res.status).toBe(415);
		expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
		const doc = await call("/v1/consent", { cf: CA, headers: { Cookie: cookie } });
		expect((await doc.json<{ purposes: Record<string, boolean> }>()).purposes).toMatchObject({
			analytics: true,
			personalization: true,
			ads: true,
		});
	});

	it("is read as usual with Content-Encoding: identity", async () => {
		const res = await call(
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				headers: { "Content-Type": "application/json", "Content-Encoding": "Identity" },
				body: '{"subject":"user:identity","purposes":{"ads":false}}',
			}),
		);
		expect(res.status).toBe(200);
	});
});
