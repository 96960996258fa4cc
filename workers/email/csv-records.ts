/**
 * A streaming CSV reader (RFC 4180 plus what exports do in practice: a UTF-8 BOM, CRLF or LF,
 * `,` `;` or tab delimiters, quoted fields spanning lines). Text goes in by chunks and complete
 * records come out with the line they start on, so a file of any size is read in constant memory.
 * Pure: no I/O, shared by the import CLI and its tests.
 */
export interface CsvRecord {
	/** 1-based physical line where the record starts, for error reports. */
	readonly line: number;
	readonly fields: readonly string[];
	/**
	 * Set on a last record that ended with the file inside a quoted field: a stray quote swallowed
	 * every line after it into this record, so none of those rows was read.
	 */
	readonly unclosedQuote?: true;
}

export type CsvDelimiter = "," | ";" | "\t";

/**
 * A file's text encoding, from its first bytes: UTF-8 unless it starts with a UTF-16 byte-order mark
 * (Excel's "Unicode Text" export is UTF-16LE with one). A TextDecoder drops the mark either way.
 */
export function csvEncoding(start: Uint8Array): "utf-8" | "utf-16le" | "utf-16be" {
	if (start[0] === 0xff && start[1] === 0xfe) return "utf-16le";
	if (start[0] === 0xfe && start[1] === 0xff) return "utf-16be";
	return "utf-8";
}

/** The delimiter of a header line: whichever of `,` `;` tab occurs most outside quotes. */
export function sniffDelimiter(firstLine: string): CsvDelimiter {
	const counts: Record<CsvDelimiter, number> = { ",": 0, ";": 0, "\t": 0 };
	let quoted = false;
	for (const c of firstLine) {
		if (c === '"') quoted = !quoted;
		else if (!quoted && (c === "," || c === ";" || c === "\t")) counts[c]++;
	}
	const best = (Object.keys(counts) as CsvDelimiter[]).sort((a, b) => counts[b] - counts[a])[0];
	return best && counts[best] > 0 ? best : ",";
}

export class CsvReader {
	private readonly delimiter: CsvDelimiter;
	private field = "";
	private fields: string[] = [];
	private quoted = false;
	/** Just saw a quote inside a quoted field: either an escaped quote or the closing one. */
	private quoteInQuoted = false;
	private sawCR = false;
	private started = false;
	private line = 1;
	private recordLine = 1;
	private atRecordStart = true;
	private fieldTouched = false;

	constructor(delimiter: CsvDelimiter = ",") {
		this.delimiter = delimiter;
	}

	push(chunk: string): CsvRecord[] {
		const out: CsvRecord[] = [];
		let text = chunk;
		if (!this.started) {
			this.started = text.length > 0;
			if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
		}
		for (const c of text) {
			if (this.sawCR) {
				this.sawCR = false;
				if (c === "\n") continue;
			}
			if (this.atRecordStart) {
				this.recordLine = this.line;
				this.atRecordStart = false;
			}
			if (this.quoted) {
				if (this.quoteInQuoted) {
					this.quoteInQuoted = false;
					if (c === '"') {
						this.field += '"';
						continue;
					}
					this.quoted = false;
				} else if (c === '"') {
					this.quoteInQuoted = true;
					continue;
				} else {
					if (c === "\n" || c === "\r") this.line++;
					if (c === "\r") this.sawCR = true;
					this.field += c === "\r" ? "\n" : c;
					continue;
				}
			}
			if (c === '"' && !this.fieldTouched) {
				this.quoted = true;
				this.fieldTouched = true;
			} else if (c === this.delimiter) {
				this.endField();
			} else if (c === "\n" || c === "\r") {
				this.line++;
				if (c === "\r") this.sawCR = true;
				this.endRecord(out);
			} else {
				this.field += c;
				this.fieldTouched = true;
			}
		}
		return out;
	}

	/** Flushes a last record without a trailing newline. */
	end(): CsvRecord[] {
		const out: CsvRecord[] = [];
		// A quote just seen inside a quoted field closed it; any other quoted state never closed.
		const unclosed = this.quoted && !this.quoteInQuoted;
		this.quoted = false;
		this.quoteInQuoted = false;
		if (!this.atRecordStart) this.endRecord(out, unclosed);
		return out;
	}

	private endField(): void {
		this.fields.push(this.field);
		this.field = "";
		this.fieldTouched = false;
	}

	private endRecord(out: CsvRecord[], unclosedQuote = false): void {
		this.endField();
		const blank = this.fields.length === 1 && this.fields[0] === "";
		if (unclosedQuote) out.push({ line: this.recordLine, fields: this.fields, unclosedQuote: true });
		else if (!blank) out.push({ line: this.recordLine, fields: this.fields });
		this.fields = [];
		this.atRecordStart = true;
	}
}
