/**
 * An erased subject's "no" to marketing email outlives it: when its linked address had `email` off,
 * erasure leaves a global suppression holding only the address's keyed hash, so the address is not
 * mailed again once the subject's choices are gone (its lookups fall back to the defaults, which
 * allow marketing email in opt-out regions). An address whose subject allowed email is not suppressed.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashEmail, normalizeEmail } from "../../workers/email/email-address";
import { call, json, keyed } from "./email-fixtures";

const CA = { country: "US", regionCode: "CA" };

const link = (subject: string, email: string, purposes: Record<string, boolean>) =>
	call("/v1/consent", keyed({ method: "PUT", cf: CA, ...json({ subject, email, purposes }) }));
const erase = (subject: string) => call(`/v1/subjects/${subject}`, keyed({ method: "DELETE" }));
const suppressed = async (email: string, list = "news") =>
	(
		await (
			await call(`/v1/suppressions?email=${encodeURIComponent(email)}&list=${list}`, keyed())
		).json<{ suppressed: boolean }>()
	).suppressed;

describe("erasure and email suppressions", () => {
	it("an erased subject's email opt-out stays as a hashed global suppression", async () => {
		const email = "Erased.Reader@Example.com";
		expect((await link("user:erase-mail", email, { email: false })).status).toBe(200);
		expect(await suppressed(email)).toBe(false);
		expect((await erase("user:erase-mail")).status).toBe(204);

		const after = await (await call("/v1/consent?subject=user:erase-mail", keyed({ cf: CA }))).json<{
			reasons: Record<string, string>;
		}>();
		expect(after.reasons.email).toBe("default");
		expect(await suppressed(email)).toBe(true);
		expect(await suppressed(email, "other-list")).toBe(true);
		const hash = await hashEmail(normalizeEmail(email) ?? "", env.EMAIL_HASH_KEY);
		const rows = await env.DB.prepare("SELECT * FROM email_suppressions WHERE email_hash = ?")
			.bind(hash)
			.all<Record<string, unknown>>();
		expect(rows.results).toEqual([
			{ email_hash: hash, list: "*", created_at: expect.any(Number), source: "erasure" },
		]);
		expect(JSON.stringify(rows.results)).not.toMatch(/erase-mail|reader/i);
	});

	it("suppresses nothing for a subject that allowed email or linked no address", async () => {
		expect((await link("user:erase-mail-yes", "wanted.mail@example.com", { email: true })).status).toBe(200);
		expect((await erase("user:erase-mail-yes")).status).toBe(204);
		expect(await suppressed("wanted.mail@example.com")).toBe(false);

		const before = await env.DB.prepare("SELECT count(*) AS n FROM email_suppressions").first<{
			n: number;
		}>();
		await call(
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				...json({ subject: "user:erase-no-mail", purposes: { email: false } }),
			}),
		);
		expect((await erase("user:erase-no-mail")).status).toBe(204);
		const after = await env.DB.prepare("SELECT count(*) AS n FROM email_suppressions").first<{ n: number }>();
		expect(after?.n).toBe(before?.n);
	});
});
