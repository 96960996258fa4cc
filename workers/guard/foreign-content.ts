/**
 * Where the locked-page scanner (locked-page-links.ts) is in SVG or MathML, as the HTML tree builder
 * decides it: there `<script>`, `<style>`, `<title>`… hold tags, not raw text, and `<![CDATA[` opens
 * text. The open elements are kept, HTML ones too, with what the tree builder's end tags read of them:
 * an end tag inside SVG that names no SVG element open is read by the HTML rules against the HTML
 * elements below it, and closes the SVG only when one of them is closed.
 *
 * Formatting elements (`<b>`…) closed other than by their end tag are reopened, as the browser
 * does, at the next HTML text or start tag that reopens them, those closed since the last marker
 * (an `<object>`'s, a template's or a cell's end clears what was closed inside; one foster-parented
 * in a table, out of a cell, is kept past the table's end); a table's cells and rows are closed by
 * its end tags as its insertion modes close them, and a `<table>` out of a cell ends the table (in
 * a cell it opens one inside). A template's contents are read as a body's: its scope and marker
 * bound what is outside, `</template>` closes all above it. A select's too, as current Chromium
 * parses it (checked in 156): `</select>`, `<select>` and `<input>` close the select in scope,
 * `<option>`, `<optgroup>` and `<hr>` the options open; other browsers drop an `<svg>` tag in a
 * select, so a raw text element or CDATA in foreign content opened there leaves the model lost.
 * The adoption agency is run as the standard runs it where up to three elements stand between the
 * formatting element and the furthest block: each round moves it above that block, removes those
 * between that are not formatting elements (a `<span>`: left in the stack, gone, till popped); with
 * none left above, it is closed with all above it (an SVG too). A second `<a>` with one
 * open after the list's last marker runs it for that one, which out of scope (past a table or an
 * integration point) is removed from the stack where it stands (left there, gone, till popped).
 * A caption is read as a cell (a marker, a body's rules; `</tr>` there is ignored); a column group
 * or `<col>` closes all open in the table and is not kept (what it drops there would close it).
 * A template whose first tag is a table section, caption or column group, a row or a cell is read
 * as a table with the template for the table, the section or the row (no table in table scope:
 * `<table>` out of a cell is ignored, `</table>` closes only its row and section; no part at or under
 * the template's is opened or closed). One whose first tag is a `<col>` is in its column group mode,
 * which drops all but `<col>` and a template's tags, and all text.
 * Not modelled: `<form>` removed from the middle, ruby, the adoption agency with four elements or
 * more between (a fourth formatting element is dropped) or leaving a copy open after 8 rounds,
 * a reopening in a table out of a cell at text or an `<input>` (spaces and a hidden input reopen
 * nothing there; a start tag that is fostered does), of more than a few elements or
 * of one also open (its place in the browser's list), the list's cap of three alike where attributes
 * written otherwise could be the same, or for links, or with more than a few of a name to look past
 * (the cap is kept: the earliest of three alike leaves the list, open as any element).
 * Each marks the model inexact; from then, a decision that could depend on it is not taken:
 * the model says it is lost, and the scanner alters nothing after (a link left is the lesser fault;
 * a script or style altered breaks the page). Each tag costs a bounded amount (the adoption agency
 * 8 rounds at most, each a binary search in the stack's indexes), each element is popped once.
 */

const RAW_TEXT_NAMES = "script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext";
/** HTML elements whose text holds no tags (`plaintext` runs to the end). */
export const RAW_TEXT = new RegExp(`^(?:${RAW_TEXT_NAMES})$`);
/** A start tag of one of them, anywhere in markup. */
export const RAW_TEXT_START = new RegExp(`<(?:${RAW_TEXT_NAMES})[\\t\\n\\f\\r />]`, "i");

type Space = "html" | "svg" | "math";

/** A stretch of the stack in one of HTML or foreign content, and where each name sits in it. */
interface Run {
	readonly start: number;
	readonly at: Map<string, number[]>;
	/** Indexes of its special HTML elements (an end tag does not close past one). */
	readonly specials: number[];
	/** Its special elements other than `address`, `div` and `p` (an `<li>` start tag stops at one). */
	readonly hard: number[];
	/** Its scope boundaries (`applet`, `marquee`, `object`, `table`, `template`). */
	readonly scopes: number[];
	/** How many of its foreign elements are integration points (special and scope boundaries). */
	points: number;
	/**
	 * A foreign run opened in a select: Chromium (checked in 156) reads a select's contents as a body's,
	 * other browsers' select mode drops the `<svg>` tag, so a `<script>` in it holds raw text there.
	 */
	contested?: boolean;
}

interface Entry {
	readonly name: string;
	readonly space: Space;
	/** An HTML integration point (its start tags are HTML) or a MathML text one (most are). */
	readonly point: "html" | "text" | null;
	readonly run: Run;
	/** Removed from the middle of the stack (a link out of scope a second `<a>` removed): not open. */
	gone?: boolean;
	/** A formatting element's attributes as written (compared for the list's cap of three alike). */
	readonly attributes?: string;
	/** A formatting element the list's cap of three alike dropped from the list: open, as any element. */
	unlisted?: boolean;
}

