/**
 * `npx node bench/runtime-cost.mjs [--runs=N]`: what the guard's runtime script (runtime.js) costs a
 * page that builds its DOM from script, in real Chromium. The same page, through the guard instance
 * of the deployed build (Miniflare) in front of a local origin, is opened for a visitor the guard lets
 * through (no runtime) and for an opted-out one (a visitor in Germany: the runtime for ads and
 * analytics, loaded first), alternately, a fresh page each time (N of each, 15 by default). The page
 * loads /consent.js as a guarded site does; once it has loaded, its own code times four cases with
 * performance.now(): (a) 10,000 elements made and appended one by one into a connected container
 * (2,500 rows of four elements, each row appended and then filled), (b) a 2,000-row table's markup
 * set as a tbody's innerHTML, (c) a 5,000-element fragment built aside and appended at once (only the
 * append is timed), (d) 1,000 insertAdjacentHTML calls of a row each. None of it names a tracker:
 * the common case, where everything the runtime does is overhead. Prints each case's median for
 * both visitors (and the quartiles) and their ratio, and the served runtime's gzip size. Not part of
 * `npm run bench`.
 */
import { createServer } from "node:http";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { buildWorker } from "./lib/build.mjs";
import { REQUEST_CF, WORK_DIR } from "./lib/config.mjs";
import { GUARD_WORKER, startWorkers } from "./lib/serve.mjs";

const runsArg = process.argv.find((a) => a.startsWith("--runs="));
const RUNS = Math.max(1, Number(runsArg?.split("=")[1] ?? 15));

const CASES = {
	a: "10,000 elements appended one by one",
	b: "innerHTML of a 2,000-row table",
	c: "append of a 5,000-element fragment",
	d: "1,000 insertAdjacentHTML calls",
};

/** What the page's code runs once asked (window.runCases), each case timed on its own. */
const CASES_SCRIPT = `window.runCases = function () {
	var times = {};
	var root = document.getElementById("app");
	function place() {
		var container = document.createElement("div");
		root.appendChild(container);
		return container;
	}
	function row(i) {
		var line = document.createElement("div");
		line.className = "row";
		var name = document.createElement("span");
		name.textContent = "Item " + i;
		var link = document.createElement("a");
		link.setAttribute("href", "/items/" + i);
		link.textContent = "open";
		var badge = document.createElement("span");
		badge.className = "badge";
		badge.textContent = String(i % 7);
		return [line, name, link, badge];
	}

	var list = place();
	var start = performance.now();
	for (var i = 0; i < 2500; i++) {
		var parts = row(i);
		list.appendChild(parts[0]);
		parts[0].appendChild(parts[1]);
		parts[0].appendChild(parts[2]);
		parts[0].appendChild(parts[3]);
	}
	times.a = performance.now() - start;

	var cells = [];
	for (var r = 0; r < 2000; r++) {
		cells.push('<tr class="r' + (r % 2) + '"><td>' + r + '</td><td><a href="/orders/' + r + '">Order ' + r +
			'</a></td><td class="amount">' + (r * 3.7).toFixed(2) + '</td><td><img alt="" src="data:," width="1" height="1"></td></tr>');
	}
	var markup = cells.join("");
	var table = place().appendChild(document.createElement("table"));
	var body = table.appendChild(document.createElement("tbody"));
	start = performance.now();
	body.innerHTML = markup;
	times.b = performance.now() - start;

	var fragment = document.createDocumentFragment();
	for (var f = 0; f < 1250; f++) {
		var piece = row(f);
		fragment.appendChild(piece[0]);
		piece[0].append(piece[1], piece[2], piece[3]);
	}
	var target = place();
	start = performance.now();
	target.appendChild(fragment);
	times.c = performance.now() - start;

	var feed = place();
	var rows = [];
	for (var k = 0; k < 1000; k++) {
		rows.push('<div class="row"><span>Item ' + k + '</span><a href="/items/' + k + '">open</a><span class="badge">' + (k % 7) + "</span></div>");
	}
	start = performance.now();
	for (var m = 0; m < 1000; m++) feed.insertAdjacentHTML("beforeend", rows[m]);
	times.d = performance.now() - start;

	times.elements = root.getElementsByTagName("*").length;
	times.runtime = window.__consentEdgeRuntime === true;
	return times;
};
`;

const PAGE = `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Built from script</title>
<script src="/consent.js" data-banner="off"></script>
</head>
<body><div id="app"></div>
<script>${CASES_SCRIPT}</script>
</body>
</html>
`;

