/**
 * Several storage reads at a time, answers in order. One after another, a backlog waits on each
 * round trip in turn; all at once, the calls past six only queue: an invocation may have six
 * connections waiting for an answer at a time, KV's calls among them (Workers' limits page).
 */
export const READS_AT_ONCE = 6;

/**
 * `read` of each item, at most READS_AT_ONCE waiting at a time; the answers in the items' order,
 * whichever came first. After a read fails no more are started, and the failure is thrown.
 */
export async function readConcurrently<T, R>(
	items: readonly T[],
	read: (item: T) => Promise<R>,
): Promise<R[]> {
	const answers = new Array<R>(items.length);
	let next = 0;
	let failed = false;
	const reader = async () => {
		while (!failed && next < items.length) {
			const i = next++;
			try {
				answers[i] = await read(items[i] as T);
			} catch (err) {
				failed = true;
				throw err;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, items.length) }, reader));
	return answers;
}