/** Start tags that end foreign content (and `<font>` with `color`, `face` or `size`: breaksOut). */
const BREAKS_OUT =
	/^(?:b|big|blockquote|body|br|center|code|dd|div|dl|dt|em|embed|h[1-6]|head|hr|i|img|li|listing|menu|meta|nobr|ol|p|pre|ruby|s|small|span|strong|strike|sub|sup|table|tt|u|ul|var)$/;
/** Whether a start tag named `name` ends foreign content; `styledFont`: it has `color`, `face` or `size`. */
export const breaksOut = (name: string, styledFont: boolean): boolean =>
	BREAKS_OUT.test(name) || (name === "font" && styledFont);
/**
 * HTML start tags that open nothing here: void, ignored in a body outside a table, or raw text (the
 * scanner skips to its end tag). A table's sections, rows and cells are stood for by the table.
 */
const OPENS_NOTHING =
	/^(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext|area|base|basefont|bgsound|br|col|embed|hr|img|image|input|keygen|link|meta|param|source|track|wbr|frame|caption|colgroup|tbody|td|tfoot|th|thead|tr|html|body|head|frameset)$/;
/** HTML elements an end tag does not close past ("special" in the HTML standard). */
const SPECIAL =
	/^(?:address|applet|article|aside|blockquote|button|center|dd|details|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|li|listing|main|marquee|menu|nav|object|ol|p|pre|search|section|select|summary|table|template|ul)$/;
const SCOPE = /^(?:applet|marquee|object|table|template)$/;
/** Start tags that close an open `<p>` first. */
const CLOSES_P =
	/^(?:address|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset|figcaption|figure|footer|header|hgroup|main|menu|nav|ol|p|search|section|summary|ul|h[1-6]|pre|listing|form|plaintext|xmp|table|hr)$/;
/** End tags that close the latest element of their name in scope (past a special one). */
const ENDS_IN_SCOPE =
	/^(?:address|article|aside|blockquote|button|center|details|dialog|dir|div|dl|fieldset|figcaption|figure|footer|header|hgroup|listing|main|menu|nav|ol|pre|search|section|summary|ul|dd|dt|applet|marquee|object)$/;
export const FORMATTING = /^(?:a|b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u)$/;
const HEADING = /^h[1-6]$/;
/** HTML start tags that do not reopen closed formatting elements (most others do). */
const NO_REOPEN =
	/^(?:html|base|basefont|bgsound|link|meta|noframes|script|style|template|title|body|frameset|address|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset|figcaption|figure|footer|header|hgroup|main|menu|nav|ol|p|search|section|summary|ul|h[1-6]|pre|listing|form|li|dd|dt|plaintext|table|hr|param|source|track|textarea|iframe|noembed|noscript|rb|rtc|rp|rt|caption|col|colgroup|frame|head|tbody|td|tfoot|th|thead|tr)$/;
/** Start and end tags whose handling depends on what is not modelled. */
const UNMODELLED_START = /^(?:rb|rp|rt|rtc|frameset)$/;
/** Elements "generate implied end tags" closes at the top of the stack. */
const IMPLIED_END = /^(?:dd|dt|li|optgroup|option|p|rb|rp|rt|rtc)$/;
/** Start tags the head's rules take, "in template" too (the template stays fresh). */
const IN_HEAD = /^(?:base|basefont|bgsound|link|meta|noframes|script|style|template|title)$/;
const TABLE_PART = /^(?:tbody|td|tfoot|th|thead|tr|caption|col|colgroup|template)$/;
/** Start tags that, in a table, close what is open in it and open a part (a column group: none kept). */
const TABLE_OPENER = /^(?:tbody|td|tfoot|th|thead|tr|caption|col|colgroup)$/;
/** How deep in a table each part is (a cell implies a row, a row a body). */
const PART_LEVEL: Record<string, number> = { tbody: 1, thead: 1, tfoot: 1, tr: 2, td: 3, th: 3 };
/** SVG element names with capitals, which Chromium restores in an end tag read in SVG. */
const SVG_CASED =
	/^(?:altglyph|altglyphdef|altglyphitem|animatecolor|animatemotion|animatetransform|clippath|feblend|fecolormatrix|fecomponenttransfer|fecomposite|feconvolvematrix|fediffuselighting|fedisplacementmap|fedistantlight|fedropshadow|feflood|fefunca|fefuncb|fefuncg|fefuncr|fegaussianblur|feimage|femerge|femergenode|femorphology|feoffset|fepointlight|fespecularlighting|fespotlight|fetile|feturbulence|foreignobject|glyphref|lineargradient|radialgradient|textpath)$/;
/** End tags that never close an element the browser has open below SVG. */
const CLOSES_NOTHING = /^(?:body|html)$/;

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
	/** A formatting element's attributes as written (compared for the list's cap of three alike). */
	readonly attributes?: string;
}

/**
 * An open table's open section and cell, by name (an end tag naming another is ignored). A template
 * read as a table is `template`; `floor` is what it stands for: 0 the table, 1 a section (its first
 * part was a row), 2 a row (a cell first): no part at or under it can be opened or closed.
 */
interface TableNames {
	section: string;
	cell: string;
	readonly template?: boolean;
	readonly floor: number;
}

/** Where `index` is in the ascending `list`, or -1 (a binary search: the lists are stack indexes). */
function place(list: readonly number[], index: number): number {
	let low = 0;
	let high = list.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if ((list[middle] as number) < index) low = middle + 1;
		else high = middle;
	}
	return list[low] === index ? low : -1;
}

