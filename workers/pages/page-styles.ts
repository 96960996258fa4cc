/**
 * The pages' one stylesheet, inlined and allowed by its hash in the Content-Security-Policy (no
 * external assets). Theme colours arrive as CSS variables; everything else is fixed so text keeps
 * WCAG AA contrast. Layout is a single readable column that works from 320 px up; a word wider than
 * it (a sender's 64-character list id, a long host name) breaks rather than scroll the page sideways.
 */
import { type PageTheme, readableOn } from "./page-theme";

const BASE_CSS = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
:lang(ja){line-break:strict}
:lang(ja) :is(h1,h2,legend,label,dt,strong,button,.state,.return){word-break:auto-phrase}
body{margin:0;overflow-wrap:break-word;font:1rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Hiragino Sans","Noto Sans JP",sans-serif;color:var(--text);background:var(--bg)}
.site{display:flex;flex-wrap:wrap;align-items:center;gap:.75rem;padding:.75rem 1rem;border-bottom:4px solid var(--brand)}
.site img{display:block;max-height:2.5rem;max-width:12rem;width:auto}
.site-name{font-weight:700;font-size:1.125rem}
.site nav{margin-left:auto}
main,footer{max-width:46rem;margin:0 auto;padding:1.5rem 1rem}
main{padding-bottom:2.5rem}
footer{border-top:1px solid var(--border);color:var(--muted)}
h1{font-size:1.75rem;line-height:1.25;margin:0 0 .75rem}
h2{font-size:1.3rem;line-height:1.3;margin:2.5rem 0 .5rem}
a{color:var(--link)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.notice,.gpc-status{margin:1rem 0;padding:.75rem 1rem;border-left:4px solid var(--ok);background:var(--panel)}
.gpc-status{border-left-color:var(--brand)}
.notice.warning{border-left-color:var(--warn)}
.gpc-status strong{display:block}
.return{margin:1rem 0;font-weight:600}
.provision dt{font-weight:700;margin-top:.75rem}
.provision dd{margin:0 0 0 1rem;overflow-wrap:anywhere}
.not-set{color:var(--muted);font-style:italic}
:lang(ja) .not-set{font-style:normal}
fieldset{min-width:0;margin:1.5rem 0 0;padding:0 1rem;border:1px solid var(--border);border-radius:.5rem}
legend{padding:0 .375rem;font-weight:700;font-size:1.125rem}
.purpose{display:grid;grid-template-columns:auto minmax(0,1fr);column-gap:.75rem;padding:1rem 0;border-top:1px solid var(--border)}
.purpose:first-of-type{border-top:0}
.purpose input{width:1.5rem;height:1.5rem;margin:.125rem 0 0;accent-color:var(--edge)}
.purpose label{font-weight:700}
.purpose p{grid-column:2;margin:.25rem 0 0}
.state,.hint{color:var(--muted);font-size:.9375rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.25rem}
.button{min-height:2.75rem;padding:.625rem 1.25rem;border:2px solid var(--edge);border-radius:.375rem;background:var(--brand);color:var(--brand-text);font:inherit;font-weight:700;cursor:pointer}
.button:hover{box-shadow:inset 0 0 0 2px var(--brand-text)}
.table-wrap{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:.9375rem}
th,td{padding:.5rem;border-bottom:1px solid var(--border);text-align:left;vertical-align:top}
th{white-space:nowrap}
@media (max-width:30rem){.actions .button{flex:1 1 100%}h1{font-size:1.5rem}}
@media (forced-colors:active){.button{border-color:ButtonText}}`;

// Each scheme's fixed colours; a brand colour is fitted to each (readableOn) for links (4.5:1) and
// for button edges and checkboxes (3:1, WCAG 1.4.11). The button's fill stays the brand itself.
const LIGHT =
	"--text:#1f2328;--muted:#4b5563;--bg:#ffffff;--panel:#f3f4f6;--border:#9ca3af;--focus:#b45309;--ok:#15803d;--warn:#b91c1c";
const DARK =
	"--text:#e6edf3;--muted:#a3acb9;--bg:#0d1117;--panel:#161b22;--border:#6e7681;--focus:#f2cc60;--ok:#3fb950;--warn:#f85149";
const SURFACES = { light: ["#ffffff", "#f3f4f6"], dark: ["#0d1117", "#161b22"] } as const;

function brandVars(brand: string, surfaces: readonly string[]): string {
	return `--link:${readableOn(brand, surfaces, 4.5)};--edge:${readableOn(brand, surfaces.slice(0, 1), 3)}`;
}

// In dark, LOGO_URL (most often drawn for a light site: dark ink on a transparent ground) sits on a
// white plate, so it stays visible.
export function pageStyles(theme: PageTheme): string {
	const { brand } = theme;
	return `:root{color-scheme:light dark;--brand:${brand};--brand-text:${theme.brandText};${LIGHT};${brandVars(brand, SURFACES.light)}}
@media (prefers-color-scheme:dark){:root{${DARK};${brandVars(brand, SURFACES.dark)}}.site img{background:#fff;padding:.25rem .5rem;border-radius:.25rem}}
${BASE_CSS}`;
}
