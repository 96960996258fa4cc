/** Globals the SDK and the test pages define, as seen from `page.evaluate` callbacks. */
interface DecisionDocument {
	subject: string | null;
	purposes: Record<string, boolean>;
	reasons: Record<string, string>;
	gpc: boolean;
	jurisdiction: string;
	version: number;
	prompt: boolean;
	consentMode: Record<string, "granted" | "denied">;
	gpp: string;
	gppSid: number[];
	gppSections: Record<string, Record<string, unknown>>;
}

interface ConsentEdgeApi {
	allows(purpose: string): boolean | undefined;
	ready(): Promise<DecisionDocument>;
	onChange(listener: (doc: DecisionDocument) => void): () => void;
	set(purposes: Record<string, boolean>): Promise<DecisionDocument>;
	optOut(): Promise<DecisionDocument>;
	needsPrompt(): boolean | undefined;
	acceptAll(): Promise<DecisionDocument>;
	rejectAll(): Promise<DecisionDocument>;
}

type GppCallback = (data: unknown, success: boolean) => void;

interface Window {
	consentEdge: ConsentEdgeApi;
	__gpp: (command: string, callback: GppCallback, parameter?: unknown, version?: string) => void;
	dataLayer: ArrayLike<unknown>[];
	/** What the test page's scripts recorded, in order. */
	ran: string[];
	gppEvents: { eventName: string; data: unknown; signalStatus: string }[];
	changes: DecisionDocument[];
	early: Record<string, boolean | undefined>;
	frameReplies: unknown[];
	/** `event.persisted` of each `pageshow` (recorded by tests that go back and forth). */
	pageshows: boolean[];
	/** How many `focus` events the window had (recorded by tests that switch tabs). */
	focuses: number;
	/** `securitypolicyviolation` events: effective directive and blocked URI. */
	cspViolations: string[];
}
