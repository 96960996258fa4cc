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

/**
 * `extraArgs` go after the usual flags (e.g. `--host-resolver-rules=...`). Playwright turns the
 * back/forward cache off by default (`--disable-back-forward-cache`); `backForwardCache` keeps it on,
 * as in a visitor's browser.
 */
export function launchChromium(
	extraArgs: readonly string[] = [],
	{ backForwardCache = false }: { readonly backForwardCache?: boolean } = {},
): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		ignoreDefaultArgs: backForwardCache ? ["--disable-back-forward-cache"] : [],
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
