/** Theme validation and language choice: pure rules behind the pages. */
import { describe, expect, it } from "vitest";
import { acceptedLanguage, languageHref } from "../../workers/pages/page-language";
import { pageStyles } from "../../workers/pages/page-styles";
import { contrastRatio, pageTheme } from "../../workers/pages/page-theme";

const ORIGIN = "https://consent.example";
const theme = (vars: Record<string, string>) => pageTheme(vars as unknown as Env, ORIGIN);

describe("pageTheme", () => {
	it("keeps button text at WCAG AA contrast (4.5:1) on any brand colour", () => {
		for (let r = 0; r < 256; r += 17) {
			for (let g = 0; g < 256; g += 17) {
				for (let b = 0; b < 256; b += 17) {
					const hex = `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
					const t = theme({ BRAND_COLOR: hex });
					expect(t.brand).toBe(hex);
					expect(contrastRatio(t.brand, t.brandText), hex).toBeGreaterThanOrEqual(4.5);
				}
			}
		}
	});

	it("fits any brand colour to both schemes: links 4.5:1 on the page and its panels, button edges and checkboxes 3:1", () => {
		const vars = (block: string) =>
			Object.fromEntries([...block.matchAll(/--([a-z-]+):(#[0-9a-f]{6})/g)].map((m) => [m[1], m[2]]));
		for (let r = 0; r < 256; r += 51) {
			for (let g = 0; g < 256; g += 51) {
				for (let b = 0; b < 256; b += 51) {
					const hex = `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
					const css = pageStyles(theme({ BRAND_COLOR: hex }));
					const light = vars(css.slice(0, css.indexOf("@media")));
					const dark = {
						...light,
						...vars(/prefers-color-scheme:dark\)\{:root\{([^}]*)\}/.exec(css)?.[1] ?? ""),
					};
					expect(dark.bg, hex).toBe("#0d1117");
					for (const s of [light, dark]) {
						for (const surface of [s.bg, s.panel])
							expect(contrastRatio(String(s.link), String(surface)), hex).toBeGreaterThanOrEqual(4.5);
						expect(contrastRatio(String(s.edge), String(s.bg)), hex).toBeGreaterThanOrEqual(3);
						expect(contrastRatio(String(s.text), String(s.panel)), hex).toBeGreaterThanOrEqual(4.5);
						expect(contrastRatio(String(s.muted), String(s.panel)), hex).toBeGreaterThanOrEqual(4.5);
						expect(contrastRatio(String(s.focus), String(s.bg)), hex).toBeGreaterThanOrEqual(3);
					}
				}
			}
		}
	});

	it("accepts #rgb and #rrggbb only", () => {
		expect(theme({ BRAND_COLOR: "#ABC" }).brand).toBe("#aabbcc");
		for (const bad of ["red", "#12345", "#1234567", "rgb(0,0,0)", "#fff;}", ""]) {
			expect(theme({ BRAND_COLOR: bad }).brand, bad).toBe("#1d4ed8");
		}
	});

	it("allows same-origin and data: logos only", () => {
		expect(theme({ LOGO_URL: "/logo.svg" }).logoUrl).toBe("/logo.svg");
		expect(theme({ LOGO_URL: `${ORIGIN}/img/logo.png?v=2` }).logoUrl).toBe("/img/logo.png?v=2");
		expect(theme({ LOGO_URL: "data:image/svg+xml;base64,PHN2Zz4=" }).logoUrl).toBe(
			"data:image/svg+xml;base64,PHN2Zz4=",
		);
		for (const bad of [
			"//cdn.example/logo.png",
			"/\\cdn.example/logo.png",
			"https://cdn.example/logo.png",
			"http://consent.example/logo.png",
			"data:text/html;base64,PHNjcmlwdD4=",
			'/logo.png" onerror="x',
			"javascript:alert(1)",
		]) {
			expect(theme({ LOGO_URL: bad }).logoUrl, bad).toBeNull();
		}
	});

	it("trims and bounds the site name and drops control characters", () => {
		expect(theme({ SITE_NAME: "  Acme\u0007 Shop  " }).siteName).toBe("Acme Shop");
		expect(theme({ SITE_NAME: "x".repeat(200) }).siteName).toHaveLength(80);
		expect(theme({}).siteName).toBeNull();
	});
});

describe("page language", () => {
	it.each([
		["ja", "ja"],
		["ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja"],
		["en-GB,en;q=0.9,ja;q=0.8", "en"],
		["fr-FR,fr;q=0.9,ja;q=0.5", "ja"],
		["ja;q=0.2, en;q=0.3", "en"],
		["fr", null],
		["", null],
	])("Accept-Language %j → %s", (header, expected) => {
		expect(acceptedLanguage(header)).toBe(expected);
	});

	it("switch links keep other parameters and drop the save confirmation", () => {
		expect(languageHref(new URL("https://x.example/unsubscribe?t=a.b&lang=en"), "ja")).toBe(
			"/unsubscribe?t=a.b&lang=ja",
		);
		expect(languageHref(new URL("https://x.example/preferences?saved=1"), "en")).toBe("/preferences?lang=en");
	});
});
