/**
 * Mailing list names, as senders name them in unsubscribe links and suppression checks. `*` means
 * every list: a global suppression, or "any list" in a lookup.
 */
/** The list value that means every list. */
export const ALL_LISTS = "*";

const LIST_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

export const LIST_RULE =
	"list must be `*` or 1-64 characters of A-Z a-z 0-9 . _ : @ - starting with a letter or digit.";

export function isValidList(list: string): boolean {
	return list === ALL_LISTS || LIST_NAME.test(list);
}
