/**
 * Trackers named in CSS: a `url(…)` (or an `@import "…"`) in a `style` attribute or a `<style>` block
 * makes the browser fetch it like a pixel. A denied one becomes `none` (an `@import` of one goes whole),
 * so the declaration stays valid and everything else keeps its bytes.
 */
import { decodeAttribute } from "./html-attributes";

const URL_FUNCTION = /url\(\s*(?:"([^"]*)"|'([^']*)'|&quot;(.*?)&quot;|([^)'"\s]*))\s*\)/gi;
const IMPORT = /@import\s+(?:url\([^)]*\)|"[^"]*"|'[^']*')[^;]*;?/gi;
const IMPORTED = /@import\s+(?:url\(\s*["']?([^"')\s]*)["']?\s*\)|"([^"]*)"|'([^']*)')/i;

/** `css` without its denied URLs, or null when it names none. `attribute`: raw attribute text. */
export function withoutDeniedCssUrls(
	css: string,
	denied: (url: string) => boolean,
	attribute = false,
): string | null {
	if (!/url\(|@import/i.test(css)) return null;
	const decode = (raw: string) => (attribute ? decodeAttribute(raw) : raw.trim());
	let changed = false;
	const out = css
		.replace(IMPORT, (rule) => {
			const found = IMPORTED.exec(rule);
			const url = found?.[1] ?? found?.[2] ?? found?.[3];
			if (url === undefined || !denied(decode(url))) return rule;
			changed = true;
			return "";
		})
		.replace(URL_FUNCTION, (all, dq?: string, sq?: string, eq?: string, bare?: string) => {
			const url = dq ?? sq ?? eq ?? bare ?? "";
			if (url === "" || !denied(decode(url))) return all;
			changed = true;
			return "none";
		});
	return changed ? out : null;
}
