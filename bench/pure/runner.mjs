/**
 * Runs the bundled pure-function cases (argv: bundle files) with tinybench under plain Node, ours
 * and the naive baseline alternating over a few rounds, and prints one JSON line of results.
 */
import { Bench } from "tinybench";

const ROUNDS = 3;
const results = [];
for (const file of process.argv.slice(2)) {
	const { cases } = await import(file);
	for (const c of cases) {
		const hz = { ours: [], naive: [] };
		for (let round = 0; round < ROUNDS; round++) {
			const bench = new Bench({ time: 250, warmupTime: 50 });
			const order = round % 2 === 0 ? ["ours", "naive"] : ["naive", "ours"];
			for (const name of order) bench.add(name, c[name]);
			await bench.warmup();
			await bench.run();
			for (const task of bench.tasks) hz[task.name].push(task.result.hz);
		}
		const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
		const ours = mean(hz.ours);
		const naive = mean(hz.naive);
		const checks = c.checks ? await c.checks() : { notes: [] };
		results.push({
			name: c.name,
			unit: c.unit,
			ns_per_input: 1e9 / (ours * c.perOp),
			naive_ns_per_input: 1e9 / (naive * c.perOp),
			naive: c.naiveLabel,
			ratio: ours / naive,
			target: c.target ?? null,
			identical: checks.identical ?? null,
			notes: checks.notes,
		});
	}
}
process.stdout.write(`${JSON.stringify(results)}\n`);
