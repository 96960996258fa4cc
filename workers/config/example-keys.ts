/**
 * The keys `.dev.vars.example` gives `npm start` (test/config/example-keys.test.ts keeps them equal
 * to the file). They are public, in the repository, so one found in a deployed worker's secrets is
 * named as the worker starts (config/settings.ts), however long it is.
 */
export const EXAMPLE_KEYS: ReadonlySet<string> = new Set(
	["admin-key-change-me", "signing-key-change-me", "email-hash-key"].map(
		(key) => `dev-${key}-0123456789abcdef`,
	),
);
