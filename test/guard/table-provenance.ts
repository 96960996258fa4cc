/**
 * The provenance of each row of a guard data table, read from the table's source text: the `//`
 * lines directly above the row, then the `//` comment after a row written on one line. The tables
 * keep it in comments so that it sits beside the data for a reviewer and never ships in the bundle.
 * Relies on the formatter's layout (Biome, `npm run check:lint`): the table is `const NAME… = [` to
 * `];`, and each row (an object, or a string standing for one) starts on a line of its own, one tab in.
 */
export function rowComments(sourceText: string, table: string): string[] {
	const lines = sourceText.split("\n");
	const declaration = new RegExp(`^(?:export )?const ${table}\\b.*= \\[$`);
	const start = lines.findIndex((line) => declaration.test(line));
	if (start === -1) throw new Error(`no table ${table} in the source text`);
	const rows: string[] = [];
	let above: string[] = [];
	for (let i = start + 1; i < lines.length && lines[i] !== "];"; i++) {
		const line = lines[i] as string;
		const comment = /^\t\/\/(.*)$/.exec(line);
		if (comment) {
			above.push((comment[1] as string).trim());
			continue;
		}
		if (line.startsWith("\t{") || line.startsWith('\t"')) {
			const after = /^\t(?:\{.*\}|"[^"]*"),? \/\/(.*)$/.exec(line)?.[1]?.trim() ?? "";
			rows.push([...above, after].join(" ").trim());
		}
		above = [];
	}
	return rows;
}