/** The first of the ascending `list` above `index`, or -1. */
function firstAfter(list: readonly number[], index: number): number {
	let low = 0;
	let high = list.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if ((list[middle] as number) <= index) low = middle + 1;
		else high = middle;
	}
	return list[low] ?? -1;
}

/** Moves an element's index in an index list (the adoption agency moves it one place or a few). */
function renumber(list: number[] | undefined, from: number, to: number): void {
	if (list === undefined) return;
	const at = place(list, from);
	if (at !== -1) list[at] = to;
}

export class ForeignContent {
	private readonly stack: Entry[] = [];
	/** Something not modelled happened: the HTML elements kept may not be the browser's. */
	private inexact = false;
	/**
	 * Formatting elements closed other than by their end tag: HTML text or a start tag reopens them,
	 * those after the last marker (closed with as many markers open, `depth`).
	 */
	private closed: { readonly name: string; readonly depth: number; readonly attributes: string }[] = [];
	/** Open elements the browser's formatting list has a marker for (a table stands for its cells). */
	private readonly markers: string[] = [];
	/** Indexes of the open HTML templates (their contents are read as a body's, with their own scopes). */
	private readonly templateAt: number[] = [];
	/** For each open template, whether it is still "in template" (a table's part opens a table's mode). */
	private readonly templateFresh: boolean[] = [];
	/** For each open template, whether a `<col>` came first: its column group mode drops all but `<col>`. */
	private readonly templateColumns: boolean[] = [];
	private form = false;
	/** Indexes of the open HTML tables (a table's end tag closes past an integration point). */
	private readonly tableAt: number[] = [];
	/** What each open table has open: 0 nothing, 1 a body (or head or foot), 2 a row, 3 a cell. */
	private readonly tableParts: number[] = [];
	/** For each open table, the names of its open section and cell (an end tag naming another is ignored). */
	private readonly tableNames: TableNames[] = [];
	/** Open HTML `<a>`, `<b>`… by name: a closed one of the same name has an unknown place in the list. */
	private readonly formattingOpen = new Map<string, number>();
	/** Indexes of the open HTML `<a>` elements, of any run (a second `<a>` removes one out of scope). */
	private readonly linkAt: number[] = [];
	/** Indexes of the open HTML scope boundaries, of any run (all but a table with no cell are markers). */
	private readonly scopeAt: number[] = [];
	/** A decision hangs on what is not modelled: nothing after it may be altered. */
	lost = false;

	/** The latest open element `name` in `run`, or -1 (one removed from the stack is dropped here). */
	private latest(run: Run, name: string): number {
		const list = run.at.get(name);
		if (list === undefined) return -1;
		while (list.length > 0 && this.stack[list.at(-1) as number]?.gone) list.pop();
		return list.at(-1) ?? -1;
	}

	/** Whether the current element is SVG or MathML: `<![CDATA[` opens a section there. */
	inForeign(): boolean {
		const top = this.stack.at(-1);
		if (this.inexact && top !== undefined && this.unsureOfTop(top)) this.lost = true;
		if (top?.run.contested) this.lost = true;
		return top !== undefined && top.space !== "html";
	}

	/**
	 * Whether the browser's current element may not be `top`: inside an integration point, its HTML
	 * elements may have been closed otherwise, or a formatting element reopened on it.
	 */
	private unsureOfTop(top: Entry): boolean {
		return top.point !== null || (top.space === "html" && top.run.start > 0);
	}

	/** Takes text between tags: where HTML rules read it, it reopens the formatting elements closed. */
	text(): void {
		if (this.dropsAll()) return;
		const top = this.stack.at(-1);
		if (top === undefined || top.space === "html" || top.point !== null) this.reopen(true);
	}

	/**
	 * The browser's "reconstruct the active formatting elements". `unsure`: in a table out of a cell,
	 * the token may be one the table's modes take as they are (text of spaces, a hidden `<input>`).
	 */
	private reopen(unsure = false): void {
		const depth = this.listDepth();
		const live = this.closed.filter((entry) => entry.depth === depth);
		if (live.length === 0) return;
		// Not told apart here: whether that text is only spaces, whether the input is hidden.
		if (unsure && this.fostering()) {
			this.inexact = true;
			return;
		}
		this.closed = this.closed.filter((entry) => entry.depth !== depth);
		for (const { name, attributes } of live) this.push(name, "html", false, attributes);
	}

	/** Whether the latest marker is a table with no cell open (a table pushes no marker of its own). */
	private fostering(): boolean {
		return this.markers.at(-1) === "table" && (this.tableParts.at(-1) ?? 0) < 3;
	}

	/** How many markers the browser's list has (a table stands for its open cell's). */
	private listDepth(): number {
		return this.markers.length - (this.fostering() ? 1 : 0);
	}

	/**
	 * The adoption agency for a closed formatting element: it is only dropped from the list. One open of
	 * its name comes before it there (a tag that opens one reopens those closed first): it stays open.
	 */
	private dropClosed(name: string): boolean {
		const depth = this.listDepth();
		const at = this.closed.findLastIndex((entry) => entry.name === name && entry.depth === depth);
		if (at === -1) return false;
		this.closed.splice(at, 1);
		return true;
	}

