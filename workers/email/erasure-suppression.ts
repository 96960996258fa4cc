/**
 * An erased subject's "no" to marketing email outlives it. Erasure takes the subject's choices and
 * its link to an address, and its lookups fall back to the defaults (which allow marketing email in
 * opt-out regions); so when the linked address had `email` off, the address is first suppressed for
 * every list: a row holding only its keyed hash, the time and the source `erasure`, never the subject.
 */
import type { ConsentRepository } from "../storage/consent-repository";
import { ALL_LISTS, SuppressionRepository } from "../storage/suppression-repository";
import { EMAIL_PURPOSE } from "./suppress-address";

export async function keepEmailOptOut(
	env: Env,
	repo: ConsentRepository,
	subject: string,
	now: number,
): Promise<void> {
	const [state, emailHash] = await Promise.all([repo.readState(subject), repo.readEmailHash(subject)]);
	if (!emailHash || state?.purposes[EMAIL_PURPOSE] !== false) return;
	await SuppressionRepository.open(env.DB).suppress(emailHash, ALL_LISTS, "erasure", now);
}
