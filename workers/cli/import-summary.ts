/** The suppression import's closing summary for a terminal. Pure, so it is tested without a file. */
export interface ImportCounts {
	readonly rows: number;
	readonly valid: number;
	readonly rejected: number;
	/** Rejected rows past the ones reported line by line. */
	readonly unshownRejections: number;
	readonly written: number;
	/** Rows D1 did not hold yet; null when wrangler's output did not say. */
	readonly added: number | null;
	readonly vagueDates: number;
	readonly dryRun: boolean;
}

/** "1 row", "2 rows": a small file's summary should not read "1 rows read". */
function count(n: number, one: string, many: string): string {
	return `${n} ${n === 1 ? one : many}`;
}

export function importSummary(c: ImportCounts): string {
	const lines = [
		`${count(c.rows, "row", "rows")} read, ${c.valid} valid, ${c.rejected} rejected.`,
		c.dryRun
			? `Dry run: ${count(c.written, "suppression", "suppressions")} would be written; nothing was changed.`
			: c.added === null
				? "? new suppressions written."
				: `${count(c.added, "new suppression", "new suppressions")} written, ${c.written - c.added} already present.`,
	];
	if (c.unshownRejections > 0)
		lines.push(`(${count(c.unshownRejections, "more rejected row", "more rejected rows")} not shown.)`);
	if (c.vagueDates > 0)
		lines.push(
			c.vagueDates === 1
				? "1 date was not understood; the import time was used for it."
				: `${c.vagueDates} dates were not understood; the import time was used for them.`,
		);
	return `${lines.join("\n")}\n`;
}