function serveOrigin() {
	const server = createServer((req, res) => {
		if (req.url === "/built.html") {
			res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" });
			res.end(PAGE);
			return;
		}
		res.writeHead(404, { "Content-Type": "text/plain" });
		res.end("not found");
	});
	return new Promise((resolve) => {
		server.listen(0, "127.0.0.1", () => resolve(server));
	});
}

/** request.cf as the edge would give it: allowed (California, no GPC) or opted out (Germany). */
const VISITORS = {
	allowed: { "MF-CF-Blob": JSON.stringify(REQUEST_CF), "CF-Connecting-IP": "198.51.100.7" },
	guarded: {
		"MF-CF-Blob": JSON.stringify({
			...REQUEST_CF,
			country: "DE",
			regionCode: "BE",
			region: "Berlin",
			continent: "EU",
		}),
		"CF-Connecting-IP": "198.51.100.8",
	},
};

async function measure(browser, url, visitor) {
	const context = await browser.newContext({ extraHTTPHeaders: VISITORS[visitor] });
	try {
		const page = await context.newPage();
		const errors = [];
		page.on("pageerror", (err) => errors.push(err.message));
		await page.goto(url, { waitUntil: "load" });
		// The SDK's own start-up (its lookup) settles first.
		await page.waitForTimeout(150);
		const times = await page.evaluate(() => window.runCases());
		if (errors.length > 0) throw new Error(`${visitor} page: ${errors.join("; ")}`);
		if (times.runtime !== (visitor === "guarded")) {
			throw new Error(`${visitor} page ${times.runtime ? "had" : "lacked"} the runtime`);
		}
		return times;
	} finally {
		await context.close();
	}
}

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
	const sorted = [...xs].sort((x, y) => x - y);
	const at = (sorted.length - 1) * q;
	const low = Math.floor(at);
	return sorted[low] + (sorted[Math.ceil(at)] - sorted[low]) * (at - low);
}
const ms = (x) => x.toFixed(2).padStart(8);

const origin = await serveOrigin();
const originUrl = `http://127.0.0.1:${origin.address().port}`;
console.log("Building the Worker as deployed...");
const build = await buildWorker({ dir: join(WORK_DIR, "dist-runtime-cost") });
const workers = await startWorkers({ build, origin: originUrl, log: (line) => console.log(line) });
const guardUrl = workers.urls[GUARD_WORKER];
let browser;
try {
	const served = await fetch(`${guardUrl}/v1/guard/runtime.js?deny=ads,analytics`);
	const runtime = Buffer.from(await served.arrayBuffer());
	console.log(
		`runtime.js (deny=ads,analytics): ${runtime.length} bytes, ${gzipSync(runtime).length} gzipped`,
	);
	browser = await chromium.launch({
		executablePath: "/usr/bin/chromium",
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
	});
	const url = `${guardUrl}/built.html`;
	// One of each first, not counted: Chromium's and the isolates' first pages.
	await measure(browser, url, "allowed");
	await measure(browser, url, "guarded");
	const results = { allowed: [], guarded: [] };
	for (let run = 0; run < RUNS; run++) {
		for (const visitor of run % 2 === 0 ? ["allowed", "guarded"] : ["guarded", "allowed"]) {
			results[visitor].push(await measure(browser, url, visitor));
		}
		process.stdout.write(`\r${run + 1}/${RUNS} runs of each`);
	}
	process.stdout.write("\n");
	console.log(`elements built per page: ${results.allowed[0].elements}`);
	console.log(
		`| case | allowed median ms (p25-p75) | guarded median ms (p25-p75) | guarded / allowed |\n| --- | --- | --- | --- |`,
	);
	for (const [key, label] of Object.entries(CASES)) {
		const row = ["allowed", "guarded"].map((visitor) => {
			const xs = results[visitor].map((times) => times[key]);
			return {
				median: median(xs),
				spread: `${quantile(xs, 0.25).toFixed(2)}-${quantile(xs, 0.75).toFixed(2)}`,
			};
		});
		console.log(
			`| (${key}) ${label} | ${ms(row[0].median)} (${row[0].spread}) | ${ms(row[1].median)} (${row[1].spread}) | ${(row[1].median / row[0].median).toFixed(2)} |`,
		);
	}
} finally {
	await browser?.close();
	await workers.dispose();
	origin.close();
}
