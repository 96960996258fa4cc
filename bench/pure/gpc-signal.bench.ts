/** isGpcSignal against the obvious split/trim/includes, over header values as browsers send them. */
import { isGpcSignal } from "../../workers/gpc/gpc-signal";
import type { PureCase } from "./pure-case";

// Most requests carry no header; GPC browsers send exactly "1"; a few odd forms for coverage.
const VALUES: (string | null)[] = [
	...Array<null>(12).fill(null),
	..."1111111111".split(""),
	"0",
	" 1",
	"1, 1",
	"0, 1",
	"true",
	"",
];

export function naiveGpc(value: string | null): boolean {
	return (
		value
			?.split(",")
			.map((s) => s.trim())
			.includes("1") === true
	);
}

export const cases: PureCase[] = [
	{
		name: "isGpcSignal",
		unit: `${VALUES.length} Sec-GPC values (12 absent, 10 "1", 6 other)`,
		perOp: VALUES.length,
		ours: () => {
			let n = 0;
			for (const v of VALUES) if (isGpcSignal(v)) n++;
			return n;
		},
		naive: () => {
			let n = 0;
			for (const v of VALUES) if (naiveGpc(v)) n++;
			return n;
		},
		naiveLabel: "split(',').map(trim).includes('1')",
		checks: () => {
			const differ = VALUES.filter((v) => isGpcSignal(v) !== naiveGpc(v));
			return {
				notes: [`agrees with the naive parser on ${VALUES.length - differ.length}/${VALUES.length} values`],
			};
		},
	},
];
