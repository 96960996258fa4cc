/**
 * Site owners' theme for the pages: SITE_NAME, BRAND_COLOR and LOGO_URL (optional vars), each
 * validated so configuration can never inject markup or load third-party assets. The logo must be
 * same-origin (a path, or an absolute URL on the page's own origin) or a base64 `data:` image; the
 * button text colour is computed so it keeps at least 4.5:1 contrast on any brand colour.
 */
export interface PageTheme {
	readonly siteName: string | null;
	/** `#rrggbb`. */
	readonly brand: string;
	/** Black or white, whichever contrasts more with `brand`. */
	readonly brandText: string;
	readonly logoUrl: string | null;
}

const DEFAULT_BRAND = "#1d4ed8";
const MAX_SITE_NAME = 80;
const MAX_DATA_LOGO = 64 * 1024;
const DATA_LOGO = /^data:image\/(png|jpeg|gif|webp|avif|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;

function text(value: unknown): string {
	return typeof value === "string" ? value.trim() : "";
}

export function hexColor(value: string): string | null {
	const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
	if (!m?.[1]) return null;
	const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
	return `#${hex.toLowerCase()}`;
}

/** WCAG 2 relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
	const channel = (i: number) => {
		const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
	return (hi + 0.05) / (lo + 0.05);
}

/**
 * `colour` mixed toward black (on light backgrounds) or white (on dark ones) in 5% steps until it
 * keeps `ratio` against every one of `backgrounds`: a light brand colour still draws a readable link
 * or a visible button edge on a white page, a dark one on a dark page. Unchanged when it already does.
 */
export function readableOn(colour: string, backgrounds: readonly string[], ratio: number): string {
	const toward = luminance(backgrounds[0] ?? "#ffffff") > 0.18 ? 0 : 255;
	for (let step = 0; step <= 20; step++) {
		const mixed = `#${[1, 3, 5]
			.map((i) => {
				const c = Number.parseInt(colour.slice(i, i + 2), 16);
				return Math.round(c + ((toward - c) * step) / 20)
					.toString(16)
					.padStart(2, "0");
			})
			.join("")}`;
		if (backgrounds.every((bg) => contrastRatio(mixed, bg) >= ratio)) return mixed;
	}
	return toward ? "#ffffff" : "#000000";
}

/** LOGO_URL as a page on `pageOrigin` shows it, or null when it cannot. */
export function logoUrl(value: string, pageOrigin: string): string | null {
	if (!value) return null;
	if (value.startsWith("data:")) return value.length <= MAX_DATA_LOGO && DATA_LOGO.test(value) ? value : null;
	// A path: but not `//host` (protocol-relative) nor `/\host`, which browsers treat as another host.
	if (value.startsWith("/")) return /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : null;
	try {
		const url = new URL(value);
		return url.origin === pageOrigin ? url.pathname + url.search : null;
	} catch {
		return null;
	}
}

export function pageTheme(env: Env, pageOrigin: string): PageTheme {
	const vars = env as unknown as Record<string, unknown>;
	// Control characters would only garble the title; markup is escaped where it is printed.
	const siteName = text(vars.SITE_NAME)
		.replace(/\p{Cc}/gu, "")
		.slice(0, MAX_SITE_NAME);
	const brand = hexColor(text(vars.BRAND_COLOR)) ?? DEFAULT_BRAND;
	const brandText =
		contrastRatio(brand, "#ffffff") >= contrastRatio(brand, "#000000") ? "#ffffff" : "#000000";
	return { siteName: siteName || null, brand, brandText, logoUrl: logoUrl(text(vars.LOGO_URL), pageOrigin) };
}