	/**
	 * Whether the current element is a template whose `<col>` came first: its column group mode drops
	 * every tag but `<col>` and a template's, and all text (a `<script>` there opens no script text).
	 */
	private dropsAll(): boolean {
		return this.templateAt.at(-1) === this.stack.length - 1 && this.templateColumns.at(-1) === true;
	}

	/** Takes a start tag; true when it is an HTML element (so raw text elements are raw). */
	startTag(tag: StartTag): boolean {
		if (tag.name !== "template" && this.dropsAll()) return false;
		const top = this.stack.at(-1);
		if (top === undefined || this.startsHtml(top, tag.name)) return this.htmlStart(tag);
		if (breaksOut(tag.name, tag.styledFont)) {
			this.breakOut();
			return this.htmlStart(tag);
		}
		// What is markup here is raw text in a browser that dropped the `<svg>`: nothing after is altered.
		if (top.run.contested && RAW_TEXT.test(tag.name)) this.lost = true;
		if (!tag.selfClosing) this.push(tag.name, top.space, tag.htmlEncoding);
		return false;
	}

	endTag(name: string): void {
		if (name !== "template" && this.dropsAll()) return;
		const top = this.stack.at(-1);
		if (name === "br") {
			// Read as a `<br>` start tag, after leaving foreign content: it reopens formatting elements.
			if (top !== undefined && top.space !== "html") this.breakOut();
			this.reopen();
			return;
		}
		if (top === undefined) return;
		if (this.inexact && this.unsureOfTop(top)) {
			this.lost = true;
			return;
		}
		if (top.space === "html") {
			this.htmlEnd(name, top.run);
			return;
		}
		if (name === "p") {
			this.breakOut();
			if (this.stack.at(-1)?.space === "html") this.endTag(name);
			return;
		}
		const at = top.run.at.get(name)?.at(-1);
		if (at !== undefined) {
			this.popTo(at);
			return;
		}
		// Chromium gives it its SVG name (`clipPath`) under an SVG element: no HTML element has that name.
		if (top.space === "svg" && SVG_CASED.test(name)) return;
		// The HTML rules read it from here, as from the first HTML element below the foreign ones. A
		// table's end tags read the table's insertion modes, which reach past an integration point.
		if (name === "table" || TABLE_PART.test(name)) {
			// With no table open, only a template's table modes (not modelled) read them.
			if (this.tableAt.length === 0 && name !== "template" && !this.inexact) return;
			if (!this.inexact) this.tableEnd(name);
		} else if (top.run.points === 0 && !this.inexact) {
			// (An integration point is special and bounds every scope: nothing below it is closed.)
			this.htmlEnd(name, this.stack[top.run.start - 1]?.run);
		}
		// Whether the SVG is still open may hang on what is not modelled (the adoption agency repeats
		// itself and can close it after moving the elements between).
		if (this.inexact && (top.run.points === 0 || name === "table" || TABLE_PART.test(name))) this.lost = true;
	}

	/** Whether the tree builder reads a start tag at `top` by the HTML rules. */
	private startsHtml(top: Entry, name: string): boolean {
		if (top.space === "html" || top.point === "html") return true;
		if (top.point === "text") return name !== "mglyph" && name !== "malignmark";
		return top.space === "math" && top.name === "annotation-xml" && name === "svg";
	}

