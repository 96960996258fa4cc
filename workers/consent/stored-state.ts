/** A subject's stored choices, as cached in KV and carried (signed) in the `ce_consent` cookie. */
export interface StoredState {
	/** Incremented by every change; 0 means nothing stored. */
	readonly version: number;
	/** Only purposes the subject has chosen; unnamed purposes fall back to the jurisdiction default. */
	readonly purposes: Readonly<Record<string, boolean>>;
	/** Source of each stored choice (`api`, `ui`, `gpc`, `email`, `import`). */
	readonly sources: Readonly<Record<string, string>>;
	readonly policyVersion: string | null;
	/** Epoch ms of the last change. */
	readonly updatedAt: number;
}
