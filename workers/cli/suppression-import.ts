/**
 * The suppression import: streams a CSV export, normalises and hashes each address exactly as the
 * worker does (the same pure modules, on Node's Web Crypto), and writes batches as SQL files run by
 * `wrangler d1 execute`. An address already stored is not added again (a re-run, or a resumed one,
 * adds nothing); of its dates, the earliest is kept.
 * Progress goes to stderr; rejected rows are reported with their line numbers.
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CsvReader, type CsvRecord, csvEncoding, sniffDelimiter } from "../email/csv-records";
import { emailHashes } from "../email/email-address";
import { parseSuppressionRow, type SuppressionColumns, suppressionColumns } from "../email/suppression-csv";
import { earliestImportRows, importStatements } from "../storage/suppression-repository";
import { executeSqlFile } from "./d1-execute";
import { checkEmailHashKey } from "./email-hash-key-check";
import { emailHashKey, type ImportOptions, parseImportArgs, USAGE, UsageError } from "./import-options";
import { importSummary } from "./import-summary";
import { progressLine } from "./progress-bar";

/** Rows per SQL file (about 6 MB): each file is one wrangler run, which costs seconds to start. */
const ROWS_PER_FILE = 50_000;
const SHOWN_REJECTIONS = 50;
const HASH_CONCURRENCY = 1000;
const PROGRESS_EVERY_MS = 200;
const LOG_PROGRESS_EVERY_MS = 5000;

interface Pending {
	readonly line: number;
	/** The address as the file has it: a Greek one's older hashes depend on how it was typed. */
	readonly typed: string;
	readonly email: string;
	readonly list: string;
	readonly createdAt: number;
}

export interface ImportIo {
	readonly stderr: NodeJS.WriteStream;
	readonly stdout: NodeJS.WriteStream;
	readonly env: NodeJS.ProcessEnv;
	readonly cwd: string;
}

class ImportRun {
	rows = 0;
	valid = 0;
	rejected = 0;
	vagueDates = 0;
	/** The line of a quote never closed: every row after it was lost, so the import fails. */
	unclosedQuoteLine: number | null = null;
	written = 0;
	added: number | null = 0;
	bytesRead = 0;
	private pending: Pending[] = [];
	private columns: SuppressionColumns | null = null;
	private readonly started = Date.now();
	private lastProgress = 0;
	private readonly tmp: string;
	// Plain fields, not parameter properties: Node's type stripping does not support those.
	private readonly options: ImportOptions;
	private readonly key: string;
	private readonly totalBytes: number;
	private readonly io: ImportIo;

	constructor(options: ImportOptions, key: string, totalBytes: number, io: ImportIo) {
		this.options = options;
		this.key = key;
		this.totalBytes = totalBytes;
		this.io = io;
		this.tmp = mkdtempSync(join(tmpdir(), "consent-edge-import-"));
	}

	async take(record: CsvRecord): Promise<void> {
		if (record.unclosedQuote) {
			this.rows++;
			this.rejected++;
			this.unclosedQuoteLine = record.line;
			this.report(
				`line ${record.line}: a quote opened on this line is never closed, so every later line was read as part of this row and none of them was imported; fix the quote and import again`,
			);
			return;
		}
		if (!this.columns) {
			this.columns = suppressionColumns(record.fields);
			if (!this.columns)
				throw new UsageError(`No email column found in the first row (line ${record.line}).`);
			if (!this.columns.headerless) return;
		}
		this.rows++;
		const parsed = parseSuppressionRow(record.fields, this.columns, {
			list: this.options.list,
			now: this.started,
		});
		if (!parsed.ok) {
			this.rejected++;
			if (this.rejected <= SHOWN_REJECTIONS) this.report(`line ${record.line}: ${parsed.reason}`);
			return;
		}
		this.valid++;
		if (!parsed.dateUnderstood) this.vagueDates++;
		this.pending.push({
			line: record.line,
			typed: record.fields[this.columns.email] ?? "",
			email: parsed.email,
			list: parsed.list,
			createdAt: parsed.createdAt,
		});
		if (this.pending.length >= ROWS_PER_FILE) await this.flush();
	}