	private htmlStart(tag: StartTag): boolean {
		const { name } = tag;
		const top = this.stack.at(-1);
		// At an integration point (a scope boundary) an HTML start tag closes nothing.
		const run = top?.space === "html" ? top.run : undefined;
		const inTemplate = this.templateAt.length > 0;
		if (name === "form" && this.form && !inTemplate) return true;
		if (this.templateFresh.at(-1) === true && (this.tableAt.length === 0 || this.templateInnermost())) {
			// "In template", a table's section or row switches to a table's modes, with the template as the
			// table (its other parts are not modelled), anything else but what the head's rules take to
			// "in body".
			if (/^(?:tbody|thead|tfoot|tr|td|th)$/.test(name)) this.templateTable((PART_LEVEL[name] as number) - 1);
			else if (/^(?:caption|colgroup)$/.test(name)) this.templateTable(0);
			// A column group's mode there drops all but `<col>` and templates: a `<title>` after opens no raw text.
			if (name === "col") this.templateColumns[this.templateColumns.length - 1] = true;
			if (!IN_HEAD.test(name)) this.templateFresh[this.templateFresh.length - 1] = false;
			if (name === "col") return true;
		}
		const tableContext = this.tableAt.length > 0 && !this.templateInnermost();
		if (name === "table" && tableContext && (this.tableParts.at(-1) ?? 0) < 3) {
			// A template read as a table has no table in table scope: `<table>` is ignored there.
			if (this.tableNames.at(-1)?.template) return true;
			// In a table out of a cell, `<table>` ends that table first (in a cell it is a table in it).
			this.popTo(this.tableAt.at(-1) as number, -1, true);
			return this.htmlStart(tag);
		}
		// In a table out of a cell a `<form>` is ignored with a template open, else closed at once (its
		// pointer kept): it never stands in the stack.
		if (name === "form" && tableContext && (this.tableParts.at(-1) ?? 0) < 3) {
			if (!inTemplate) this.form = true;
			return true;
		}
		if (UNMODELLED_START.test(name)) this.inexact = true;
		if (name === "a") this.closeLink(run);
		else if (run !== undefined && this.closeFor(name, run)) return true;
		// At an integration point no `<nobr>` is in scope: the agency only drops one closed.
		else if (run === undefined && name === "nobr") this.dropClosed(name);
		if (!NO_REOPEN.test(name)) this.reopen(name === "input");
		if (name === "svg" || name === "math") {
			if (!tag.selfClosing) this.push(name, name, false);
			const opened = this.stack.at(-1);
			// Any select open, in scope or not (`<select><object><svg>`: another browser dropped all three).
			if (!tag.selfClosing && run !== undefined && this.latest(run, "select") !== -1 && opened !== undefined)
				opened.run.contested = true;
			return false;
		}
		if (OPENS_NOTHING.test(name)) {
			// A cell, row, caption or column closes what is open in the table's last one, past an integration
			// point too (a table's parts are not kept: the table stands for them). In a body they are ignored.
			const table = this.tableAt.at(-1);
			if (TABLE_OPENER.test(name) && table !== undefined && !this.templateInnermost()) {
				const names = this.tableNames.at(-1) as TableNames;
				const level = PART_LEVEL[name] ?? 0;
				if (names.floor > 0 && level <= names.floor) {
					// A template's part at or under its floor: what is open above it is closed, the tag ignored.
					if ((this.tableParts.at(-1) ?? 0) > names.floor) {
						this.popTo(table + 1, -1, true);
						names.cell = "";
						this.tableParts[this.tableParts.length - 1] = names.floor;
					}
					return true;
				}
				this.popTo(table + 1, -1, true);
				// A caption stands as a cell does (a marker, its contents read as a body's); a column group
				// leaves the table's own mode (what it drops there closes it first).
				const open = names.cell === "caption" || level === 0 ? 0 : (this.tableParts.at(-1) ?? 0);
				// A row or cell with no section open implies a `<tbody>`.
				if (level === 1) names.section = name;
				else if (level === 0) names.section = "";
				else if (open < 1) names.section = "tbody";
				names.cell = level === 3 || name === "caption" ? name : "";
				this.tableParts[this.tableParts.length - 1] = name === "caption" ? 3 : level;
			}
			return true;
		}
		if (name === "form" && !inTemplate) this.form = true;
		if (FORMATTING.test(name)) this.noahsArk(name, tag.attributes ?? "");
		this.push(name, "html", false, tag.attributes ?? "");
		return true;
	}

	/**
	 * What an HTML start tag closes first: a `<p>`, a list item, a heading, a repeated link or button, a
	 * select. True when it opens nothing (a `<select>` in a select only closes it).
	 */
	private closeFor(name: string, run: Run): boolean {
		// Chromium reads a select's contents as a body's: `<select>` and `<input>` close one in scope.
		if (name === "select" || name === "input") {
			const select = this.selectInScope(run);
			if (select === -1) return false;
			this.popTo(select);
			return name === "select";
		}
		if (CLOSES_P.test(name) || /^(?:li|dd|dt)$/.test(name)) this.closeP(run);
		if (/^(?:option|optgroup|hr)$/.test(name) && this.selectInScope(run) !== -1) {
			// "Generate implied end tags" (but an `<optgroup>` for an `<option>`).
			for (
				let top = this.stack.at(-1);
				top?.run === run && IMPLIED_END.test(top.name);
				top = this.stack.at(-1)
			) {
				if (name === "option" && top.name === "optgroup") break;
				this.popTo(this.stack.length - 1);
			}
			return false;
		}
		const top = this.stack.at(-1);
		if (top === undefined || top.run !== run) return false;
		if (name === "li" || name === "dd" || name === "dt") {
			const item =
				name === "li" ? this.latest(run, "li") : Math.max(this.latest(run, "dd"), this.latest(run, "dt"));
			if (item !== -1 && item >= (run.hard.at(-1) ?? -1)) this.popTo(item);
		} else if (HEADING.test(name) && HEADING.test(top.name)) {
			this.popTo(this.stack.length - 1);
		} else if ((name === "option" || name === "optgroup") && top.name === "option") {
			this.popTo(this.stack.length - 1);
		} else if (name === "button") {
			const button = this.latest(run, "button");
			if (button !== -1 && button > (run.scopes.at(-1) ?? -1)) this.popTo(button);
		} else if (name === "nobr") {
			// The browser reopens the formatting elements closed first, a `<nobr>` among them, which the
			// adoption agency then closes again: it only drops that one. Else, with one open in scope, the
			// agency runs for it; one out of scope (past a marker, a table, an integration point) stays.
			if (this.dropClosed(name)) return false;
			const open = this.latest(run, name);
			if (open === -1 || open < (run.scopes.at(-1) ?? -1)) return false;
			if ((this.stack[open] as Entry).unlisted) this.inexact = true;
			else if (open > (run.specials.at(-1) ?? -1)) this.popTo(open, open);
			else if (!this.adopt(name, run)) this.inexact = true;
		}
		return false;
	}

