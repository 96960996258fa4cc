/** A describe block's worker (`wrangler dev`) and Chromium: started before its tests, stopped after. */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchChromium } from "./chromium";
import { type ServeOptions, serveWorker, type WorkerServer } from "./serve-worker";

export interface ServedChromium {
	readonly server: WorkerServer;
	readonly browser: Browser;
}

/** `options` may be a function, read once the earlier hooks have run (a guarded site's origin). */
export function servedWithChromium(
	onStarted: (started: ServedChromium) => void,
	options: ServeOptions | (() => ServeOptions) = {},
): void {
	let started: Partial<ServedChromium> = {};
	beforeAll(async () => {
		const server = await serveWorker(typeof options === "function" ? options() : options);
		started = { server }; // stopped after, even if Chromium fails to start
		started = { server, browser: await launchChromium() };
		onStarted(started as ServedChromium);
	});
	afterAll(async () => {
		await started.browser?.close();
		await started.server?.stop();
	});
}

/** A site to guard, the worker in front of it (`ORIGIN`), and Chromium; all stopped after. */
export function guardedSiteWithChromium<S extends { readonly origin: string; close(): Promise<void> }>(
	serveSite: () => Promise<S>,
	onStarted: (started: ServedChromium & { readonly site: S }) => void,
): void {
	let site: S | undefined;
	beforeAll(async () => {
		site = await serveSite();
	});
	servedWithChromium(
		(started) => onStarted({ ...started, site: site as S }),
		() => ({ vars: { ORIGIN: (site as S).origin } }),
	);
	afterAll(async () => {
		await site?.close();
	});
}
