/**
 * Several storage calls (reads, deletes) at a time, answers in order. One after another, a backlog
 * waits on each round trip in turn; all at once, the calls past six only queue: an invocation may
 * have six connections waiting for an answer at a time, KV's calls among them (Workers' limits page).
 */
export const CALLS_AT_ONCE = 6;

/**
 * `call` of each item, at most CALLS_AT_ONCE waiting at a time; the answers in the items' order,
 * whichever came first. After a call fails no more are started, and the failure is thrown.
 */
export async function callConcurrently<T, R>(
	items: readonly T[],
	call: (item: T) => Promise<R>,
): Promise<R[]> {
	const answers = new Array<R>(items.length);
	let next = 0;
	let failed = false;
	const caller = async () => {
		while (!failed && next < items.length) {
			const i = next++;
			try {
				answers[i] = await call(items[i] as T);
			} catch (err) {
				failed = true;
				throw err;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(CALLS_AT_ONCE, items.length) }, caller));
	return answers;
}