	/**
	 * A second `<a>` with one in the formatting list after its last marker: the adoption agency runs for
	 * that one (in scope from the top of the stack, `run`), and one it leaves open, out of scope too, is
	 * removed from the stack where it is. One before the marker (`<a><td><a>`) is left alone.
	 */
	private closeLink(run: Run | undefined): void {
		if (this.dropClosed("a")) return;
		const open = this.linkAt.at(-1);
		if (open === undefined || open < this.lastMarker()) return;
		const count = this.formattingOpen.get("a") ?? 0;
		if (run === undefined || open < run.start || open < (run.scopes.at(-1) ?? -1)) this.remove(open);
		else if (open > (run.specials.at(-1) ?? -1)) this.popTo(open, open);
		else if (!this.adopt("a", run)) this.inexact = true;
		else if (this.formattingOpen.get("a") === count) {
			// Still open after 8 rounds: a copy the agency made stays open, not modelled.
			this.inexact = true;
		}
	}

	/** Where the formatting list's last marker stands in the stack (a table's for its open cell), or -1. */
	private lastMarker(): number {
		const last = this.scopeAt.at(-1) ?? -1;
		const names = this.tableNames.at(-1);
		if (last !== this.tableAt.at(-1) || names?.template || (this.tableParts.at(-1) ?? 0) >= 3) return last;
		return this.scopeAt.at(-2) ?? -1;
	}

	/** Removes the latest open `<a>` from the middle of the stack: it stays there, gone, till popped. */
	private remove(at: number): void {
		const entry = this.stack[at] as Entry;
		entry.gone = true;
		entry.run.at.get("a")?.pop();
		this.linkAt.pop();
		this.formattingOpen.set("a", (this.formattingOpen.get("a") ?? 1) - 1);
	}

	/**
	 * The adoption agency for the open formatting element `name` in scope in `run` with a special
	 * element above it (the furthest block): as the HTML standard's outer loop (8 rounds at most), it
	 * moves below the furthest block, then the next round takes the next one, or with none above closes
	 * it and all above it. False where the moves are not modelled (another element between than up to
	 * three formatting elements, which the browser keeps): the caller marks the model inexact.
	 */
	private adopt(name: string, run: Run): boolean {
		for (let round = 0; round < 8; round++) {
			const element = this.latest(run, name);
			if (element === -1 || element < (run.scopes.at(-1) ?? -1)) return true;
			if ((this.stack[element] as Entry).unlisted) return false;
			const block = firstAfter(run.specials, element);
			if (block === -1) {
				this.popTo(element, element);
				return true;
			}
			if (block - element > 4) return false;
			for (let at = element + 1; at < block; at++) {
				if ((this.stack[at] as Entry).space !== "html") return false;
			}
			// Those between that are not in the formatting list (a `<span>`) are removed from the stack.
			for (let at = element + 1; at < block; at++) {
				const between = this.stack[at] as Entry;
				if (!FORMATTING.test(between.name) || between.unlisted) between.gone = true;
			}
			// The entries from `element` to `block` rotate: those between and the block down one place,
			// the formatting element (the browser's copy of it) just above the block.
			const moved = this.stack[element] as Entry;
			for (let at = element + 1; at <= block; at++) {
				const entry = this.stack[at] as Entry;
				renumber(run.at.get(entry.name), at, at - 1);
				if (entry.name === "a") renumber(this.linkAt, at, at - 1);
				if (at === block) {
					renumber(run.specials, at, at - 1);
					renumber(run.hard, at, at - 1);
				}
				this.stack[at - 1] = entry;
			}
			renumber(run.at.get(name), element, block);
			if (name === "a") renumber(this.linkAt, element, block);
			this.stack[block] = moved;
		}
		return true;
	}

	/** The latest `<select>` in scope in `run`, or -1. */
	private selectInScope(run: Run): number {
		const select = this.latest(run, "select");
		return select > (run.scopes.at(-1) ?? -1) ? select : -1;
	}

	private closeP(run: Run): void {
		const p = this.latest(run, "p");
		if (p !== -1 && p > Math.max(run.scopes.at(-1) ?? -1, this.latest(run, "button"))) this.popTo(p);
	}

	/** An HTML end tag, read against `run`, the HTML elements it may close (none: `undefined`). */
	private htmlEnd(name: string, run: Run | undefined): void {
		if (run === undefined || CLOSES_NOTHING.test(name)) return;
		const scope = run.scopes.at(-1) ?? -1;
		if (name === "p") {
			this.closeP(run);
		} else if (name === "select") {
			const select = this.selectInScope(run);
			if (select !== -1) this.popTo(select);
		} else if (name === "form" && this.templateAt.length > 0) {
			// With a template open the form's pointer is not used: the form in scope is closed.
			const form = this.latest(run, "form");
			if (form !== -1 && form > scope) this.popTo(form);
		} else if (name === "form") {
			const form = this.latest(run, "form");
			this.form = false;
			if (form === this.stack.length - 1) this.popTo(form);
			else if (form > scope) this.inexact = true;
		} else if (name === "table" || TABLE_PART.test(name)) {
			this.tableEnd(name);
		} else if (HEADING.test(name)) {
			const heading = Math.max(...[1, 2, 3, 4, 5, 6].map((level) => this.latest(run, `h${level}`)));
			if (heading !== -1 && heading >= scope) this.popTo(heading);
		} else if (name === "li") {
			const li = this.latest(run, name);
			if (li !== -1 && li >= Math.max(scope, this.latest(run, "ol"), this.latest(run, "ul"))) this.popTo(li);
		} else if (ENDS_IN_SCOPE.test(name)) {
			// An `applet`, `marquee` or `object` bounds scopes but is found first.
			const at = this.latest(run, name);
			if (at !== -1 && at >= scope) this.popTo(at);
		} else if (FORMATTING.test(name)) {
			// The adoption agency: with a special element open above it, it moves elements (not modelled).
			if (this.dropClosed(name)) return;
			const at = this.latest(run, name);
			if (at === -1 || at < scope) return;
			if ((this.stack[at] as Entry).unlisted) {
				// Out of the list, and none of its name after it (a listed one below it is not modelled): an
				// end tag reads it as any other element.
				if ((this.formattingOpen.get(name) ?? 0) > 0) this.inexact = true;
				else if (at > (run.specials.at(-1) ?? -1)) this.popTo(at);
				return;
			}
			if (at > (run.specials.at(-1) ?? -1)) this.popTo(at, at);
			else if (!this.adopt(name, run)) this.inexact = true;
		} else {
			const at = this.latest(run, name);
			if (at !== -1 && at >= (run.specials.at(-1) ?? -1)) this.popTo(at);
		}
	}

