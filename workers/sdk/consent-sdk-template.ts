/** Generated from consent-sdk.js by generate-browser-scripts.mjs: do not edit by hand. */
/** The SHA-256 (base64url) of the text the scripts Worker serves as consent-sdk.js. */
export const CONSENT_SDK_SOURCE_TEXT_SHA256 = "MHI_Mx_HwVxCtzdyiNedc9we51o9Y-9Yz-KENcFOtmQ";
