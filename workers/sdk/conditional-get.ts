/** If-None-Match (RFC 9110 §13.1.2): weak comparison, any listed tag or `*` matches. */
export function ifNoneMatchMatches(header: string | null, etag: string): boolean {
	if (header === null) return false;
	const strip = (tag: string) => tag.trim().replace(/^W\//, "");
	const wanted = strip(etag);
	return header.split(",").some((tag) => {
		const candidate = strip(tag);
		return candidate === "*" || candidate === wanted;
	});
}
