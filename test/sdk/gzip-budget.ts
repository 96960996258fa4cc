/** /consent.js's gzip size budget, for each configuration the worker can serve it in. */

// 8 KiB until the SDK kept and retried refusals the worker could not store (8,687 bytes with them);
// 9 KiB until gated tags went through its Trusted Types policy and Consent Mode's default could go to
// the front of dataLayer (9,223 bytes in guard mode with them).
export const GZIP_BUDGET_BYTES = 9.5 * 1024;

export async function gzipSize(text: string): Promise<number> {
	const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
	return (await new Response(stream).arrayBuffer()).byteLength;
}
