/**
 * The frame every people-facing page shares: `<html lang>`, the theme's header with the language
 * switch, the page's `<main>`, and a footer linking the privacy policy. Everything interpolated is
 * escaped; the caller's `main` is already-escaped HTML.
 */
import { httpUrl } from "../http/http-url";
import { escapeHtml } from "../http/responses";
import { LANGUAGES, type Lang, languageHref } from "./page-language";
import { pageStyles } from "./page-styles";
import { PAGE_TEXT } from "./page-text";
import type { PageTheme } from "./page-theme";

export interface PageFrame {
	readonly lang: Lang;
	readonly title: string;
	/** Escaped HTML for inside `<main>`. */
	readonly main: string;
	readonly theme: PageTheme;
	readonly url: URL;
	readonly privacyPolicyUrl: string | null;
}

export interface RenderedPage {
	readonly html: string;
	readonly lang: Lang;
	/** The inline stylesheet, whose hash the CSP allows. */
	readonly style: string;
}

function header(frame: PageFrame): string {
	const { theme, lang } = frame;
	const name = theme.siteName ? escapeHtml(theme.siteName) : "";
	const logo = theme.logoUrl ? `<img src="${escapeHtml(theme.logoUrl)}" alt="${name}">` : "";
	const brand = logo || name ? `${logo}${logo ? "" : `<span class="site-name">${name}</span>`}` : "";
	const switches = LANGUAGES.filter((l) => l !== lang)
		.map(
			(l) =>
				`<a href="${escapeHtml(languageHref(frame.url, l))}" hreflang="${l}" lang="${l}">${escapeHtml(PAGE_TEXT[l].languageName)}</a>`,
		)
		.join(" ");
	return `<header class="site">${brand}<nav aria-label="${escapeHtml(PAGE_TEXT[lang].languageNav)}">${switches}</nav></header>`;
}

export function renderPage(frame: PageFrame): RenderedPage {
	const text = PAGE_TEXT[frame.lang];
	const style = pageStyles(frame.theme);
	const title = frame.theme.siteName ? `${frame.title} – ${frame.theme.siteName}` : frame.title;
	// Only http(s) links: a configured `javascript:` URL must never become a link.
	const policy = httpUrl(frame.privacyPolicyUrl);
	const footer = policy
		? `<footer><a href="${escapeHtml(policy.href)}">${escapeHtml(text.privacyPolicy)}</a></footer>`
		: "";
	const html = `<!doctype html>
<html lang="${frame.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
${header(frame)}
<main id="main">
${frame.main}
</main>
${footer}
</body>
</html>
`;
	return { html, lang: frame.lang, style };
}
