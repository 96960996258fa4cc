/** The Debian Chromium the browser tests drive, how they launch it, and where screenshots go. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));

export function warnIfNoChromium(what: string): void {
	if (hasChromium) return;
	console.warn(
		`\n⚠⚠⚠ SKIPPING the ${what} browser tests: ${CHROMIUM} is missing (apt-get install -y chromium) ⚠⚠⚠\n`,
	);
}

/** `extraArgs` go after the usual flags (e.g. `--host-resolver-rules=...`). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-quic",
			"--no-first-run",
			"--disable-component-update",
			"--disable-sync",
			...extraArgs,
		],
	});
}
