/**
 * The production environment as `npm run deploy` ships it, read by wrangler's own config reader, and
 * the README's deploy commands checked against it and against this wrangler's command table. wrangler
 * does not inherit vars, secrets, D1, KV, queues or rate limiters into `[env.production]`, and every
 * other test runs the top level: a binding left out of production passed all of them and would only
 * show at runtime (a missing limiter limits nothing, a missing consumer leaves writes on the queue, a
 * missing `required` secret lets a deploy without it through). Plain Node, no Chromium.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { experimental_getWranglerCommands, unstable_readConfig } from "wrangler";

/** The parts of wrangler's resolved config read here (its published types lean on packages not installed). */
interface WranglerConfig {
	readonly name: string;
	readonly vars: Record<string, unknown>;
	readonly d1_databases: { binding: string; database_name?: string; migrations_dir?: string }[];
	readonly kv_namespaces: { binding: string }[];
	readonly queues: {
		producers?: { binding: string; queue: string }[];
		consumers?: { queue: string; dead_letter_queue?: string }[];
	};
	readonly ratelimits: { name: string; simple: unknown }[];
	readonly triggers: { crons?: string[] };
	readonly secrets?: { required?: string[] };
	readonly durable_objects: { bindings: unknown[] };
	readonly services?: unknown[];
	readonly r2_buckets: unknown[];
	readonly unsafe: { bindings?: unknown[] };
}

/** A node of wrangler's command table: a command's definition and the subcommands under it. */
interface CommandNode {
	readonly definition?: { type: string; args?: object; positionalArgs?: readonly string[] };
	readonly subtree: Map<string, CommandNode>;
}

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const CONFIG = root("wrangler.toml");

const development = unstable_readConfig({ config: CONFIG }) as WranglerConfig;
const production = unstable_readConfig({ config: CONFIG, env: "production" }) as WranglerConfig;

/**
 * What a config binds, without what the site owner fills in per account (database and namespace ids,
 * the limiters' namespace ids) or per site (vars' values).
 */
function bound(config: WranglerConfig): Record<string, unknown[]> {
	return {
		d1: config.d1_databases.map(({ binding, database_name, migrations_dir }) => ({
			binding,
			database_name,
			migrations_dir,
		})),
		kv: config.kv_namespaces.map(({ binding }) => binding),
		queueProducers: config.queues.producers ?? [],
		queueConsumers: config.queues.consumers ?? [],
		rateLimits: config.ratelimits.map(({ name, simple }) => ({ name, simple })),
		crons: config.triggers.crons ?? [],
		requiredSecrets: config.secrets?.required ?? [],
		vars: Object.keys(config.vars),
		durableObjects: config.durable_objects.bindings,
		services: config.services ?? [],
		r2: config.r2_buckets,
		unsafe: config.unsafe.bindings ?? [],
	};
}

describe("wrangler.toml: the production environment", () => {
	// At least: a site may bind more in production (D1_SHARDS databases, a var set there only).
	it("binds everything the development config binds (wrangler inherits none of it)", () => {
		const inProduction = bound(production);
		for (const [kind, entries] of Object.entries(bound(development)))
			expect(inProduction[kind], kind).toEqual(expect.arrayContaining(entries));
	});

	it("is the Worker the README names, with X-Debug-Geo off", () => {
		expect(production.name).toBe("consent-edge-production");
		expect(production.vars.DEBUG_GEO).toBe("false");
	});

	it("dead-letters each consumed queue to a queue it also consumes", () => {
		const consumed = new Set(production.queues.consumers?.map((c) => c.queue));
		for (const producer of production.queues.producers ?? []) expect(consumed).toContain(producer.queue);
		for (const consumer of production.queues.consumers ?? [])
			if (consumer.dead_letter_queue) expect(consumed).toContain(consumer.dead_letter_queue);
	});
});

// A plain `wrangler deploy` (no --env) ships the top level: it must not let a header choose where a
// visitor is. Local runs that want X-Debug-Geo turn it on themselves (`npm start`, the tests).
describe("wrangler.toml: the top level, which a deploy without --env ships", () => {
	it("has X-Debug-Geo off; npm start turns it on for the local run alone", () => {
		expect(development.vars.DEBUG_GEO).toBe("false");
		const scripts = JSON.parse(readFileSync(root("package.json"), "utf8")).scripts as Record<string, string>;
		expect(scripts.start).toMatch(/ wrangler dev .*--var DEBUG_GEO:true\b/);
	});
});

const README = readFileSync(root("README.md"), "utf8");

/**
 * The env names the Worker's code reads (`env.X`, and `vars.X` where settings read vars through a
 * cast), and the rate limiters it names (`enforceLimit(env, "X")`). The CLI (workers/cli) runs under
 * Node, not in the Worker.
 */
function namesTheWorkerReads(): { names: Set<string>; limiters: Set<string> } {
	const names = new Set<string>();
	const limiters = new Set<string>();
	const sources = readdirSync(root("workers"), { recursive: true, encoding: "utf8" }).filter(
		(path) => path.endsWith(".ts") && !path.startsWith("cli/"),
	);
	for (const path of sources) {
		const code = readFileSync(root(`workers/${path}`), "utf8");
		for (const m of code.matchAll(/(?:\benv|\bvars|\))\.([A-Z][A-Z0-9_]+)\b/g)) names.add(m[1] ?? "");
		for (const m of code.matchAll(/enforceLimit\(env, "([A-Z0-9_]+)"/g)) limiters.add(m[1] ?? "");
	}
	return { names: new Set([...names, ...limiters]), limiters };
}

