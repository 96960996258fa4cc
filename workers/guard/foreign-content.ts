/**
 * Where the locked-page scanner (locked-page-links.ts) is in SVG or MathML, as the HTML tree builder
 * decides it: there `<script>`, `<style>`, `<title>`… hold tags, not raw text, and `<![CDATA[` opens
 * text. Only the elements open since the first `<svg>` or `<math>` are kept, with the HTML elements of
 * their integration points. Where the page's HTML elements outside would decide (an end tag naming
 * none open in SVG), the foreign elements are taken as closed: a script read as HTML is skipped
 * whole, never read as tags. Each tag costs a bounded amount, each element is popped once.
 */

type Space = "html" | "svg" | "math";

/** A stretch of the stack in one of HTML or foreign content, and where each name sits in it. */
interface Run {
	readonly start: number;
	readonly at: Map<string, number[]>;
	/** Indexes of its special HTML elements (an end tag does not close past one). */
	readonly specials: number[];
	/** How many of its foreign elements are integration points (an HTML end tag stops at one). */
	points: number;
}

interface Entry {
	readonly name: string;
	readonly space: Space;
	/** An HTML integration point (its start tags are HTML) or a MathML text one (most are). */
	readonly point: "html" | "text" | null;
	readonly run: Run;
}

/** Start tags that end foreign content (and `<font>` with `color`, `face` or `size`). */
const BREAKS_OUT =
	/^(?:b|big|blockquote|body|br|center|code|dd|div|dl|dt|em|embed|h[1-6]|head|hr|i|img|li|listing|menu|meta|nobr|ol|p|pre|ruby|s|small|span|strong|strike|sub|sup|table|tt|u|ul|var)$/;
/**
 * HTML start tags that open nothing here: void, ignored in a body outside a table, or raw text (the
 * scanner skips to its end tag).
 */
const OPENS_NOTHING =
	/^(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext|area|base|basefont|bgsound|br|col|embed|hr|img|image|input|keygen|link|meta|param|source|track|wbr|frame|caption|colgroup|tbody|td|tfoot|th|thead|tr|html|body|head|frameset)$/;
/** HTML elements an end tag does not close past ("special" in the HTML standard). */
const SPECIAL =
	/^(?:address|applet|article|aside|blockquote|button|center|dd|details|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|li|listing|main|marquee|menu|nav|object|ol|p|pre|search|section|select|summary|table|template|ul)$/;
/** Elements whose repeated start tag closes the one open. */
const CLOSES_ITSELF = /^(?:p|li|dd|dt|option)$/;
/** End tags that never close an element the browser has open below SVG (`</form>` only unlists it). */
const CLOSES_NOTHING = /^(?:body|html|head|form)$/;

function integrationPoint(name: string, space: Space, htmlEncoding: boolean): Entry["point"] {
	if (space === "svg") return name === "foreignobject" || name === "desc" || name === "title" ? "html" : null;
	if (space !== "math") return null;
	if (/^(?:mi|mo|mn|ms|mtext)$/.test(name)) return "text";
	return name === "annotation-xml" && htmlEncoding ? "html" : null;
}

/** A start tag's facts the tree builder reads: whether it closes itself, and two attributes. */
export interface StartTag {
	readonly name: string;
	readonly selfClosing: boolean;
	/** `<font>` with `color`, `face` or `size`, which breaks out as a `<p>` does. */
	readonly styledFont: boolean;
	/** `<annotation-xml encoding="text/html">` (or XHTML), an HTML integration point. */
	readonly htmlEncoding: boolean;
}

export class ForeignContent {
	private readonly stack: Entry[] = [];

	/** Whether the current element is SVG or MathML: `<![CDATA[` opens a section there. */
	inForeign(): boolean {
		const top = this.stack.at(-1);
		return top !== undefined && top.space !== "html";
	}

	/** Takes a start tag; true when it is an HTML element (so raw text elements are raw). */
	startTag(tag: StartTag): boolean {
		const top = this.stack.at(-1);
		if (top === undefined || this.startsHtml(top, tag.name)) return this.htmlStart(tag);
		if (BREAKS_OUT.test(tag.name) || (tag.name === "font" && tag.styledFont)) {
			this.breakOut();
			return this.htmlStart(tag);
		}
		if (!tag.selfClosing) this.push(tag.name, top.space, tag.htmlEncoding);
		return false;
	}

	endTag(name: string): void {
		const top = this.stack.at(-1);
		if (top === undefined) return;
		if (top.space === "html") {
			this.htmlEnd(name);
			return;
		}
		if (name === "p" || name === "br") {
			this.breakOut();
			this.htmlEnd(name);
			return;
		}
		const at = top.run.at.get(name)?.at(-1);
		if (at !== undefined) {
			this.popTo(at);
			return;
		}
		// Read by the HTML rules: an integration point stops it; else it may close an HTML element below.
		if (top.run.points > 0 || CLOSES_NOTHING.test(name)) return;
		this.popTo(top.run.start);
		this.htmlEnd(name);
	}

	/** Whether the tree builder reads a start tag at `top` by the HTML rules. */
	private startsHtml(top: Entry, name: string): boolean {
		if (top.space === "html" || top.point === "html") return true;
		if (top.point === "text") return name !== "mglyph" && name !== "malignmark";
		return top.space === "math" && top.name === "annotation-xml" && name === "svg";
	}

	private htmlStart(tag: StartTag): boolean {
		const { name } = tag;
		if (name === "svg" || name === "math") {
			if (!tag.selfClosing) this.push(name, name, false);
			return false;
		}
		if (this.stack.length === 0 || OPENS_NOTHING.test(name)) return true;
		const top = this.stack.at(-1) as Entry;
		if (top.space === "html" && top.name === name && CLOSES_ITSELF.test(name))
			this.popTo(this.stack.length - 1);
		this.push(name, "html", false);
		return true;
	}

	/** An HTML end tag closes the latest element of its name unless a special element is open above it. */
	private htmlEnd(name: string): void {
		const top = this.stack.at(-1);
		if (top === undefined || top.space !== "html") return;
		const at = top.run.at.get(name)?.at(-1);
		if (at !== undefined && at >= (top.run.specials.at(-1) ?? -1)) this.popTo(at);
	}

	/** Pops foreign elements up to an HTML element or an integration point. */
	private breakOut(): void {
		for (let top = this.stack.at(-1); top !== undefined; top = this.stack.at(-1)) {
			if (top.space === "html" || top.point !== null) return;
			this.popTo(this.stack.length - 1);
		}
	}

	private push(name: string, space: Space, htmlEncoding: boolean): void {
		const top = this.stack.at(-1);
		const index = this.stack.length;
		const sameRun = top !== undefined && (top.space === "html") === (space === "html");
		const run: Run = sameRun ? top.run : { start: index, at: new Map(), specials: [], points: 0 };
		const point = integrationPoint(name, space, htmlEncoding);
		const places = run.at.get(name);
		if (places === undefined) run.at.set(name, [index]);
		else places.push(index);
		if (space === "html" && SPECIAL.test(name)) run.specials.push(index);
		if (point !== null) run.points++;
		this.stack.push({ name, space, point, run });
	}

	/** Pops the elements from `index` up. */
	private popTo(index: number): void {
		while (this.stack.length > index) {
			const entry = this.stack.pop() as Entry;
			const { run } = entry;
			run.at.get(entry.name)?.pop();
			if (run.specials.at(-1) === this.stack.length) run.specials.pop();
			if (entry.point !== null) run.points--;
		}
	}
}
