import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callWithEnv, countRecords, json, keyed, Visitor } from "../helpers";

const CA = { country: "US", regionCode: "CA" };
const GPC = { "Sec-GPC": "1" };
type Doc = {
	subject: string;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
	version: number;
};

/** A browser that keeps its cookies, each call waiting for the worker's background work (the GPC record). */
const browser = () => new Visitor(CA, { waitForBackground: true });

async function records(subject: string) {
	const res = await callWithEnv(env, `/v1/subjects/${subject}/records`, keyed());
	return (
		await res.json<{ records: { source: string; purposes: Record<string, boolean>; gpc: boolean }[] }>()
	).records;
}

describe("GPC persistence", () => {
	it("a cookieless first request with GPC writes nothing", async () => {
		const b = browser();
		const doc = await (await b.fetch("/v1/consent", { headers: GPC })).json<Doc>();
		expect(doc.reasons.ads).toBe("gpc");
		expect(await countRecords(doc.subject)).toBe(0);
	});

	it("a known visitor's signal is recorded once, and the opt-out outlives the signal", async () => {
		const b = browser();
		const first = await (await b.fetch("/v1/consent")).json<Doc>();
		expect(first.purposes.ads).toBe(true);
		await b.fetch("/v1/consent", { headers: GPC });
		expect(await countRecords(first.subject)).toBe(1);
		const [record] = await records(first.subject);
		expect(record).toMatchObject({ source: "gpc", gpc: true, purposes: { ads: false, sale: false } });
		// Repeated signals write nothing more: the cookie already carries the opt-out.
		for (let i = 0; i < 3; i++) await b.fetch("/v1/consent", { headers: GPC });
		await b.fetch("/v1/check?purpose=ads", { headers: GPC });
		expect(await countRecords(first.subject)).toBe(1);
		// Without the signal, and without the cookie's help, the visitor stays opted out.
		b.cookies.delete("ce_consent");
		const later = await (await b.fetch("/v1/consent")).json<Doc>();
		expect(later.purposes).toMatchObject({ ads: false, sale: false, analytics: true });
		expect(later.reasons).toMatchObject({ ads: "gpc", sale: "gpc", analytics: "default" });
	});

	it("/v1/check never writes, even for a known visitor with GPC; their next decision request records it", async () => {
		const b = browser();
		const { subject } = await (await b.fetch("/v1/consent")).json<Doc>();
		for (const purpose of ["ads", "analytics"]) {
			const res = await b.fetch(`/v1/check?purpose=${purpose}`, { headers: GPC });
			expect(res.status).toBe(200);
			expect(res.headers.getSetCookie()).toEqual([]);
		}
		expect(await countRecords(subject)).toBe(0);
		await b.fetch("/v1/consent", { headers: GPC });
		expect(await countRecords(subject)).toBe(1);
	});

	it("a keyed subject's signal is recorded, except for what the same write chose", async () => {
		await callWithEnv(
			env,
			"/v1/consent",
			keyed({
				method: "PUT",
				cf: CA,
				...json({ subject: "user:gpc", purposes: { ads: true } }, { headers: GPC }),
			}),
		);
		const list = await records("user:gpc");
		expect(list.map((r) => r.source)).toEqual(["gpc", "api"]);
		expect(list[0]?.purposes).toEqual({ ads: true, sale: false });
		const doc = await (
			await callWithEnv(env, "/v1/consent?subject=user:gpc", keyed({ cf: CA, headers: GPC }))
		).json<Doc>();
		// GPC beats the stored opt-in, and a later request with the signal records that opt-out too.
		expect(doc.reasons.ads).toBe("gpc");
		expect((await records("user:gpc")).map((r) => r.source)).toEqual(["gpc", "gpc", "api"]);
		const quiet = await (
			await callWithEnv(env, "/v1/consent?subject=user:gpc", keyed({ cf: CA }))
		).json<Doc>();
		expect(quiet.purposes).toMatchObject({ ads: false, sale: false });
		expect(quiet.reasons).toMatchObject({ ads: "gpc", sale: "gpc" });
	});

	it("an already recorded opt-out is not recorded again", async () => {
		await callWithEnv(
			env,
			"/v1/opt-out",
			keyed({ method: "POST", cf: CA, ...json({ subject: "user:already" }) }),
		);
		await callWithEnv(env, "/v1/consent?subject=user:already", keyed({ cf: CA, headers: GPC }));
		expect(await countRecords("user:already")).toBe(1);
	});
});