	/**
	 * A table's end tag, as the table's insertion modes read it: the table or its open cell or row is
	 * closed with all above it (table scope reaches past an integration point), the formatting
	 * elements in it forgotten (the list is cleared to the cell's marker).
	 */
	private tableEnd(name: string): void {
		const table = this.tableAt.at(-1);
		const template = this.templateAt.at(-1);
		if (name === "template") {
			// Past everything, a table too; the list is cleared to the template's marker.
			if (template !== undefined) this.popTo(template, -1, true);
		} else if (table === undefined || this.templateInnermost()) {
			// A template bounds a table's scope: its parts' end tags there are ignored.
		} else if (name === "table") {
			const names = this.tableNames.at(-1) as TableNames;
			const level = this.tableParts.at(-1) ?? 0;
			if (!names.template) this.popTo(table, -1, true);
			else if (level > names.floor && (level < 3 || names.cell === "caption")) {
				// A template read as a table has no table in table scope: `</table>` closes only the row
				// and the section open (out of a cell), then is ignored.
				this.popTo(table + 1, -1, true);
				this.tableParts[this.tableParts.length - 1] = names.floor;
				names.section = "";
				names.cell = "";
			}
		} else if (name === "caption") {
			const names = this.tableNames.at(-1) as TableNames;
			if (names.cell !== "caption") return;
			this.popTo(table + 1, -1, true);
			names.cell = "";
			this.tableParts[this.tableParts.length - 1] = 0;
		} else if (name === "col" || name === "colgroup") {
			// A column group is not kept open (what it drops there would close it): ignored as in a table.
		} else {
			// An end tag for a part not open is ignored; one for a part open closes what is in it.
			const level = PART_LEVEL[name] ?? 0;
			if ((this.tableParts.at(-1) ?? 0) < level) return;
			const names = this.tableNames.at(-1);
			if (level <= (names?.floor ?? 0) || names?.cell === "caption") return;
			if ((level === 3 && names?.cell !== name) || (level === 1 && names?.section !== name)) return;
			this.popTo(table + 1, -1, true);
			this.tableParts[this.tableParts.length - 1] = level - 1;
		}
	}

	/**
	 * The latest template read as a table, its first part a section, a row or a cell (`floor` 0, 1, 2):
	 * its cells and rows are closed by the table modes, out of a cell its list has no cell's marker.
	 */
	private templateTable(floor: number): void {
		this.tableAt.push(this.templateAt.at(-1) as number);
		this.tableParts.push(floor);
		this.tableNames.push({ section: "", cell: "", template: true, floor });
		this.markers.push("table");
	}

	/** Whether the latest template is above the latest table (or no table is open in it). */
	private templateInnermost(): boolean {
		return (this.templateAt.at(-1) ?? -1) > (this.tableAt.at(-1) ?? -1);
	}

	/** Pops foreign elements up to an HTML element or an integration point. */
	private breakOut(): void {
		for (let top = this.stack.at(-1); top !== undefined; top = this.stack.at(-1)) {
			if (top.space === "html" || top.point !== null) return;
			this.popTo(this.stack.length - 1);
		}
	}

	/**
	 * The list's cap of three alike (the "Noah's Ark" clause): a formatting element pushed with three of
	 * its name and attributes after the last marker drops the earliest of them from the list (the open
	 * ones come first there, in the stack's order, then those closed); one open stays open, as any other
	 * element. Attributes written otherwise may be the same once parsed (`color=red`, `color="red"`):
	 * where that could decide, and for a link, the model is inexact.
	 */
	private noahsArk(name: string, attributes: string): void {
		const depth = this.listDepth();
		const marker = this.lastMarker();
		// The list keeps three alike at most: the walk down the stack stops at the third.
		let alike = 0;
		let unsure = 0;
		let earliest: Entry | number | undefined;
		/** One of the name, with its attributes as written: the same, or maybe the same once parsed. */
		const tally = (written: string, entry: Entry | number) => {
			if (written === attributes) {
				alike++;
				earliest = entry;
			} else if (written !== "" && attributes !== "") unsure++;
		};
		for (let index = this.closed.length - 1; index >= 0; index--) {
			const entry = this.closed[index] as (typeof this.closed)[number];
			if (entry.name === name && entry.depth === depth) tally(entry.attributes, index);
		}
		// Each run's elements of that name, latest first, down to the marker; a bounded number looked at.
		let looked = 0;
		const lookFurther = (): boolean => {
			if (++looked <= 12) return true;
			this.inexact = true;
			return false;
		};
		for (let top = this.stack.length - 1; top > marker && alike + unsure < 3; ) {
			const run = (this.stack[top] as Entry).run;
			const places = run.at.get(name) ?? [];
			for (let k = places.length - 1; k >= 0 && alike + unsure < 3; k--) {
				const at = places[k] as number;
				if (at <= marker) break;
				if (!lookFurther()) return;
				const entry = this.stack[at];
				if (entry?.name !== name || entry.space !== "html" || entry.gone || entry.unlisted) continue;
				tally(entry.attributes ?? "", entry);
			}
			top = run.start - 1;
			if (!lookFurther()) return;
		}
		if (alike + unsure < 3) return;
		if (unsure > 0 || name === "a") {
			this.inexact = true;
		} else if (typeof earliest === "number") {
			this.closed.splice(earliest, 1);
		} else if (earliest !== undefined) {
			earliest.unlisted = true;
			this.formattingOpen.set(name, (this.formattingOpen.get(name) ?? 1) - 1);
		}
	}

