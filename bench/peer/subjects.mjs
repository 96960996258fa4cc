/** The peer's seeded subjects: c15t-style `sub_<base58>` ids and their external user ids. */
const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

export function peerSubjectId(i) {
	let n = i;
	let text = "";
	do {
		text = BASE58[n % 58] + text;
		n = Math.floor(n / 58);
	} while (n > 0);
	return `sub_bench${text.padStart(6, "1")}`;
}

export function peerExternalId(i) {
	return `user-${i}`;
}
