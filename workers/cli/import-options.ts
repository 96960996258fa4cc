/**
 * Command line and secrets of the suppression import: `<file.csv> [--list NAME] [--local|--remote]
 * [--env NAME] [--persist-to DIR] [--dry-run]`. EMAIL_HASH_KEY comes from the environment, or for
 * local imports from .dev.vars (or .dev.vars.example); a remote import insists on the environment,
 * since hashing with the development key would make every imported row match nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import { isValidList, LIST_RULE } from "../email/mailing-list";

export interface ImportOptions {
	readonly file: string;
	readonly list?: string;
	readonly remote: boolean;
	readonly env?: string;
	readonly persistTo?: string;
	readonly dryRun: boolean;
}

export const USAGE = `Usage: npm run import -- <file.csv> [--list NAME] [--local|--remote] [--env NAME] [--persist-to DIR] [--dry-run]

Imports an email suppression list (CSV export of an email service) into D1, hashed with EMAIL_HASH_KEY
(from the environment; a local import falls back to .dev.vars, as npm start uses).
  --list NAME       put every row on this list (default: the file's list column, else "*" = every list)
  --local           write to the local D1 that npm start serves (the default)
  --remote          write to the remote D1 database; EMAIL_HASH_KEY must be set to the production secret
  --env NAME        wrangler environment, e.g. production
  --persist-to DIR  local D1 state directory (as wrangler's --persist-to)
  --dry-run         read, check and count, but write nothing`;

export class UsageError extends Error {}

export function parseImportArgs(argv: readonly string[]): ImportOptions {
	let file: string | undefined;
	let list: string | undefined;
	let remote = false;
	let env: string | undefined;
	let persistTo: string | undefined;
	let dryRun = false;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i] ?? "";
		const value = () => {
			const next = argv[++i];
			if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value.`);
			return next;
		};
		if (arg === "--list") list = value();
		else if (arg === "--remote") remote = true;
		else if (arg === "--local") remote = false;
		else if (arg === "--env") env = value();
		else if (arg === "--persist-to") persistTo = value();
		else if (arg === "--dry-run") dryRun = true;
		else if (arg.startsWith("--")) throw new UsageError(`Unknown option ${arg}.`);
		else if (file === undefined) file = arg;
		else throw new UsageError(`Only one file, please (got ${file} and ${arg}).`);
	}
	if (!file) throw new UsageError("Name the CSV file to import.");
	if (list !== undefined && !isValidList(list)) throw new UsageError(LIST_RULE);
	if (remote && persistTo) throw new UsageError("--persist-to only applies to --local.");
	return { file, list, remote, env, persistTo, dryRun };
}

function fromDevVars(path: string): string | null {
	if (!existsSync(path)) return null;
	for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
		const m = /^\s*EMAIL_HASH_KEY\s*=\s*(.*?)\s*$/.exec(line);
		if (m?.[1] !== undefined) return m[1].replace(/^(["'])(.*)\1$/, "$2") || null;
	}
	return null;
}

export function emailHashKey(options: ImportOptions, environment: NodeJS.ProcessEnv, cwd: string): string {
	// Exactly as set, as the worker uses it: a trimmed key hashes every address differently.
	const fromEnv = environment.EMAIL_HASH_KEY;
	if (fromEnv?.trim()) return fromEnv;
	if (options.remote)
		throw new UsageError("Set EMAIL_HASH_KEY (the production secret) for a --remote import.");
	// `npm start` copies .dev.vars.example to .dev.vars, so the example holds the local key until then.
	const devVars = [
		...(options.env ? [`${cwd}/.dev.vars.${options.env}`] : []),
		`${cwd}/.dev.vars`,
		`${cwd}/.dev.vars.example`,
	];
	for (const path of devVars) {
		const key = fromDevVars(path);
		if (key) return key;
	}
	throw new UsageError("Set EMAIL_HASH_KEY, or put it in .dev.vars for a local import.");
}