	private push(name: string, space: Space, htmlEncoding: boolean, attributes?: string): void {
		const top = this.stack.at(-1);
		const index = this.stack.length;
		const sameRun = top !== undefined && (top.space === "html") === (space === "html");
		const run: Run = sameRun
			? top.run
			: {
					start: index,
					at: new Map(),
					specials: [],
					hard: [],
					scopes: [],
					points: 0,
					contested: top?.run.contested,
				};
		const point = integrationPoint(name, space, htmlEncoding);
		const places = run.at.get(name);
		if (places === undefined) run.at.set(name, [index]);
		else places.push(index);
		if (space === "html" && SPECIAL.test(name)) {
			run.specials.push(index);
			if (!/^(?:address|div|p)$/.test(name)) run.hard.push(index);
			if (SCOPE.test(name)) run.scopes.push(index);
		}
		if (point !== null) run.points++;
		if (space === "html" && name === "table") {
			this.tableAt.push(index);
			this.tableParts.push(0);
			this.tableNames.push({ section: "", cell: "", floor: 0 });
		}
		if (space === "html" && SCOPE.test(name)) {
			this.markers.push(name);
			this.scopeAt.push(index);
		}
		if (space === "html" && name === "a") this.linkAt.push(index);
		if (space === "html" && name === "template") {
			this.templateAt.push(index);
			this.templateFresh.push(true);
			this.templateColumns.push(false);
		}
		if (space === "html" && FORMATTING.test(name)) {
			this.formattingOpen.set(name, (this.formattingOpen.get(name) ?? 0) + 1);
		}
		this.stack.push({ name, space, point, run, attributes });
	}

	/**
	 * Pops the elements from `index` up. A formatting element closed other than by its own end tag is
	 * reopened by the browser at the next HTML text or start tag, unless the table cell it is in closes
	 * (`forget`).
	 */
	private popTo(index: number, own = -1, forget = false): void {
		// One removed before and now on top is not the browser's current element: it goes too.
		while (this.stack.length > index || this.stack.at(-1)?.gone) {
			const entry = this.stack.pop() as Entry;
			const { run } = entry;
			const at = this.stack.length;
			// Its index may be left in its name's list (`latest` drops it there when it comes last).
			const places = run.at.get(entry.name);
			if (entry.gone) {
				if (places?.at(-1) === at) places.pop();
				continue;
			}
			// One foster-parented in a table (no cell open) has no cell's marker: it is not forgotten.
			if (
				entry.space === "html" &&
				at !== own &&
				(!forget || this.fostering()) &&
				FORMATTING.test(entry.name) &&
				!entry.unlisted
			) {
				if (this.closed.length < 8)
					this.closed.unshift({
						name: entry.name,
						depth: this.listDepth(),
						attributes: entry.attributes ?? "",
					});
				else this.inexact = true;
			}
			// A template read as a table stands for a table too (its marker and a cell's).
			if (entry.name === "template" && this.tableAt.at(-1) === at) this.markers.pop();
			if (this.scopeAt.at(-1) === at) this.scopeAt.pop();
			if (this.linkAt.at(-1) === at) this.linkAt.pop();
			if (entry.space === "html" && SCOPE.test(entry.name)) {
				// Its end clears the list to its marker: what was closed inside is not reopened after.
				this.markers.pop();
				this.closed = this.closed.filter((closed) => closed.depth <= this.markers.length);
			}
			if (this.templateAt.at(-1) === at) {
				this.templateAt.pop();
				this.templateFresh.pop();
				this.templateColumns.pop();
			}
			places?.pop();
			if (run.specials.at(-1) === at) run.specials.pop();
			if (run.hard.at(-1) === at) run.hard.pop();
			if (run.scopes.at(-1) === at) run.scopes.pop();
			if (entry.point !== null) run.points--;
			if (this.tableAt.at(-1) === at) {
				this.tableAt.pop();
				this.tableParts.pop();
				this.tableNames.pop();
			}
			if (entry.space === "html" && FORMATTING.test(entry.name) && !entry.unlisted)
				this.formattingOpen.set(entry.name, (this.formattingOpen.get(entry.name) ?? 1) - 1);
		}
	}
}
