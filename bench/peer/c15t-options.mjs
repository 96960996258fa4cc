/** The options both peer setups give c15tInstance; only the database adapter differs. */
export const C15T_OPTIONS = {
	appName: "consent-edge-bench",
	basePath: "/",
	trustedOrigins: ["localhost"],
	logger: { level: "error" },
};
