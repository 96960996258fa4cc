/** One pure function benchmarked against the baseline a user would write. */
export interface PureCase {
	readonly name: string;
	/** What one call of `ours`/`naive` covers. */
	readonly unit: string;
	/** Inputs per call, for a per-input time. */
	readonly perOp: number;
	/** Minimum speed ratio (ours / naive), when there is one. */
	readonly target?: number;
	readonly ours: () => unknown;
	readonly naive: () => unknown;
	readonly naiveLabel: string;
	readonly checks?: () =>
		| { identical?: boolean; notes: string[] }
		| Promise<{ identical?: boolean; notes: string[] }>;
}
