/** Calls the Worker's own fetch handler (main module) inside the test isolate. */
import { exports } from "cloudflare:workers";

const worker = (exports as unknown as { default: Fetcher }).default;

export function fetchWorker(path: string, init?: RequestInit): Promise<Response> {
	return worker.fetch(new Request(new URL(path, "https://consent.example"), init));
}
