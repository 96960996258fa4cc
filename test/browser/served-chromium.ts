/** A describe block's worker (`wrangler dev`) and Chromium: started before its tests, stopped after. */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchChromium } from "./chromium";
import { type ServeOptions, serveWorker, type WorkerServer } from "./serve-worker";

export interface ServedChromium {
	readonly server: WorkerServer;
	readonly browser: Browser;
}

export function servedWithChromium(
	onStarted: (started: ServedChromium) => void,
	options: ServeOptions = {},
): void {
	let started: Partial<ServedChromium> = {};
	beforeAll(async () => {
		const server = await serveWorker(options);
		started = { server }; // stopped after, even if Chromium fails to start
		started = { server, browser: await launchChromium() };
		onStarted(started as ServedChromium);
	});
	afterAll(async () => {
		await started.browser?.close();
		await started.server?.stop();
	});
}