	async flush(): Promise<void> {
		const batch = this.pending;
		this.pending = [];
		if (batch.length === 0) return;
		const hashes: string[][] = [];
		for (let i = 0; i < batch.length; i += HASH_CONCURRENCY) {
			const slice = batch.slice(i, i + HASH_CONCURRENCY);
			hashes.push(...(await Promise.all(slice.map((p) => emailHashes(p.typed, p.email, this.key)))));
		}
		const rows = earliestImportRows(
			batch.map((p, i) => {
				const [emailHash = "", ...legacyHashes] = hashes[i] ?? [];
				return { emailHash, legacyHashes, list: p.list, createdAt: p.createdAt };
			}),
		);
		this.written += rows.length;
		if (this.options.dryRun) return;
		const file = join(this.tmp, `batch-${batch[0]?.line ?? 0}.sql`);
		writeFileSync(file, importStatements(rows));
		try {
			const present = await executeSqlFile(file, this.options);
			this.added = this.added === null || present === null ? null : this.added + rows.length - present;
		} finally {
			rmSync(file, { force: true });
		}
	}

	progress(final = false): void {
		const now = Date.now();
		// A terminal gets a live line; a log file one line every few seconds.
		const every = this.io.stderr.isTTY ? PROGRESS_EVERY_MS : LOG_PROGRESS_EVERY_MS;
		if (!final && now - this.lastProgress < every) return;
		this.lastProgress = now;
		const line = progressLine({
			bytesRead: this.bytesRead,
			totalBytes: this.totalBytes,
			rows: this.rows,
			elapsedMs: now - this.started,
		});
		if (this.io.stderr.isTTY) this.io.stderr.write(`\r\x1b[2K${line}${final ? "\n" : ""}`);
		else this.io.stderr.write(`${line}\n`);
	}

	report(message: string): void {
		if (this.io.stderr.isTTY) this.io.stderr.write("\r\x1b[2K");
		this.io.stderr.write(`${message}\n`);
	}

	cleanUp(): void {
		rmSync(this.tmp, { recursive: true, force: true });
	}

	summary(): string {
		return importSummary({
			rows: this.rows,
			valid: this.valid,
			rejected: this.rejected,
			unshownRejections: Math.max(0, this.rejected - SHOWN_REJECTIONS),
			written: this.written,
			added: this.added,
			vagueDates: this.vagueDates,
			dryRun: this.options.dryRun,
		});
	}
}

async function readRecords(
	run: ImportRun,
	file: string,
	onRecord: (r: CsvRecord) => Promise<void>,
): Promise<void> {
	let decoder: TextDecoder | null = null;
	const feed = async (reader: CsvReader, text: string) => {
		for (const record of reader.push(text)) await onRecord(record);
	};
	let reader: CsvReader | null = null;
	let head = "";
	for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
		const bytes = chunk as Buffer;
		run.bytesRead += bytes.byteLength;
		decoder ??= new TextDecoder(csvEncoding(bytes));
		let text = decoder.decode(bytes, { stream: true });
		if (!reader) {
			// The delimiter is sniffed from the header line, so wait for its end.
			head += text;
			const newline = head.search(/[\r\n]/);
			if (newline < 0) continue;
			reader = new CsvReader(sniffDelimiter(head.slice(0, newline)));
			text = head;
		}
		await feed(reader, text);
		run.progress();
	}
	const tail = decoder?.decode() ?? "";
	if (!reader) {
		reader = new CsvReader(sniffDelimiter(head + tail));
		await feed(reader, head + tail);
	} else {
		await feed(reader, tail);
	}
	for (const record of reader.end()) await onRecord(record);
}

export async function runImport(argv: readonly string[], io: ImportIo): Promise<number> {
	let options: ImportOptions;
	let key: string;
	let size: number;
	try {
		if (argv.includes("--help") || argv.includes("-h")) {
			io.stdout.write(`${USAGE}\n`);
			return 0;
		}
		options = parseImportArgs(argv);
		key = emailHashKey(options, io.env, io.cwd);
		size = statSync(options.file).size;
	} catch (err) {
		io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
		return 2;
	}
	const run = new ImportRun(options, key, size, io);
	try {
		await checkEmailHashKey(key, options, (message) => run.report(message));
		await readRecords(run, options.file, (record) => run.take(record));
		await run.flush();
		run.progress(true);
		io.stderr.write(run.summary());
		return run.unclosedQuoteLine === null ? 0 : 1;
	} catch (err) {
		run.progress(true);
		io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
		if (!(err instanceof UsageError)) {
			io.stderr.write("Rows written so far stay written; re-running the import skips them.\n");
		}
		return 1;
	} finally {
		run.cleanUp();
	}
}
