/**
 * An HTMLRewriter whose selectors are registered once, not for every page. `HTMLRewriter.on()` parses
 * its selector in the runtime and wraps its handlers, and the guard registers 38 selector lists (121
 * selectors) for each page it rewrites: about 0.34 ms a page in this workerd, a seventh of a rewrite
 * with no-op handlers (bench/HISTORY.md, session 51). An HTMLRewriter runs any number of transforms,
 * one after another or at once, with the handlers it was given (workerd's `transform()` builds each
 * one's lol-html rewriter from them; the HTMLRewriter keeps nothing of a page). So a page's `.on()`
 * chain is only recorded here, and its transform runs on a rewriter registered with the same chain
 * whose handlers pass each call on to the page being rewritten. A rewriter serves one page at a time:
 * taken from its chain's pool by `transform()`, given back when that page's document end handler is
 * called (lol-html calls no handler of the page after it). A page that never ends (the rewrite failed,
 * or the visitor left) keeps its rewriter, and the collector takes both.
 */
import { BoundedMemo } from "../memo/bounded-memo";

type ElementHandlers = HTMLRewriterElementContentHandlers;
type DocumentHandlers = HTMLRewriterDocumentContentHandlers;
type Handlers = Record<string, ((node: never) => void | Promise<void>) | undefined>;

const ELEMENT_METHODS = ["element", "comments", "text"];
const DOCUMENT_METHODS = ["doctype", "comments", "text"];

/** The handlers of the page a pooled rewriter is rewriting, by registration. */
interface Page {
	readonly elements: readonly Handlers[];
	readonly document: Handlers;
}

interface Pooled {
	readonly rewriter: HTMLRewriter;
	page: Page | null;
}

/** Chains a site's pages can take (its settings choose among a few): more start the pools over. */
const MAX_CHAINS = 8;
/** Rewriters kept idle per chain, enough for the pages one isolate rewrites at once. */
const MAX_IDLE = 16;
const idle = new BoundedMemo<string, Pooled[]>(MAX_CHAINS);

/** HTMLRewriter's `on()`, `onDocument()` and `transform()`, its selectors registered once per chain. */
export interface PageRewriter {
	on(selector: string, handlers: ElementHandlers): PageRewriter;
	/** One set of document handlers (a second replaces the first). */
	onDocument(handlers: DocumentHandlers): PageRewriter;
	transform(response: Response): Response;
	/** The selectors registered, in order. */
	readonly selectors: readonly string[];
}

export function pageRewriter(): PageRewriter {
	const elements: Handlers[] = [];
	const selectors: string[] = [];
	let document: Handlers = {};
	/** The chain as registered: each selector with the handler methods it has. */
	let chain = "";
	const rewriter: PageRewriter = {
		on(selector, handlers) {
			elements.push(handlers as Handlers);
			selectors.push(selector);
			chain += `${selector}\u0000${methodsOf(handlers as Handlers, ELEMENT_METHODS)}\u0000`;
			return rewriter;
		},
		onDocument(handlers) {
			document = handlers as Handlers;
			return rewriter;
		},
		transform(response) {
			const key = `${chain}\u0001${methodsOf(document, DOCUMENT_METHODS)}`;
			const pooled = idle.peek(key)?.pop() ?? registered(key, elements, selectors, document);
			pooled.page = { elements, document };
			// A transform the runtime refuses (a charset it cannot decode) leaves the rewriter out of the pool.
			return pooled.rewriter.transform(response);
		},
		selectors,
	};
	return rewriter;
}

/** A rewriter registered with this chain, whose handlers call those of its current page. */
function registered(key: string, elements: Handlers[], selectors: string[], document: Handlers): Pooled {
	const pooled: Pooled = { rewriter: new HTMLRewriter(), page: null };
	const current = () => pooled.page as Page;
	// Each forwarder calls the page's handler as a method of its handlers, as HTMLRewriter would.
	const forwarders = (handlers: Handlers, methods: string[], of: (page: Page) => Handlers) => {
		const forward: Handlers = {};
		for (const method of methods)
			if (handlers[method] !== undefined) forward[method] = (node: never) => of(current())[method]?.(node);
		return forward;
	};
	elements.forEach((handlers, i) => {
		pooled.rewriter.on(
			selectors[i] as string,
			forwarders(handlers, ELEMENT_METHODS, (page) => page.elements[i] as Handlers),
		);
	});
	pooled.rewriter.onDocument({
		...forwarders(document, DOCUMENT_METHODS, (page) => page.document),
		// Always: the page's end gives its rewriter back.
		end(end) {
			const page = current();
			pooled.page = null;
			giveBack(key, pooled);
			return page.document.end?.(end as never);
		},
	});
	return pooled;
}

/** The initials of the methods `handlers` has (each method's initial differs within its list). */
function methodsOf(handlers: Handlers, methods: readonly string[]): string {
	let present = "";
	for (const method of methods) if (handlers[method] !== undefined) present += method[0];
	return present;
}

function giveBack(key: string, pooled: Pooled): void {
	const pool = idle.get(key, () => []);
	if (pool.length < MAX_IDLE) pool.push(pooled);
}
