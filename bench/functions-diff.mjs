/**
 * `npx node bench/functions-diff.mjs <a.json> <b.json> [top]`: two per-function cost files written by
 * `instructions.mjs --functions` (bench/.work/functions/<scenario>-<build>.json) set side by side:
 * the functions whose self cost per request differs most between them, b minus a.
 */
import { readFileSync } from "node:fs";

const [aFile, bFile, topArg] = process.argv.slice(2);
if (!aFile || !bFile) {
	console.error("usage: npx node bench/functions-diff.mjs <a.json> <b.json> [top]");
	process.exit(2);
}
const a = JSON.parse(readFileSync(aFile, "utf8"));
const b = JSON.parse(readFileSync(bFile, "utf8"));
const top = Number.parseInt(topArg ?? "40", 10);
const names = new Set([...Object.keys(a), ...Object.keys(b)]);
const rows = [...names].map((n) => ({ n, a: a[n] ?? 0, b: b[n] ?? 0, d: (b[n] ?? 0) - (a[n] ?? 0) }));
const sum = (o) => Object.values(o).reduce((x, y) => x + y, 0);
const k = (n) => `${(n / 1000).toFixed(1)}k`.padStart(8);
console.log(`total per request: a ${k(sum(a))}, b ${k(sum(b))}, b - a ${k(sum(b) - sum(a))}`);
console.log(`${"a".padStart(8)} ${"b".padStart(8)} ${"b - a".padStart(8)}  function`);
rows.sort((x, y) => Math.abs(y.d) - Math.abs(x.d));
for (const r of rows.slice(0, top)) console.log(`${k(r.a)} ${k(r.b)} ${k(r.d)}  ${r.n.slice(0, 120)}`);
