/**
 * Linking an address that is already suppressed: unsubscribe-then-link and link-then-unsubscribe
 * agree. An unsubscribe turns `email` off for the subjects linked at that moment; a keyed PUT that
 * newly links a suppressed address (an imported list, an earlier unsubscribe) turns it off too,
 * unless that write chooses `email` itself.
 */
import { describe, expect, it } from "vitest";
import { call, issueLink, json, keyed, oneClick, pathOf } from "./email-fixtures";

const CA = { country: "US", regionCode: "CA" };

async function emailOf(
	subject: string,
): Promise<{ allowed: boolean | undefined; reason: string | undefined }> {
	const res = await call(`/v1/consent?subject=${subject}`, keyed({ cf: CA }));
	const doc = await res.json<{ purposes: Record<string, boolean>; reasons: Record<string, string> }>();
	return { allowed: doc.purposes.email, reason: doc.reasons.email };
}

async function link(subject: string, email: string, purposes: Record<string, boolean> = { analytics: true }) {
	const res = await call("/v1/consent", {
		method: "PUT",
		...json({ subject, email, purposes }, keyed({ cf: CA })),
	});
	expect(res.status).toBe(200);
	return res.json<{ purposes: Record<string, boolean> }>();
}

const unsubscribe = async (email: string, list: string) =>
	oneClick(pathOf((await issueLink(email, list)).url));

describe("linking an address that is already suppressed", () => {
	it("gives the same email decision whichever came first", async () => {
		await link("user:first-linked", "order-a@example.com");
		await unsubscribe("order-a@example.com", "*");
		expect(await emailOf("user:first-linked")).toEqual({ allowed: false, reason: "explicit" });

		await unsubscribe("order-b@example.com", "*");
		expect(await emailOf("user:linked-later")).toEqual({ allowed: true, reason: "default" });
		// The write's own answer already says so.
		expect((await link("user:linked-later", "order-b@example.com")).purposes.email).toBe(false);
		expect(await emailOf("user:linked-later")).toEqual({ allowed: false, reason: "explicit" });
	});

	it("follows a suppression for one list as an unsubscribe from it does", async () => {
		await unsubscribe("order-c@example.com", "news");
		await link("user:linked-news", "order-c@example.com");
		expect((await emailOf("user:linked-news")).allowed).toBe(false);
	});

	it("leaves email alone when the linking write chooses it, or the address was linked already", async () => {
		await unsubscribe("order-d@example.com", "*");
		expect((await link("user:chooses", "order-d@example.com", { email: true })).purposes.email).toBe(true);
		// Linked and opted back in: a later sync of the same address does not undo that choice.
		await link("user:resync", "order-d@example.com");
		await link("user:resync", "order-d@example.com", { email: true });
		expect((await link("user:resync", "order-d@example.com")).purposes.email).toBe(true);
	});

	it("does nothing for an address with no suppression", async () => {
		await link("user:clean", "order-e@example.com");
		expect(await emailOf("user:clean")).toEqual({ allowed: true, reason: "default" });
	});
});
