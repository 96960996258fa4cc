/**
 * verifyDecisionCookie against what a user would write with Web Crypto: import the key on every
 * call, verify, then JSON.parse the payload. Valid cookies, plus a few tampered ones.
 */
import { signDecisionCookie, verifyDecisionCookie } from "../../workers/consent/decision-cookie";
import type { PureCase } from "./pure-case";

const KEY = "bench-signing-key-0123456789abcdef0123456789";
const encoder = new TextEncoder();

async function corpus(): Promise<string[]> {
	const cookies: string[] = [];
	for (let i = 0; i < 16; i++) {
		const purposes = {
			analytics: i % 2 === 0,
			personalization: false,
			ads: i % 3 === 0,
			sale: false,
			email: true,
		};
		const value = await signDecisionCookie(
			{
				subject: `v:benchsubject${String(i).padStart(20, "0")}`,
				state: {
					version: 1 + i,
					purposes,
					sources: { ads: i % 4 === 0 ? "gpc" : "ui" },
					policyVersion: "2026-11",
					updatedAt: Date.now(),
				},
				issuedAt: Date.now(),
				decision: { essential: true, ...purposes },
				jurisdiction: "US-CA",
				prompt: false,
			},
			KEY,
		);
		// Every fourth cookie has its payload tampered with.
		cookies.push(i % 4 === 3 ? `x${value.slice(1)}` : value);
	}
	return cookies;
}

const COOKIES = await corpus();

export async function naiveVerify(value: string, secret: string): Promise<unknown> {
	const [body, signature] = value.split(".");
	if (!body || !signature) return null;
	const key = await crypto.subtle.importKey(
		"raw",
		encoder.encode(secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["verify"],
	);
	const ok = await crypto.subtle.verify(
		"HMAC",
		key,
		Buffer.from(signature, "base64url"),
		encoder.encode(body),
	);
	return ok ? JSON.parse(Buffer.from(body, "base64url").toString("utf8")) : null;
}

export const cases: PureCase[] = [
	{
		name: "verifyDecisionCookie",
		unit: `${COOKIES.length} ce_consent cookies (4 tampered)`,
		perOp: COOKIES.length,
		ours: async () => {
			for (const c of COOKIES) await verifyDecisionCookie(c, [KEY]);
		},
		naive: async () => {
			for (const c of COOKIES) await naiveVerify(c, KEY);
		},
		naiveLabel: "Web Crypto importKey per call + verify + JSON.parse",
		checks: async () => {
			let valid = 0;
			for (const c of COOKIES) if (await verifyDecisionCookie(c, [KEY])) valid++;
			return { notes: [`${valid}/${COOKIES.length} verified (12 valid, 4 tampered)`] };
		},
	},
];
