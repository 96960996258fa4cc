/**
 * POST /v1/opt-out's body: a keyed call names its subject (and policy) in JSON or in a form, and a
 * JSON body of the wrong type is 400 `invalid_body` like any schema violation.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, call, countRecords, json, keyed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

const code = async (res: Response) => (await res.json<{ error: { code: string } }>()).error.code;

async function latestPolicy(subject: string) {
	const row = await env.DB.prepare(
		"SELECT policy_version FROM consent_records WHERE subject = ? ORDER BY version DESC",
	)
		.bind(subject)
		.first<{ policy_version: string | null }>();
	return row?.policy_version;
}

describe("a keyed form post to /v1/opt-out", () => {
	it("names its subject in an urlencoded field and is answered 303", async () => {
		const res = await call(
			"/v1/opt-out",
			keyed({ method: "POST", cf: CA, headers: FORM, body: "subject=user%3Aformkeyed&extra=1" }),
		);
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/preferences?saved=1");
		expect(await countRecords("user:formkeyed")).toBe(1);
		const doc = await (await call("/v1/consent?subject=user:formkeyed", keyed({ cf: CA }))).json<{
			purposes: Record<string, boolean>;
		}>();
		expect(doc.purposes).toMatchObject({ analytics: false, ads: false, sale: false, email: false });
	});

	it("names its subject and policy version in multipart fields", async () => {
		const form = new FormData();
		form.set("subject", "user:formmulti");
		form.set("policyVersion", "2025-01");
		form.set("note", "ignored");
		const res = await call("/v1/opt-out", keyed({ method: "POST", cf: CA, body: form }));
		expect(res.status).toBe(303);
		expect(await countRecords("user:formmulti")).toBe(1);
		expect(await latestPolicy("user:formmulti")).toBe("2025-01");
	});

	it("without a valid subject is 400 and writes nothing", async () => {
		for (const body of ["", "extra=1", "subject=..", `subject=${"x".repeat(129)}`, "policyVersion=1"]) {
			const res = await call("/v1/opt-out", keyed({ method: "POST", cf: CA, headers: FORM, body }));
			expect(res.status, body).toBe(400);
		}
		const tooLong = await call(
			"/v1/opt-out",
			keyed({
				method: "POST",
				cf: CA,
				headers: FORM,
				body: `subject=user:formbad&policyVersion=${"p".repeat(65)}`,
			}),
		);
		expect(tooLong.status).toBe(400);
		expect(await countRecords("user:formbad")).toBe(0);
	});
});

describe("a visitor's form post to /v1/opt-out", () => {
	it("still opts the visitor out whatever its fields name", async () => {
		const visitor = new Visitor(CA);
		const res = await visitor.fetch("/v1/opt-out", {
			method: "POST",
			headers: { ...FORM, Origin: BASE },
			body: `subject=user%3Aformvictim&policyVersion=&note=1`,
		});
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/preferences?saved=1");
		expect(await countRecords("user:formvictim")).toBe(0);
		const doc = await (await visitor.fetch("/v1/consent")).json<{
			subject: string;
			purposes: Record<string, boolean>;
		}>();
		expect(doc.purposes.analytics).toBe(false);
		expect(await countRecords(doc.subject)).toBe(1);
	});
});

describe("JSON bodies of the wrong type", () => {
	it.each(["[1,2]", "[]", "null", '"x"', "5", "true", '[{"subject":"user:1"}]'])(
		"a visitor's opt-out with %s is 400 invalid_body and writes nothing",
		async (body) => {
			const visitor = new Visitor(CA);
			const res = await visitor.fetch("/v1/opt-out", {
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body,
			});
			expect(res.status).toBe(400);
			expect(await code(res)).toBe("invalid_body");
			const doc = await (await visitor.fetch("/v1/consent")).json<{ subject: string; version: number }>();
			expect(doc.version).toBe(0);
			expect(await countRecords(doc.subject)).toBe(0);
		},
	);

	it.each(["null", "[]", '[{"subject":"user:arr"}]'])(
		"a keyed opt-out with %s is 400 invalid_body",
		async (body) => {
			const res = await call(
				"/v1/opt-out",
				keyed({ method: "POST", headers: { "Content-Type": "application/json" }, body }),
			);
			expect(res.status).toBe(400);
			expect(await code(res)).toBe("invalid_body");
		},
	);

	it("an empty body and {} still opt out", async () => {
		expect((await call("/v1/opt-out", { method: "POST", cf: CA })).status).toBe(200);
		expect((await call("/v1/opt-out", { method: "POST", cf: CA, ...json({}) })).status).toBe(200);
	});

	it("an empty form (a lone unnamed button) is a form post all the same: 303, and the opt-out stored", async () => {
		const visitor = new Visitor(CA);
		for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
			const res = await visitor.fetch("/v1/opt-out", {
				method: "POST",
				headers: { "Content-Type": type, "Content-Length": "0", Origin: BASE },
				body: "",
			});
			expect(res.status, type).toBe(303);
			expect(res.headers.get("Location")).toBe("/preferences?saved=1");
		}
		const doc = await (await visitor.fetch("/v1/consent")).json<{ purposes: Record<string, boolean> }>();
		expect(doc.purposes).toMatchObject({ analytics: false, ads: false, sale: false, email: false });
	});

	it.each(["null", "[]", '[{"subject":"user:arr","purposes":{}}]', '[{"purposes":{"ads":false}}]'])(
		"PUT /v1/consent with %s is 400 invalid_body (visitor and keyed)",
		async (body) => {
			const init = { method: "PUT", headers: { "Content-Type": "application/json" }, body };
			for (const res of [
				await call("/v1/consent", { ...init, cf: CA }),
				await call("/v1/consent", keyed(init)),
			]) {
				expect(res.status).toBe(400);
				expect(await code(res)).toBe("invalid_body");
			}
		},
	);
});

describe("a policy version's characters", () => {
	// Shown back in exports and records: a control character or half a surrogate pair would be stored
	// (the latter as replacement characters) and handed back as something the site never sent.
	it.each(["v1\u0000", "v1\n", "\t2025", "v\u007f", "v\u0085", "v\ud800", "\udc00v"])(
		"%j is 400 invalid_body on PUT and opt-out, and writes nothing",
		async (policyVersion) => {
			const subject = `user:policychars${policyVersion.codePointAt(policyVersion.length - 1)}`;
			const put = await call(
				"/v1/consent",
				keyed({ method: "PUT", cf: CA, ...json({ subject, purposes: { ads: false }, policyVersion }) }),
			);
			expect(put.status).toBe(400);
			expect(await code(put)).toBe("invalid_body");
			const optOut = await call(
				"/v1/opt-out",
				keyed({ method: "POST", cf: CA, ...json({ subject, policyVersion }) }),
			);
			expect(optOut.status).toBe(400);
			expect(await code(optOut)).toBe("invalid_body");
			expect(await countRecords(subject)).toBe(0);
		},
	);

	it("any other text is kept as sent, astral characters too", async () => {
		const policyVersion = "2025-01 ポリシー 🍪 v2";
		const res = await call(
			"/v1/opt-out",
			keyed({ method: "POST", cf: CA, ...json({ subject: "user:policytext", policyVersion }) }),
		);
		expect(res.status).toBe(200);
		expect(await latestPolicy("user:policytext")).toBe(policyVersion);
	});
});

describe("what a failed opt-out says", () => {
	it("a keyed form post without a subject: its HTML 400 names the field", async () => {
		for (const body of ["", "extra=1", "policyVersion=1"]) {
			const res = await call("/v1/opt-out", keyed({ method: "POST", cf: CA, headers: FORM, body }));
			expect(res.status, body).toBe(400);
			expect(res.headers.get("Content-Type")).toContain("text/html");
			expect(await res.text(), body).toContain("subject must be 1-128 characters");
		}
	});

	it("a visitor's refused form post gets the people's page only, not the developer's message", async () => {
		const res = await new Visitor(CA).fetch("/v1/opt-out", {
			method: "POST",
			headers: { ...FORM, Origin: "https://evil.example" },
			body: "",
		});
		expect(res.status).toBe(403);
		const page = await res.text();
		expect(page).toContain("Choices can only be sent from this site");
		expect(page).not.toContain("allowed origins");
	});

	it("an empty text/plain body is 415, as any text/plain body is, and opts nothing out", async () => {
		const visitor = new Visitor(CA);
		for (const headers of <Record<string, string>[]>[
			{ "Content-Type": "text/plain" },
			{ "Content-Type": "text/plain", "Content-Length": "0" },
		]) {
			const res = await visitor.fetch("/v1/opt-out", { method: "POST", headers, body: "" });
			expect(res.status).toBe(415);
			expect(await code(res)).toBe("unsupported_media_type");
		}
		const doc = await (await visitor.fetch("/v1/consent")).json<{ version: number }>();
		expect(doc.version).toBe(0);
		// Nothing at all, no type, is still an opt-out (a bare `fetch(url, {method: "POST"})`).
		expect((await visitor.fetch("/v1/opt-out", { method: "POST" })).status).toBe(200);
	});
});
