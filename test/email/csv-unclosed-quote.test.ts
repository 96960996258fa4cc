/**
 * Audit: a stray quote opening a field that is never closed swallowed every later row into one
 * field. The import then reported "2 rows read, 1 rejected" for a file of 5, and the unsubscribes
 * after the quote were silently not imported. The reader must flag the record that ran to the end
 * of the file with an open quote, so the import can say so.
 */
import { describe, expect, it } from "vitest";
import { CsvReader, type CsvRecord } from "../../workers/email/csv-records";

function readAll(text: string): CsvRecord[] {
	const reader = new CsvReader(",");
	return [...reader.push(text), ...reader.end()];
}

describe("CsvReader and an unclosed quote", () => {
	it("flags the record whose quote is never closed, with the lines it spans", () => {
		const records = readAll(
			'email,list\ns1@example.com,news\n"s2@example.com,news\ns3@example.com,news\ns4@example.com,news\n',
		);
		expect(records).toHaveLength(3);
		expect(records[2]).toMatchObject({ line: 3, unclosedQuote: true });
		expect(records[0]?.unclosedQuote).toBeUndefined();
		expect(records[1]?.unclosedQuote).toBeUndefined();
	});

	it("does not flag quoted fields that close, even across lines", () => {
		const records = readAll('email,notes\na@example.com,"two\nlines"\nb@example.com,x');
		expect(records.every((r) => r.unclosedQuote === undefined)).toBe(true);
	});
});
