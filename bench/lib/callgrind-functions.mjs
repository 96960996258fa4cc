/**
 * Where a callgrind count went, by function: the self cost (instructions executed in the function
 * itself, not in what it calls) of every function in a dump, from callgrind's own file format. The
 * workerd build this bench runs carries its symbols (V8, kj, tcmalloc, workerd's API classes by
 * name), and libc's copies are named too; the JavaScript V8 compiled has no symbols and shows as
 * bare addresses. Used by `instructions.mjs --functions`.
 */
import { readFileSync } from "node:fs";

/** Self cost per function name in one dump file. */
export function selfCosts(file) {
	const names = new Map();
	const costs = new Map();
	let fn = "";
	let afterCall = false;
	for (const line of readFileSync(file, "utf8").split("\n")) {
		const first = line.charCodeAt(0);
		// Cost lines: a position (a number, or +n / -n / * relative to the last), then the count.
		if ((first >= 48 && first <= 57) || line[0] === "+" || line[0] === "-" || line[0] === "*") {
			// The line after `calls=` is what the call cost, counted in the callee's own lines already.
			if (afterCall) {
				afterCall = false;
				continue;
			}
			const count = Number(line.split(" ")[1]);
			if (Number.isFinite(count)) costs.set(fn, (costs.get(fn) ?? 0) + count);
			continue;
		}
		if (line.startsWith("calls=")) {
			afterCall = true;
			continue;
		}
		// Names are compressed: `fn=(12) name` the first time, `fn=(12)` after; `cfn=` shares the ids.
		const named = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
		if (named === null) continue;
		if (named[2] !== undefined) names.set(named[1], named[2]);
		if (line.startsWith("fn=")) fn = names.get(named[1]) ?? `(function ${named[1]})`;
	}
	return costs;
}

/** Adds one dump's self costs into `into` (a Map name → instructions). */
export function addCosts(into, costs) {
	for (const [name, count] of costs) into.set(name, (into.get(name) ?? 0) + count);
}

const KINDS = [
	["copying bytes (memcpy, memmove, memset; a `rep movs` byte counts as one)", /^__mem(cpy|move|set)/],
	[
		"allocating and freeing (tcmalloc, new, delete, kj arrays and strings)",
		/tcmalloc|^operator (new|delete)|^(malloc|free|realloc|calloc)$|HeapArrayDisposer|HeapDisposer|kj::heapString/,
	],
	[
		"headers (workerd's Headers, kj and Rust HTTP header maps)",
		/Headers|HttpHeader|[Hh]eader(Name|Map)|header::/,
	],
	["the garbage collector", /Scavenge|MarkCompact|^heap::base|cppgc|::GC|Sweep|Marking/],
	["JavaScript compiled by V8 (no symbols)", /^0x[0-9a-f]+$|^\(function \d+\)$/],
	["V8's built-ins (interpreter, calls into the runtime)", /^Builtins_/],
	["the rest of V8", /^v8::|^v8_|^Runtime_/],
	["the rest of kj and workerd", /kj::|kj_|^workerd|capnp|^jsg/],
];

function kindOf(name) {
	for (const [kind, pattern] of KINDS) if (pattern.test(name)) return kind;
	return "other (libc, Rust, ...)";
}

const k = (n) => `${(n / 1000).toFixed(1)}k`.padStart(12);

/**
 * Prints instructions per request by kind of work, then the costliest functions: for each build
 * given (`{ label, costs, requests }`), side by side.
 */
export function printFunctions(log, builds, top = 25) {
	const perRequest = builds.map((b) => {
		const byKind = new Map();
		for (const [name, count] of b.costs) byKind.set(kindOf(name), (byKind.get(kindOf(name)) ?? 0) + count);
		return { ...b, byKind };
	});
	const head = perRequest.map((b) => b.label.slice(0, 12).padStart(12)).join(" ");
	log(`  by kind of work, instructions per request (all rounds):\n  ${head}`);
	const kinds = [...new Set(perRequest.flatMap((b) => [...b.byKind.keys()]))];
	const last = perRequest[perRequest.length - 1];
	kinds.sort((a, b) => (last.byKind.get(b) ?? 0) - (last.byKind.get(a) ?? 0));
	for (const kind of kinds)
		log(`  ${perRequest.map((b) => k((b.byKind.get(kind) ?? 0) / b.requests)).join(" ")}  ${kind}`);
	log(`  costliest functions, self cost per request:\n  ${head}`);
	const names = [...last.costs.keys()].sort((a, b) => last.costs.get(b) - last.costs.get(a)).slice(0, top);
	for (const name of names)
		log(
			`  ${perRequest.map((b) => k((b.costs.get(name) ?? 0) / b.requests)).join(" ")}  ${name.slice(0, 110)}`,
		);
}
