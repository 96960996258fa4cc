/**
 * Google Consent Mode v2 states from a decision. The three `ad_*` types are granted only when both
 * `ads` and `sale` are allowed (Google's ad_user_data is a disclosure to a third party, i.e. sharing);
 * analytics and personalization storage follow their purposes; functionality and security storage
 * are essential.
 */
export type ConsentModeState = "granted" | "denied";

export interface ConsentModeStates {
	ad_storage: ConsentModeState;
	ad_user_data: ConsentModeState;
	ad_personalization: ConsentModeState;
	analytics_storage: ConsentModeState;
	functionality_storage: ConsentModeState;
	personalization_storage: ConsentModeState;
	security_storage: ConsentModeState;
}

const state = (allowed: boolean | undefined): ConsentModeState => (allowed === true ? "granted" : "denied");

export function consentModeFor(purposes: Readonly<Record<string, boolean>>): ConsentModeStates {
	const ads = state(purposes.ads === true && purposes.sale === true);
	return {
		ad_storage: ads,
		ad_user_data: ads,
		ad_personalization: ads,
		analytics_storage: state(purposes.analytics),
		functionality_storage: "granted",
		personalization_storage: state(purposes.personalization),
		security_storage: "granted",
	};
}
