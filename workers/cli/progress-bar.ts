/** One line of import progress for a terminal: a bar by bytes read, rows, rate and time left. Pure. */
export interface Progress {
	readonly bytesRead: number;
	readonly totalBytes: number;
	readonly rows: number;
	readonly elapsedMs: number;
}

const WIDTH = 24;

function duration(seconds: number): string {
	if (!Number.isFinite(seconds)) return "--:--";
	const s = Math.max(0, Math.round(seconds));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = String(s % 60).padStart(2, "0");
	return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** "1 row", "2,500 rows", as the closing summary counts. */
function count(n: number, noun: string): string {
	return `${n.toLocaleString("en-US")} ${n === 1 ? noun : `${noun}s`}`;
}

export function progressLine(p: Progress): string {
	const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 1;
	const filled = Math.round(fraction * WIDTH);
	const seconds = p.elapsedMs / 1000;
	const rate = seconds > 0 ? p.rows / seconds : 0;
	const byteRate = seconds > 0 ? p.bytesRead / seconds : 0;
	const eta = byteRate > 0 ? (p.totalBytes - p.bytesRead) / byteRate : Number.POSITIVE_INFINITY;
	const bar = `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}]`;
	const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
	const rowsPerSecond = Math.round(rate);
	return `${bar} ${percent}  ${count(p.rows, "row")}  ${count(rowsPerSecond, "row")}/s  ETA ${duration(eta)}`;
}
