/** PUT /v1/consent: merge the named purposes into the stored choices (visitor or keyed). */

import { emailHashes, normalizeEmail } from "../../email/email-address";
import { emailHashKey } from "../../email/email-hash-key";
import { EMAIL_PURPOSE } from "../../email/suppress-address";
import { HttpError, storageUnavailable } from "../../http/http-error";
import { readBody } from "../../http/request-body";
import { ConsentRepository } from "../../storage/consent-repository";
import { SuppressionRepository } from "../../storage/suppression-repository";
import { keyedWriteSubject, refuseUnkeyedSubject } from "../caller";
import { parsePutBody } from "../consent-body";
import { requestContext } from "../request-context";
import { writeChoices, writingCaller } from "../write-choices";

export async function putConsent(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const rc = requestContext(request, env, ctx);
	const caller = await writingCaller(rc);
	const body = await readBody(request, ["json"]);
	const input = parsePutBody(body.value);
	refuseUnkeyedSubject(caller, input.subject);
	const subject = caller.kind === "keyed" ? keyedWriteSubject(rc.url, input.subject) : caller.subject;
	let emailHash: string | undefined;
	let hashes: string[] = [];
	if (input.email !== undefined) {
		if (caller.kind !== "keyed")
			throw new HttpError(400, "invalid_body", "email: only keyed calls may link an address.");
		const normalized = normalizeEmail(input.email);
		if (!normalized) throw new HttpError(400, "invalid_body", "email: not a valid address.");
		hashes = await emailHashes(input.email, normalized, await emailHashKey(env));
		emailHash = hashes[0];
		// A Greek address's older hashes, paired with the folded one: its export finds their rows.
		if (emailHash && hashes.length > 1)
			await SuppressionRepository.open(env.DB).recordAliases(emailHash, hashes.slice(1));
	}
	const changes =
		emailHash && !(EMAIL_PURPOSE in input.purposes) && (await linksSuppressedAddress(env, subject, hashes))
			? { ...input.purposes, [EMAIL_PURPOSE]: false }
			: input.purposes;
	return writeChoices(rc, caller, subject, {
		changes,
		source: caller.kind === "keyed" ? "api" : "ui",
		policyVersion: input.policyVersion,
		emailHash,
		rawBody: body.raw,
	});
}

/**
 * An unsubscribe turns `email` off for the subjects linked to the address at that moment
 * (suppress-address.ts). An address linked after it was suppressed (an imported list, an unsubscribe
 * before the link) is owed the same, or the order of the two facts would decide the consent: so a
 * write that newly links a suppressed address and does not choose `email` itself turns it off too.
 */
async function linksSuppressedAddress(env: Env, subject: string, hashes: string[]): Promise<boolean> {
	try {
		const [linked, suppressions] = await Promise.all([
			ConsentRepository.forSubject(env, subject, "write").readEmailHash(subject),
			SuppressionRepository.open(env.DB).listForAddress(hashes),
		]);
		return !hashes.includes(linked ?? "") && suppressions.length > 0;
	} catch (err) {
		// Part of the write: D1 unreachable here is the contract's 503 with Retry-After, not a 500.
		console.error("reading the address's suppressions failed", err);
		throw storageUnavailable();
	}
}
