/**
 * What the guard writes for Chromium's preload scanner where the tree builder ends an element of SVG or
 * MathML named as a raw text element without its end tag (html-guard.ts): the end the scanner waits for,
 * comments to the tree builder. Apart from html-guard.ts so that the browser tests can import it alone.
 */

/**
 * Written where the tree builder ends a script lol-html names SVG's or MathML's without its own end tag
 * (at an ancestor's end tag, a tag that ends the SVG, or its `<script/>` tag). The preload scanner
 * reads any script as an HTML script's, to the next `</script>` wherever that is, and every tag after
 * it, also in raw text, a comment or an attribute the tree builder reads as text:
 * `<svg><script></svg><noembed></script><img src=…>` fetched the pixel (the rewrite differential's seed
 * 143, page 62, session 59; checked in Chromium). This ends the scanner's script from any of its states
 * (script data and escaped at the first `</script>`; double escaped, the first comes back to script data
 * and the second ends it) and is comments to the tree builder.
 */
export const SCRIPT_END_FOR_SCANNER = "<!--</script><!-- --><!--</script><!-- -->";

/** The same for the other raw text elements, which the scanner reads as raw text in SVG and MathML too. */
export function endForScanner(name: string): string {
	return name === "script" ? SCRIPT_END_FOR_SCANNER : `<!--</${name}>-->`;
}