describe("what the Worker reads from its env", () => {
	const { names, limiters } = namesTheWorkerReads();

	it("is each in README's Configuration (a var, a secret or a binding)", () => {
		const configuration = README.split("\n## Configuration\n")[1]?.split("\n## ")[0] ?? "";
		for (const name of ["DB", "CONSENT_QUEUE", "WRITE_LIMITER", "SIGNING_KEY", "UNSUBSCRIBE_TOKEN_DAYS"])
			expect(names).toContain(name);
		for (const name of names) expect(configuration, name).toContain(`\`${name}\``);
	});

	// A limiter the code names but nothing binds limits nothing (http/rate-limit.ts), without an error.
	it("names only rate limiters production binds", () => {
		expect(limiters.size).toBeGreaterThan(0);
		const bound = production.ratelimits.map((r) => r.name);
		for (const name of limiters) expect(bound, name).toContain(name);
	});
});

const DOCS = ["README.md", "docs/SECURITY.md", "docs/SCALING.md", ".dev.vars.example"].map((path) =>
	readFileSync(root(path), "utf8"),
);

/** The shell block of "Deploying to a real account", one command a line, comments dropped. */
function deploySteps(): string[] {
	const section = README.split("\n## Deploying to a real account\n")[1]?.split("\n## ")[0] ?? "";
	const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
	return block
		.split("\n")
		.map((line) => line.replace(/\s+#.*$/, "").trim())
		.filter(Boolean);
}

/** Every `wrangler ...` command the docs give, as its words (`npx ` dropped, line breaks joined). */
function documentedWranglerCommands(): string[][] {
	const commands: string[][] = [];
	for (const text of DOCS) {
		for (const m of text.matchAll(/`(?:npx\s+)?wrangler\s+([^`]+)`/g))
			commands.push(m[1]?.trim().split(/\s+/) ?? []);
		for (const m of text.matchAll(/^npx wrangler (.+?)(?:\s+#.*)?$/gm))
			commands.push(m[1]?.split(/\s+/) ?? []);
	}
	return commands;
}

// What the code binds, which production binds too (above): a site's own additions there (shards,
// say) are not the README's to create.
describe("README: deploying to a real account", () => {
	const steps = deploySteps();
	const words = (prefix: string) =>
		steps.filter((s) => s.startsWith(`${prefix} `)).map((s) => s.slice(prefix.length + 1).split(/\s+/));

	it("creates the database, the namespace and every queue the worker uses, before the deploy", () => {
		expect(words("npx wrangler d1 create").map(([name]) => name)).toEqual(
			development.d1_databases.map((d) => d.database_name),
		);
		expect(words("npx wrangler kv namespace create")).toHaveLength(development.kv_namespaces.length);
		const queues = new Set([
			...(development.queues.producers ?? []).map((p) => p.queue),
			...(development.queues.consumers ?? []).flatMap((c) => [c.queue, c.dead_letter_queue ?? c.queue]),
		]);
		expect(new Set(words("npx wrangler queues create").map(([name]) => name))).toEqual(queues);
		const deploy = steps.indexOf("npm run deploy");
		expect(deploy).toBe(steps.length - 1);
		const migrate = steps.findIndex((s) => s.startsWith("npx wrangler d1 migrations apply "));
		expect(migrate).toBeGreaterThan(steps.findIndex((s) => s.startsWith("npx wrangler d1 create ")));
	});

	it("applies the migrations to the database and sets every required secret, all with --env production", () => {
		const [migrate] = words("npx wrangler d1 migrations apply");
		expect(development.d1_databases.map((d) => d.binding)).toContain(migrate?.[0]);
		expect(migrate).toEqual(expect.arrayContaining(["--remote", "--env", "production"]));
		const secrets = words("npx wrangler secret put");
		expect(secrets.map(([name]) => name)).toEqual(development.secrets?.required);
		for (const put of secrets) expect(put.slice(1)).toEqual(["--env", "production"]);
	});

	it("ends with npm run deploy, which deploys the production environment", () => {
		const scripts = JSON.parse(readFileSync(root("package.json"), "utf8")).scripts as Record<string, string>;
		expect(scripts.deploy).toMatch(/ wrangler deploy --env production$/);
	});

	it("gives only wrangler commands and options this wrangler has", () => {
		const { registry, globalFlags } = experimental_getWranglerCommands() as unknown as {
			registry: CommandNode;
			globalFlags: object;
		};
		const commands = documentedWranglerCommands();
		expect(commands.length).toBeGreaterThan(15);
		for (const command of commands) {
			let node = registry;
			let i = 0;
			for (; i < command.length; i++) {
				const next = node.subtree.get(command[i] ?? "");
				if (!next) break;
				node = next;
			}
			const definition = node.definition;
			expect(definition?.type, command.join(" ")).toBe("command");
			if (definition?.type !== "command") continue;
			const rest = command.slice(i);
			const positionals = rest.filter((w, j) => !w.startsWith("-") && !rest[j - 1]?.startsWith("--"));
			expect(positionals.length, command.join(" ")).toBeLessThanOrEqual(
				definition.positionalArgs?.length ?? 0,
			);
			for (const flag of rest.filter((w) => w.startsWith("--")))
				expect(Object.keys({ ...definition.args, ...globalFlags }), command.join(" ")).toContain(
					flag.slice(2).replace(/=.*$/, ""),
				);
		}
	});
});
