/**
 * Who may export or erase whose data: only the admin key. A missing or wrong key is 401, a scoped
 * key (reader, sender) 403, a visitor's own cookie 401; each answer is the same whether or not
 * anything is stored for the subject, and none changes anything.
 */
import { describe, expect, it } from "vitest";
import { callWithEnv, countRecords, envWith, json, keyed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const scoped = envWith({ READER_API_KEY: "reader-key", SENDER_API_KEY: "sender-key" } as Partial<Env>);

describe("subject rights: who may ask", () => {
	it("refuses every other caller alike, for a stored subject and an unknown one", async () => {
		const subject = "user:rights-auth";
		const put = json({ subject, purposes: { ads: false } });
		expect((await callWithEnv(scoped, "/v1/consent", keyed({ method: "PUT", cf: CA, ...put }))).status).toBe(
			200,
		);
		const visitor = new Visitor(CA);
		await visitor.fetch("/v1/consent");
		const callers: [string, RequestInit, number][] = [
			["no key", {}, 401],
			["wrong key", { headers: { Authorization: "Bearer wrong" } }, 401],
			["not bearer", { headers: { Authorization: "Basic dGVzdA==" } }, 401],
			["reader key", keyed({}, "reader-key"), 403],
			["sender key", keyed({}, "sender-key"), 403],
			["visitor cookie", { headers: { Cookie: visitor.cookieHeader() } }, 401],
		];
		for (const [who, init, status] of callers) {
			for (const method of ["GET", "DELETE"]) {
				const answers = [];
				for (const target of [subject, "user:rights-nobody"]) {
					const path = method === "GET" ? `/v1/subjects/${target}/export` : `/v1/subjects/${target}`;
					const res = await callWithEnv(scoped, path, { ...init, method });
					expect(res.status, `${who} ${method}`).toBe(status);
					// RFC 9110 15.5.2: a 401 names the scheme it wants, as every other keyed route's does.
					if (status === 401)
						expect(res.headers.get("WWW-Authenticate"), `${who} ${method}`).toBe(
							'Bearer realm="consent-edge"',
						);
					answers.push(await res.text());
				}
				expect(answers[0], `${who} ${method}`).toBe(answers[1]);
				expect(JSON.parse(answers[0] ?? "").error.code).toBe(status === 401 ? "unauthorized" : "forbidden");
			}
		}
		expect(await countRecords(subject)).toBe(1);
	});

	it("says what a subject may be when one is refused, in the query, the body or the path", async () => {
		const rule = "subject must be 1-128 characters of A-Z a-z 0-9 . _ : @ - and not only dots.";
		const refusals: [string, RequestInit, string][] = [
			["/v1/consent?subject=..", keyed({}), "invalid_query"],
			[
				"/v1/consent",
				keyed({ method: "PUT", cf: CA, ...json({ subject: "a b", purposes: {} }) }),
				"invalid_body",
			],
			["/v1/subjects/a%20b/export", keyed({}), "invalid_subject"],
			[`/v1/subjects/${"s".repeat(129)}`, keyed({ method: "DELETE" }), "invalid_subject"],
		];
		for (const [path, init, code] of refusals) {
			const res = await callWithEnv(scoped, path, init);
			expect(res.status, path).toBe(400);
			expect(await res.json(), path).toEqual({ error: { code, message: rule } });
		}
	});

	it("answers a keyless records call 401 with the Bearer challenge", async () => {
		const res = await callWithEnv(scoped, "/v1/subjects/user:rights-auth/records");
		expect(res.status).toBe(401);
		expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="consent-edge"');
	});
});
