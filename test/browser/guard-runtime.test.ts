/**
 * The guard's runtime script in Chromium, against a site whose own bundle builds tracker requests
 * (runtime-site.ts: fetch, XHR, sendBeacon, Image, script elements by property and setAttribute, a
 * frame). Every request the browser makes is recorded, and anything bound elsewhere than the worker
 * is answered locally. A guarded visitor's page reaches no host of a denied purpose, while the site,
 * an ordinary CDN and the allowed purpose's hosts are still reached and the site's code runs to its
 * end without errors; an allowed visitor gets the origin's page and every request is made; once a
 * guarded visitor agrees through /consent.js, the next runtime requests go through and the script the
 * runtime held back runs. A same-origin blank frame the page's code writes into or calls through gets
 * the same interception.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { classifyTrackerUrl, TRACKER_HOSTS } from "../../workers/guard/tracker-hosts";
import { hasChromium, launchChromium, warnIfNoChromium } from "./chromium";
import { CDN_HOST, NONCE, RUNTIME_HOSTS, type RuntimeSite, serveRuntimeSite } from "./runtime-site";
import type { WorkerServer } from "./serve-worker";
import { guardedSiteWithChromium } from "./served-chromium";

warnIfNoChromium("guard runtime");

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const VISITORS = {
	allowed: { "X-Debug-Geo": "US-CA" },
	/** GPC opts out of `ads` only; analytics stays allowed in US-CA. */
	adsDenied: { "Sec-GPC": "1", "X-Debug-Geo": "US-CA" },
	/** Everything off until the visitor agrees. */
	optedOut: { "X-Debug-Geo": "DE" },
} as const;

interface RuntimeResults {
	readonly round: number;
	readonly fetch: number;
	readonly xhr: string;
	readonly beacon: boolean;
	readonly fbScript: readonly (string | null)[];
	readonly elements: readonly (string | null)[];
	readonly posthog: number;
	readonly own: number;
	readonly cdn: string;
}

describe.skipIf(!hasChromium)("the guard's runtime script in Chromium", () => {
	let site: RuntimeSite;
	let server: WorkerServer;
	let browser: Browser;
	guardedSiteWithChromium(serveRuntimeSite, (started) => {
		({ site, server, browser } = started);
	});

	/** A page of the site for a visitor whose every request is recorded. */
	async function open(headers: Record<string, string>, path = "/runtime") {
		const context: BrowserContext = await browser.newContext({ extraHTTPHeaders: headers });
		const urls: string[] = [];
		context.on("request", (request) => {
			urls.push(request.url());
		});
		await context.route("**/*", (route) => {
			const request = route.request();
			if (request.url().startsWith(`${server.origin}/`)) return route.continue();
			if (request.resourceType() === "image") return route.fulfill({ contentType: "image/gif", body: GIF });
			if (request.resourceType() === "document")
				return route.fulfill({ contentType: "text/html", body: "<p>stub</p>" });
			return route.fulfill({
				contentType: "text/javascript",
				body: "",
				headers: { "Access-Control-Allow-Origin": "*" },
			});
		});
		const errors: string[] = [];
		const page = await context.newPage();
		page.on("pageerror", (err) => errors.push(err.message));
		page.on("console", (message) => {
			if (message.type() === "error") errors.push(message.text());
		});
		await page.goto(`${server.origin}${path}`);
		await page.waitForFunction(() => document.documentElement.dataset.own === "done-1");
		await page.waitForTimeout(300);
		const results = (await page.evaluate(() => (window as { runtimeResults?: unknown }).runtimeResults)) as
			| RuntimeResults
			| undefined;
		return { context, page, urls, errors, results };
	}

	/**
	 * A URL on every host pattern of the table (a `brand.*` under two suffixes), on and off its
	 * paths, and Google loaders by tag id: what the HTML rewrite's classifier says of each.
	 */
	function tableUrls(): string[] {
		const urls = TRACKER_HOSTS.flatMap((entry) =>
			entry.hosts.flatMap((pattern) => {
				const hosts = pattern.endsWith(".*")
					? [`${pattern.slice(0, -2)}.com`, `www.${pattern.slice(0, -2)}.co.uk`]
					: [pattern, `sub.${pattern}`];
				const paths = [...(entry.paths ?? []).map((path) => `${path}x`), "/other/page"];
				return hosts.flatMap((host) => paths.map((path) => `https://${host}${path}`));
			}),
		);
		for (const id of ["G-ABCD1234", "AW-123456789", "GTM-ABC1234", "NOT-AN-ID"]) {
			urls.push(
				`https://www.googletagmanager.com/gtag/js?id=${id}`,
				`https://cdn.example.net/gtm.js?id=${id}`,
			);
		}
		return urls;
	}

	const hostsReached = (urls: readonly string[], hosts: readonly string[]) =>
		hosts.filter((host) => urls.some((url) => new URL(url).hostname === host));

	it("a visitor denied ads reaches no ad host, while analytics, the site and its CDN are reached", async () => {
		const { context, urls, errors, results } = await open(VISITORS.adsDenied);
		try {
			expect({
				ads: hostsReached(urls, RUNTIME_HOSTS.ads),
				analytics: hostsReached(urls, RUNTIME_HOSTS.analytics),
				cdn: hostsReached(urls, [CDN_HOST]),
				errors,
				beacon: results?.beacon,
				fbScript: results?.fbScript,
				elements: results?.elements,
				own: results?.own,
				cdnType: results?.cdn,
			}).toEqual({
				ads: [],
				analytics: [...RUNTIME_HOSTS.analytics],
				cdn: [CDN_HOST],
				errors: [],
				beacon: true,
				// Kept as the HTML rewrite keeps a gated script, for /consent.js to run once allowed.
				fbScript: ["text/plain", "ads", "https://connect.facebook.net/en_US/fbevents.js?r=1"],
				elements: ["ads", "ads", "ads", "ads", "ads", "ads", "ads", "ads", "ads"],
				own: 200,
				cdnType: "opaque",
			});
			expect(site.requests.filter((path) => path.startsWith("/api/ping"))).not.toHaveLength(0);
		} finally {
			await context.close();
		}
	});

	it("a visitor denied everything reaches no tracker host; blocked fetch and XHR complete as empty 200s", async () => {
		const { context, urls, errors, results } = await open(VISITORS.optedOut);
		try {
			expect({
				trackers: hostsReached(urls, [...RUNTIME_HOSTS.ads, ...RUNTIME_HOSTS.analytics]),
				cdn: hostsReached(urls, [CDN_HOST]),
				errors,
				fetch: results?.fetch,
				xhr: results?.xhr,
				beacon: results?.beacon,
				posthog: results?.posthog,
				own: results?.own,
			}).toEqual({
				trackers: [],
				cdn: [CDN_HOST],
				errors: [],
				fetch: 200,
				xhr: "4:200",
				beacon: true,
				posthog: 200,
				own: 200,
			});
		} finally {
			await context.close();
		}
	});

	it("blocks exactly the URLs the HTML rewrite classifies as a denied purpose's", async () => {
		const urls = tableUrls();
		const { context, page } = await open(VISITORS.adsDenied);
		try {
			const statuses = await page.evaluate(
				(list) =>
					Promise.all(list.map((url) => fetch(url, { mode: "no-cors" }).then((res) => res.status === 200))),
				urls,
			);
			const blocked = urls.filter((_, i) => statuses[i]);
			expect(blocked).toEqual(urls.filter((url) => classifyTrackerUrl(url) === "ads"));
			expect(blocked.length).toBeGreaterThan(100);
		} finally {
			await context.close();
		}
	});

	it("an allowed visitor gets the origin's page, and every request is made", async () => {
		const viaWorker = await fetch(`${server.origin}/runtime`, { headers: VISITORS.allowed });
		const direct = await fetch(`${site.origin}/runtime`);
		expect(await viaWorker.text()).toBe(await direct.text());
		const { context, urls, errors, results } = await open(VISITORS.allowed);
		try {
			expect(hostsReached(urls, [...RUNTIME_HOSTS.ads, ...RUNTIME_HOSTS.analytics, CDN_HOST])).toEqual([
				...RUNTIME_HOSTS.ads,
				...RUNTIME_HOSTS.analytics,
				CDN_HOST,
			]);
			expect(urls.some((url) => url.startsWith("https://www.facebook.com/tr?id=1&ev=Beacon"))).toBe(true);
			expect(errors).toEqual([]);
			expect(results?.fbScript).toEqual([null, null, null]);
			expect(results?.elements).toEqual([null, null, null, null, null, null, null, null, null]);
		} finally {
			await context.close();
		}
	});

	it("a denied visitor's WebSocket and EventSource to a tracker never open, and behave as sockets still connecting", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		const sockets: string[] = [];
		page.on("websocket", (socket) => {
			sockets.push(socket.url());
		});
		const streams = () => urls.filter((url) => url.includes("/stream?"));
		try {
			await page.evaluate(() => {
				const held = window as unknown as { ws: WebSocket; es: EventSource; events: string[] };
				held.ws = new WebSocket("wss://ws1.hotjar.com/api/v2/client/ws?r=1");
				held.es = new EventSource("https://www.google-analytics.com/stream?r=1", { withCredentials: true });
				held.events = [];
			});
			await page.waitForTimeout(300);
			expect({ sockets, streams: streams(), errors }).toEqual({ sockets: [], streams: [], errors: [] });
			const seen = await page.evaluate(async () => {
				const { ws, es, events } = window as unknown as { ws: WebSocket; es: EventSource; events: string[] };
				const note = (event: Event) => events.push(`${event.type}${"code" in event ? `:${event.code}` : ""}`);
				ws.onopen = ws.onerror = ws.onclose = note;
				ws.addEventListener("close", note);
				es.onopen = es.onerror = note;
				ws.send("dropped");
				await new Promise((resolve) => setTimeout(resolve, 100));
				const waiting = [ws.readyState, es.readyState];
				ws.close();
				es.close();
				await new Promise((resolve) => setTimeout(resolve, 50));
				return {
					instances: [ws instanceof WebSocket, es instanceof EventSource, ws instanceof EventTarget],
					prototypes: [
						Object.getPrototypeOf(ws) === WebSocket.prototype,
						ws.constructor === WebSocket,
						Object.getPrototypeOf(WebSocket) === EventTarget,
						Object.getPrototypeOf(es) === EventSource.prototype,
					],
					constants: [
						WebSocket.CONNECTING,
						WebSocket.OPEN,
						WebSocket.CLOSING,
						WebSocket.CLOSED,
						ws.OPEN,
						EventSource.CLOSED,
					],
					fields: [ws.url, ws.protocol, ws.bufferedAmount, ws.binaryType, es.url, es.withCredentials],
					states: [...waiting, ws.readyState, es.readyState],
					events,
				};
			});
			expect(seen).toEqual({
				instances: [true, true, true],
				prototypes: [true, true, true, true],
				constants: [0, 1, 2, 3, 1, 2],
				fields: [
					"wss://ws1.hotjar.com/api/v2/client/ws?r=1",
					"",
					0,
					"blob",
					"https://www.google-analytics.com/stream?r=1",
					true,
				],
				// Closed by the page: a close event, as a native socket closed while connecting gets.
				states: [0, 0, 3, 2],
				events: ["close:1006", "close:1006"],
			});
			expect(errors).toEqual([]);
			// Other hosts' sockets open; the tracker's do once the visitor agrees.
			await page.evaluate(() => {
				new WebSocket("wss://cdn.example.net/live?r=1");
				new EventSource("https://cdn.example.net/stream?r=1");
			});
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			await page.evaluate(() => {
				new WebSocket("wss://ws1.hotjar.com/api/v2/client/ws?r=2");
				new EventSource("https://www.google-analytics.com/stream?r=2");
			});
			await expect
				.poll(() => ({ sockets, streams: streams() }))
				.toEqual({
					sockets: ["wss://cdn.example.net/live?r=1", "wss://ws1.hotjar.com/api/v2/client/ws?r=2"],
					streams: ["https://cdn.example.net/stream?r=1", "https://www.google-analytics.com/stream?r=2"],
				});
		} finally {
			await context.close();
		}
	});

	it("a srcset or imagesrcset naming a denied tracker in any candidate is kept aside, by property or setAttribute", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		const pixels = () => urls.filter((url) => url.includes("&ev=Srcset"));
		try {
			const kept = await page.evaluate(() => {
				const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&ev=Srcset${kind}`;
				const img = document.createElement("img");
				img.srcset = `${pixel("Img")} 1x, /own.png 2x`;
				const attribute = document.createElement("img");
				attribute.setAttribute("srcset", `/own.png 2x,${pixel("Attribute")} 1x`);
				const picture = document.createElement("picture");
				const source = document.createElement("source");
				source.srcset = `${pixel("Source")} 100w`;
				picture.append(source, document.createElement("img"));
				const preload = document.createElement("link");
				preload.rel = "preload";
				preload.as = "image";
				preload.imageSrcset = `${pixel("Preload")} 1x`;
				const preloadAttribute = document.createElement("link");
				preloadAttribute.rel = "preload";
				preloadAttribute.as = "image";
				preloadAttribute.setAttribute("imagesrcset", `${pixel("PreloadAttribute")} 1x`);
				const cdn = document.createElement("img");
				cdn.srcset = "https://cdn.example.net/a.png 1x, /own.png 2x";
				document.head.append(preload, preloadAttribute);
				document.body.append(img, attribute, picture, cdn);
				return [img, attribute, source, preload, preloadAttribute, cdn].map((el) => [
					el.getAttribute("data-consent"),
					el.getAttribute("data-srcset") ?? el.getAttribute("data-imagesrcset"),
					el.getAttribute("srcset") ?? el.getAttribute("imagesrcset"),
				]);
			});
			await page.waitForTimeout(300);
			expect({ pixels: pixels(), cdn: urls.includes("https://cdn.example.net/a.png"), errors }).toEqual({
				pixels: [],
				cdn: true,
				errors: [],
			});
			const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&ev=Srcset${kind}`;
			expect(kept).toEqual([
				["ads", `${pixel("Img")} 1x, /own.png 2x`, null],
				["ads", `/own.png 2x,${pixel("Attribute")} 1x`, null],
				["ads", `${pixel("Source")} 100w`, null],
				["ads", `${pixel("Preload")} 1x`, null],
				["ads", `${pixel("PreloadAttribute")} 1x`, null],
				[null, null, "https://cdn.example.net/a.png 1x, /own.png 2x"],
			]);
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			await page.evaluate(() => {
				const img = document.createElement("img");
				img.srcset = "https://www.facebook.com/tr?id=1&ev=SrcsetAllowed 1x";
				document.body.append(img);
			});
			await expect.poll(pixels).toEqual(["https://www.facebook.com/tr?id=1&ev=SrcsetAllowed"]);
		} finally {
			await context.close();
		}
	});

	it("an attribute node set on an element, or a new value for one already set, is judged as setAttribute is", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		const pixels = () => urls.filter((url) => url.includes("&ev=Node"));
		try {
			const kept = await page.evaluate(() => {
				const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&ev=Node${kind}`;
				const node = (name: string, value: string, namespace: string | null = null) => {
					const attr = document.createAttributeNS(namespace, name);
					attr.value = value;
					return attr;
				};
				const img = () => document.createElement("img");
				const byNode = img();
				byNode.setAttributeNode(node("src", pixel("SetAttributeNode")));
				const byNodeNS = img();
				byNodeNS.setAttributeNodeNS(node("src", pixel("SetAttributeNodeNS")));
				const named = img();
				named.attributes.setNamedItem(node("src", pixel("SetNamedItem")));
				const namedNS = document.createElement("iframe");
				namedNS.attributes.setNamedItemNS(node("src", pixel("SetNamedItemNS")));
				const srcset = img();
				srcset.setAttributeNode(node("srcset", `${pixel("Srcset")} 1x`));
				const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
				const svgImage = document.createElementNS("http://www.w3.org/2000/svg", "image");
				svgImage.setAttributeNodeNS(node("xlink:href", pixel("XlinkHref"), "http://www.w3.org/1999/xlink"));
				svg.append(svgImage);
				const changed = ["value", "nodeValue", "textContent"].map((property) => {
					const element = img();
					element.src = "https://cdn.example.net/own.png";
					(element.getAttributeNode("src") as unknown as Record<string, string>)[property] = pixel(property);
					return element;
				});
				const cdn = img();
				cdn.setAttributeNode(node("src", "https://cdn.example.net/node.png"));
				const elements = [byNode, byNodeNS, named, namedNS, srcset, svgImage, ...changed, cdn];
				document.body.append(...elements.filter((el) => el !== svgImage), svg);
				return elements.map((el) => [
					el.getAttribute("data-consent"),
					el.getAttribute("data-src") ?? el.getAttribute("data-srcset") ?? el.getAttribute("data-href"),
					el.getAttribute("src") ??
						el.getAttribute("srcset") ??
						el.getAttributeNS("http://www.w3.org/1999/xlink", "href"),
				]);
			});
			await page.waitForTimeout(300);
			expect({ pixels: pixels(), cdn: urls.includes("https://cdn.example.net/node.png"), errors }).toEqual({
				pixels: [],
				cdn: true,
				errors: [],
			});
			const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&ev=Node${kind}`;
			const own = "https://cdn.example.net/own.png";
			expect(kept).toEqual([
				["ads", pixel("SetAttributeNode"), null],
				["ads", pixel("SetAttributeNodeNS"), null],
				["ads", pixel("SetNamedItem"), null],
				["ads", pixel("SetNamedItemNS"), null],
				["ads", `${pixel("Srcset")} 1x`, null],
				["ads", pixel("XlinkHref"), null],
				["ads", pixel("value"), own],
				["ads", pixel("nodeValue"), own],
				["ads", pixel("textContent"), own],
				[null, null, "https://cdn.example.net/node.png"],
			]);
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			await page.evaluate(() => {
				const img = document.createElement("img");
				const attr = document.createAttribute("src");
				attr.value = "https://www.facebook.com/tr?id=1&ev=NodeAllowed";
				img.setAttributeNode(attr);
				document.body.append(img);
			});
			await expect.poll(pixels).toEqual(["https://www.facebook.com/tr?id=1&ev=NodeAllowed"]);
		} finally {
			await context.close();
		}
	});

	it("markup a script writes loads no denied tracker; markup naming none reads back as written", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		const pixels = () => urls.filter((url) => url.includes("ev=Markup"));
		const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&amp;ev=Markup${kind}`;
		try {
			const written = await page.evaluate(() => {
				const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&ev=Markup${kind}`;
				const div = document.createElement("div");
				div.innerHTML = `<p>Hi</p><img src="${pixel("InnerHTML")}" alt="x"><iframe src="https://td.doubleclick.net/td/rul/9?ev=MarkupFrame"></iframe>`;
				const outer = document.createElement("b");
				const wrapper = document.createElement("div");
				wrapper.append(outer);
				outer.outerHTML = `<span><script src="https://connect.facebook.net/en_US/fbevents.js?ev=MarkupScript"></script></span>`;
				const adjacent = document.createElement("div");
				adjacent.insertAdjacentHTML(
					"beforeend",
					`<picture><source srcset="${pixel("Source")} 1x"><img alt=""></picture>`,
				);
				const range = document.createRange();
				range.selectNodeContents(document.body);
				const fragment = range.createContextualFragment(
					`<img src="${pixel("Range")}" alt=""><script src="https://connect.facebook.net/en_US/fbevents.js?ev=MarkupRangeScript"></script>`,
				);
				const shadow = document.createElement("div").attachShadow({ mode: "open" });
				shadow.innerHTML = `<img src="${pixel("Shadow")}" alt="">`;
				const holder = document.createElement("div");
				holder.append(fragment);
				document.body.append(div, wrapper, adjacent, holder, shadow.host);
				// Markup naming no tracker, or naming one only in text and a link, is written as given.
				const plain = `<p class="a">Hello <b>world</b></p><img src="https://cdn.example.net/m.png" alt="">`;
				const mention = `<a href="https://www.facebook.com/shop">www.facebook.com/tr?ev=MarkupText</a>`;
				const same = [plain, mention].map((markup) => {
					const element = document.createElement("div");
					element.innerHTML = markup;
					return element.innerHTML === markup;
				});
				// A script's text is not markup.
				const script = document.createElement("script");
				const code = `var tag = '<img src="${pixel("ScriptText")}">';`;
				script.innerHTML = code;
				return {
					markup: [div.innerHTML, wrapper.innerHTML, adjacent.innerHTML, holder.innerHTML, shadow.innerHTML],
					same: [...same, script.textContent === code],
				};
			});
			await page.waitForTimeout(300);
			expect({
				pixels: pixels(),
				frames: urls.filter((url) => url.includes("td.doubleclick.net")),
				errors,
			}).toEqual({
				pixels: [],
				frames: [],
				errors: [],
			});
			expect(written).toEqual({
				markup: [
					`<p>Hi</p><img alt="x" data-src="${pixel("InnerHTML")}" data-consent="ads"><iframe data-src="https://td.doubleclick.net/td/rul/9?ev=MarkupFrame" data-consent="ads"></iframe>`,
					// Never run, as a script written by outerHTML: not gated, so not run once allowed either.
					`<span><script src="https://connect.facebook.net/en_US/fbevents.js?ev=MarkupScript"></script></span>`,
					`<picture><source data-srcset="${pixel("Source")} 1x" data-consent="ads"><img alt=""></picture>`,
					`<img alt="" data-src="${pixel("Range")}" data-consent="ads"><script type="text/plain" data-src="https://connect.facebook.net/en_US/fbevents.js?ev=MarkupRangeScript" data-consent="ads"></script>`,
					`<img alt="" data-src="${pixel("Shadow")}" data-consent="ads">`,
				],
				same: [true, true, true],
			});
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			await page.evaluate(() => {
				document.body.insertAdjacentHTML(
					"beforeend",
					`<img src="https://www.facebook.com/tr?id=1&ev=MarkupAllowed">`,
				);
			});
			// The fragment's script held back is run by the SDK, as a gated script of the page's own.
			await expect
				.poll(() => pixels().sort())
				.toEqual([
					"https://connect.facebook.net/en_US/fbevents.js?ev=MarkupRangeScript",
					"https://www.facebook.com/tr?id=1&ev=MarkupAllowed",
				]);
		} finally {
			await context.close();
		}
	});

	it("a deferred fetch (fetchLater) to a denied tracker is never sent; one to the CDN is", async () => {
		// Playwright's routing hides deferred fetches: none here, and every host but the local ones
		// resolves nowhere, so the requests are attempted (and seen) but leave nothing.
		const own = await launchChromium(["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]);
		try {
			const context = await own.newContext({ extraHTTPHeaders: VISITORS.optedOut });
			const urls: string[] = [];
			context.on("request", (request) => urls.push(request.url()));
			const page = await context.newPage();
			await page.goto(`${server.origin}/runtime`);
			const made = await page.evaluate(() => {
				const later = (window as unknown as { fetchLater: (input: RequestInfo, init?: object) => object })
					.fetchLater;
				const held = later("https://www.google-analytics.com/g/collect?v=2&ev=LaterHeld", {
					activateAfter: 0,
				});
				const asRequest = later(new Request("https://www.facebook.com/tr?id=1&ev=LaterRequest"));
				later("https://cdn.example.net/log?ev=LaterCdn");
				return [held, asRequest].map((result) => [
					(result as { activated: boolean }).activated,
					result instanceof (window as unknown as { FetchLaterResult: typeof Object }).FetchLaterResult,
				]);
			});
			await page.waitForTimeout(300);
			// A deferred fetch is sent at the latest as the page goes away.
			await page.goto(`${server.origin}/api/ping`);
			await page.waitForTimeout(500);
			await context.close();
			expect({
				made,
				trackers: urls.filter((url) => /ev=Later(Held|Request)/.test(url)),
				cdn: urls.some((url) => url.includes("ev=LaterCdn")),
			}).toEqual({
				made: [
					[false, true],
					[false, true],
				],
				trackers: [],
				cdn: true,
			});
		} finally {
			await own.close();
		}
	});

	it("an SVG filter image or SVG script given a denied tracker's URL at runtime loads nothing", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		try {
			const kept = await page.evaluate(() => {
				const svgNs = "http://www.w3.org/2000/svg";
				const svg = document.createElementNS(svgNs, "svg");
				const filter = document.createElementNS(svgNs, "filter");
				filter.id = "svg-runtime-filter";
				const image = document.createElementNS(svgNs, "feImage");
				image.setAttribute("href", "https://www.facebook.com/tr?id=1&ev=SvgFeImage");
				const linked = document.createElementNS(svgNs, "feImage");
				linked.setAttributeNS(
					"http://www.w3.org/1999/xlink",
					"xlink:href",
					"https://ct.pinterest.com/v3/?ev=SvgFeXlink",
				);
				const script = document.createElementNS(svgNs, "script");
				script.setAttribute("href", "https://connect.facebook.net/en_US/fbevents.js?ev=SvgScript");
				const rect = document.createElementNS(svgNs, "rect");
				rect.setAttribute("width", "10");
				rect.setAttribute("height", "10");
				rect.setAttribute("filter", "url(#svg-runtime-filter)");
				filter.append(image, linked);
				svg.append(filter, rect, script);
				document.body.append(svg);
				return [image, linked, script].map((el) => [
					el.getAttribute("data-href"),
					el.getAttribute("data-consent"),
				]);
			});
			await page.waitForTimeout(300);
			expect({ kept, trackers: urls.filter((url) => /ev=Svg/.test(url)), errors }).toEqual({
				kept: [
					["https://www.facebook.com/tr?id=1&ev=SvgFeImage", "ads"],
					["https://ct.pinterest.com/v3/?ev=SvgFeXlink", "ads"],
					["https://connect.facebook.net/en_US/fbevents.js?ev=SvgScript", "ads"],
				],
				trackers: [],
				errors: [],
			});
		} finally {
			await context.close();
		}
	});

	it("an audio element made with its URL (new Audio(url)) is held back as one given it later", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		try {
			const made = await page.evaluate(() => {
				const held = new Audio("https://www.facebook.com/tr?id=1&ev=AudioMade");
				const plain = new Audio("https://cdn.example.net/sound.mp3?ev=AudioCdn");
				const blank = new Audio();
				return {
					held: [held.getAttribute("data-src"), held.getAttribute("data-consent"), held.hasAttribute("src")],
					plain: [plain.getAttribute("src"), plain.preload, plain instanceof HTMLAudioElement],
					blank: [blank.hasAttribute("src"), blank.preload, blank instanceof Audio],
				};
			});
			await page.waitForTimeout(300);
			expect({
				made,
				trackers: urls.filter((url) => url.includes("ev=AudioMade")),
				cdn: urls.some((url) => url.includes("ev=AudioCdn")),
				errors,
			}).toEqual({
				made: {
					held: ["https://www.facebook.com/tr?id=1&ev=AudioMade", "ads", false],
					plain: ["https://cdn.example.net/sound.mp3?ev=AudioCdn", "auto", true],
					blank: [false, "auto", true],
				},
				trackers: [],
				cdn: true,
				errors: [],
			});
		} finally {
			await context.close();
		}
	});

	it("markup document.write puts in the page loads no denied tracker; the rest is written", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut, "/runtime-write");
		try {
			const written = await page.evaluate(() =>
				// "busted": written with a number among the strings (a cache buster), as old pixel snippets do.
				["pixel", "plain", "frame", "busted"].map((id) => {
					const element = document.getElementById(id);
					return (
						element && [
							element.getAttribute("data-consent"),
							element.getAttribute("src"),
							element.textContent,
						]
					);
				}),
			);
			expect({ trackers: urls.filter((url) => url.includes("ev=MarkupWrite")), errors }).toEqual({
				trackers: [],
				errors: [],
			});
			expect(written).toEqual([
				["ads", null, ""],
				[null, null, "plain"],
				["ads", null, ""],
				["ads", null, ""],
			]);
		} finally {
			await context.close();
		}
	});

	it("a same-origin blank frame the page's code writes into or calls through loads no denied tracker", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		const pixels = (round: number) =>
			urls.filter((url) => url.includes("ev=Frame") && url.endsWith(`r=${round}`)).sort();
		// What ad libraries do with a friendly frame: write markup into it, call its fetch, Image and
		// sendBeacon, or fill its document's body; its own requests and markup are the frame's as usual.
		const fillFrames = (args: { round: number; nonce: string }) => {
			const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&ev=Frame${kind}&r=${args.round}`;
			const frame = document.createElement("iframe");
			document.body.append(frame);
			const win = frame.contentWindow as Window & typeof globalThis;
			win.document.open();
			win.document.write(
				`<p id="own">ad</p><img src="${pixel("Write")}" alt=""><img src="https://cdn.example.net/frame.png?r=${args.round}" alt="">`,
				`<script nonce="${args.nonce}" src="https://connect.facebook.net/en_US/fbevents.js?ev=FrameScript&r=${args.round}"></script>`,
				`<script nonce="${args.nonce}">new Image().src = "${pixel("Inline")}";</script>`,
			);
			win.document.close();
			const image = new win.Image();
			image.src = pixel("Image");
			const beacon = win.navigator.sendBeacon(pixel("Beacon"), "x");
			const second = document.createElement("iframe");
			document.body.append(second);
			(second.contentDocument as Document).body.innerHTML = `<img src="${pixel("Document")}" alt="">`;
			// A frame in the frame, made by the page's code.
			const nested = win.document.createElement("iframe");
			win.document.body.append(nested);
			new (nested.contentWindow as Window & typeof globalThis).Image().src = pixel("Nested");
			// A frame reached only as the window's last indexed frame.
			document.body.append(document.createElement("iframe"));
			const indexed = window[window.length - 1] as Window & typeof globalThis;
			indexed.document.body.innerHTML = `<img src="${pixel("Indexed")}" alt="">`;
			new indexed.Image().src = pixel("IndexedImage");
			// The same in a frame written again (document.open drops a document's listeners).
			const rewritten = document.createElement("iframe");
			document.body.append(rewritten);
			const outer = rewritten.contentWindow as Window & typeof globalThis;
			outer.document.open();
			outer.document.write(`<iframe name="written"></iframe>`);
			outer.document.close();
			const written = (outer.frames as unknown as Record<string, Window & typeof globalThis>).written;
			new (written as Window & typeof globalThis).Image().src = pixel("Written");
			outer.document.body.append(outer.document.createElement("iframe"));
			new (outer[outer.length - 1] as Window & typeof globalThis).Image().src = pixel("AfterOpen");
			return Promise.all([
				win.fetch(pixel("Fetch"), { mode: "no-cors" }).then((res) => res.status),
				win.fetch(`/api/ping?frame=${args.round}`).then((res) => res.status),
				win
					.fetch(`https://cdn.example.net/frame.json?r=${args.round}`, { mode: "no-cors" })
					.then((res) => res.type),
			]).then((answers) => ({
				answers,
				beacon,
				own: win.document.getElementById("own")?.textContent,
				held: win.document.querySelector("img")?.getAttribute("data-consent"),
			}));
		};
		try {
			const seen = await page.evaluate(fillFrames, { round: 1, nonce: NONCE });
			await page.waitForTimeout(300);
			expect({ pixels: pixels(1), errors }).toEqual({ pixels: [], errors: [] });
			expect(seen).toEqual({ answers: [200, 200, "opaque"], beacon: true, own: "ad", held: "ads" });
			expect(urls).toContain("https://cdn.example.net/frame.png?r=1");
			expect(site.requests).toContain("/api/ping?frame=1");
			// A window the code kept is the frame's next one once the frame navigates to a new blank document.
			const kept = await page.evaluate(async () => {
				const frame = document.createElement("iframe");
				document.body.append(frame);
				const win = frame.contentWindow as Window;
				frame.src = "about:blank";
				await new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
				const res = await win.fetch("https://www.facebook.com/tr?id=1&ev=FrameKept&r=1", { mode: "no-cors" });
				return res.status;
			});
			await page.waitForTimeout(100);
			expect({ kept, pixels: pixels(1) }).toEqual({ kept: 200, pixels: [] });
			// Once allowed on the page, the frames' requests go through, in a frame made before too.
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			await page.evaluate(() => {
				const win = document.querySelector("iframe")?.contentWindow as Window;
				return win.fetch("https://www.facebook.com/tr?id=1&ev=FrameEarlier&r=1", { mode: "no-cors" });
			});
			const allowed = await page.evaluate(fillFrames, { round: 2, nonce: NONCE });
			expect(allowed.held).toBe(null);
			await expect
				.poll(() => pixels(2))
				.toEqual(
					[
						"AfterOpen",
						"Beacon",
						"Document",
						"Fetch",
						"Image",
						"Indexed",
						"IndexedImage",
						"Inline",
						"Nested",
						"Script",
						"Write",
						"Written",
					]
						.map((kind) =>
							kind === "Script"
								? "https://connect.facebook.net/en_US/fbevents.js?ev=FrameScript&r=2"
								: `https://www.facebook.com/tr?id=1&ev=Frame${kind}&r=2`,
						)
						.sort(),
				);
			expect(pixels(1)).toEqual(["https://www.facebook.com/tr?id=1&ev=FrameEarlier&r=1"]);
		} finally {
			await context.close();
		}
	});

	it("a frame's srcdoc set at runtime is screened as written markup: the frame shows the rest", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		const pixels = () => urls.filter((url) => url.includes("ev=Srcdoc")).sort();
		const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&amp;ev=Srcdoc${kind}`;
		try {
			const shown = await page.evaluate(async () => {
				const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&ev=Srcdoc${kind}`;
				const frames = ["iframe", "iframe", "iframe"].map((name) => document.createElement(name));
				const [byProperty, byAttribute, byNode] = frames as [
					HTMLIFrameElement,
					HTMLIFrameElement,
					HTMLIFrameElement,
				];
				byProperty.srcdoc = `<p id="own">ad</p><img src="${pixel("Property")}" alt=""><img src="https://cdn.example.net/srcdoc.png" alt="">`;
				byAttribute.setAttribute("srcdoc", `<img src="${pixel("Attribute")}" alt="">`);
				const node = document.createAttribute("srcdoc");
				node.value = `<img src="${pixel("Node")}" alt="">`;
				byNode.setAttributeNode(node);
				// A frame in markup a script writes, its srcdoc naming the tracker only escaped.
				const holder = document.createElement("div");
				holder.innerHTML = `<iframe srcdoc="<img src=&quot;${pixel("Markup")}&quot;>"></iframe>`;
				const loaded = [...frames, holder.firstChild as HTMLIFrameElement].map(
					(frame) => new Promise((resolve) => frame.addEventListener("load", resolve)),
				);
				document.body.append(byProperty, byAttribute, byNode, holder);
				await Promise.all(loaded);
				return {
					srcdoc: [byProperty.srcdoc, byAttribute.getAttribute("srcdoc"), byNode.srcdoc],
					own: byProperty.contentDocument?.getElementById("own")?.textContent,
				};
			});
			await page.waitForTimeout(300);
			expect({ pixels: pixels(), cdn: urls.includes("https://cdn.example.net/srcdoc.png"), errors }).toEqual({
				pixels: [],
				cdn: true,
				errors: [],
			});
			expect(shown).toEqual({
				srcdoc: [
					`<p id="own">ad</p><img alt="" data-src="${pixel("Property")}" data-consent="ads"><img src="https://cdn.example.net/srcdoc.png" alt="">`,
					`<img alt="" data-src="${pixel("Attribute")}" data-consent="ads">`,
					`<img alt="" data-src="${pixel("Node")}" data-consent="ads">`,
				],
				own: "ad",
			});
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			await page.evaluate(() => {
				const frame = document.createElement("iframe");
				frame.srcdoc = `<img src="https://www.facebook.com/tr?id=1&ev=SrcdocAllowed" alt="">`;
				document.body.append(frame);
			});
			await expect.poll(pixels).toEqual(["https://www.facebook.com/tr?id=1&ev=SrcdocAllowed"]);
		} finally {
			await context.close();
		}
	});

	it("written markup naming a tracker host with percent-escapes or character references is screened too", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		const pixels = () => urls.filter((url) => url.includes("ev=Escaped")).sort();
		try {
			const written = await page.evaluate(() => {
				const div = document.createElement("div");
				div.innerHTML = [
					`<img src="https://www.face%62ook.com/tr?id=1&amp;ev=EscapedPercent" alt="">`,
					`<img src="https://www.face&#98;ook.com/tr?id=1&amp;ev=EscapedReference" alt="">`,
					`<img src="https://cdn.example.net/a%20b.png" alt="">`,
				].join("");
				document.body.append(div);
				return div.innerHTML;
			});
			await page.waitForTimeout(300);
			expect({ pixels: pixels(), errors }).toEqual({ pixels: [], errors: [] });
			expect(written).toBe(
				`<img alt="" data-src="https://www.face%62ook.com/tr?id=1&amp;ev=EscapedPercent" data-consent="ads">` +
					`<img alt="" data-src="https://www.facebook.com/tr?id=1&amp;ev=EscapedReference" data-consent="ads">` +
					`<img src="https://cdn.example.net/a%20b.png" alt="">`,
			);
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			await page.evaluate(() => {
				document.body.insertAdjacentHTML(
					"beforeend",
					`<img src="https://www.face%62ook.com/tr?ev=EscapedAllowed">`,
				);
			});
			await expect.poll(pixels).toEqual(["https://www.facebook.com/tr?ev=EscapedAllowed"]);
		} finally {
			await context.close();
		}
	});

	it("markup naming one tracker URL is screened however it names it, through innerHTML, insertAdjacentHTML and DOMParser", async () => {
		// Each URL is written on its own, so the screen's first look must see each: every host of the
		// table, its name in capitals, its last label percent-escaped or as a character reference, its
		// name as the URL parser folds it, a brand under a suffix no host ends with, a Google loader's
		// path on a host the table lacks.
		const written: [markup: string, meant: string][] = [];
		for (const url of tableUrls()) {
			const { hostname } = new URL(url);
			const start = url.indexOf(hostname);
			const dot = start + hostname.lastIndexOf(".");
			const code = url.charCodeAt(dot + 1);
			const first = String.fromCharCode(url.charCodeAt(start) + 0xfee0);
			written.push(
				[url, url],
				[url.replace(hostname, hostname.toUpperCase()), url],
				[`${url.slice(0, dot + 1)}%${code.toString(16)}${url.slice(dot + 2)}`, url],
				[`${url.slice(0, dot + 1)}&#${code};${url.slice(dot + 2)}`, url],
				// What the URL parser folds into the host: a full-width letter or digit, an ideographic full
				// stop, a newline (dropped from anywhere in a URL), a soft hyphen (dropped from a host).
				[`${url.slice(0, start)}${first}${url.slice(start + 1)}`, url],
				[`${url.slice(0, dot)}\u3002${url.slice(dot + 1)}`, url],
				[`${url.slice(0, start + 1)}\n${url.slice(start + 1)}`, url],
				[`${url.slice(0, start + 1)}\u00ad${url.slice(start + 1)}`, url],
			);
		}
		for (const url of [
			"https://google.de/g/collect?v=2",
			"https://adservice.google.de/ddm/fls/z",
			"https://tags.example/gtag/js?id=G-ABCD1234",
			"https://tags.example/gtm.js?id=GTM-ABC1234",
		]) {
			written.push([url, url]);
		}
		const denied = written
			.filter(([, meant]) => classifyTrackerUrl(meant) !== null)
			.map(([markup]) => markup);
		const { context, page, errors } = await open(VISITORS.optedOut);
		try {
			const gated = await page.evaluate(
				(list) => {
					const writers: Record<string, (markup: string) => ParentNode> = {
						innerHTML: (markup) => {
							const div = document.createElement("div");
							div.innerHTML = markup;
							return div;
						},
						insertAdjacentHTML: (markup) => {
							const div = document.createElement("div");
							div.insertAdjacentHTML("beforeend", markup);
							return div;
						},
						DOMParser: (markup) => new DOMParser().parseFromString(markup, "text/html").body,
					};
					return Object.keys(writers).map((name) =>
						list.filter((markup) => {
							const img = writers[name]?.(`<img src="${markup}" alt="">`).querySelector("img");
							return img?.hasAttribute("data-consent") === true && !img.hasAttribute("src");
						}),
					);
				},
				written.map(([markup]) => markup),
			);
			expect(denied.length).toBeGreaterThan(800);
			expect(denied).toContain("https://google.de/g/collect?v=2");
			expect(denied).toContain("https://tags.example/gtag/js?id=G-ABCD1234");
			expect(gated).toEqual([denied, denied, denied]);
			expect(errors).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it("markup given as a TrustedHTML is screened as its text, whether the page enforces Trusted Types or not", async () => {
		const gated = (kind: string) =>
			`<img alt="" data-src="https://www.facebook.com/tr?id=1&amp;ev=Trusted${kind}" data-consent="ads">`;
		for (const tt of ["off", "open", "closed"] as const) {
			const { context, page, urls, errors } = await open(VISITORS.optedOut, `/runtime-trusted?tt=${tt}`);
			try {
				const written = await page.evaluate(async () => {
					const policy = (window as unknown as { sitePolicy: { createHTML(html: string): string } })
						.sitePolicy;
					const pixel = (kind: string) =>
						policy.createHTML(`<img alt="" src="https://www.facebook.com/tr?id=1&ev=Trusted${kind}">`);
					const inner = document.createElement("div");
					inner.innerHTML = pixel("Inner");
					const adjacent = document.createElement("div");
					adjacent.insertAdjacentHTML("beforeend", pixel("Adjacent"));
					const unsafe = document.createElement("div");
					unsafe.setHTMLUnsafe(pixel("Unsafe"));
					const shadow = document.createElement("div").attachShadow({ mode: "open" });
					shadow.innerHTML = pixel("Shadow");
					const frame = document.createElement("iframe");
					frame.srcdoc = pixel("Srcdoc");
					const plain = document.createElement("div");
					plain.innerHTML = policy.createHTML(`<p class="a">Hello <b>world</b></p>`);
					const loaded = new Promise((resolve) => frame.addEventListener("load", resolve));
					document.body.append(inner, adjacent, unsafe, shadow.host, frame, plain);
					await loaded;
					return {
						markup: [inner, adjacent, unsafe, shadow, plain].map((node) => node.innerHTML),
						srcdoc: frame.getAttribute("srcdoc"),
						written: [
							document.getElementById("own")?.textContent,
							document.getElementById("pixel")?.dataset.consent,
						],
					};
				});
				await page.waitForTimeout(300);
				expect({ tt, pixels: urls.filter((url) => url.includes("ev=Trusted")) }).toEqual({ tt, pixels: [] });
				if (tt === "closed") {
					// The page's CSP allows no policy of the runtime's: a write it would rewrite is dropped, the
					// rest written; the browser reports the refused policy and the one plain string it refused, once.
					expect(written).toEqual({
						markup: ["", "", "", "", `<p class="a">Hello <b>world</b></p>`],
						srcdoc: "",
						written: [undefined, undefined],
					});
					expect(errors.sort()).toEqual([
						`Creating a TrustedTypePolicy named 'consent-edge' violates the following Content Security policy directive: "trusted-types site". The action has been blocked.`,
						"This document requires 'TrustedHTML' assignment. The action has been blocked.",
					]);
				} else {
					expect(written).toEqual({
						markup: [
							gated("Inner"),
							gated("Adjacent"),
							gated("Unsafe"),
							gated("Shadow"),
							`<p class="a">Hello <b>world</b></p>`,
						],
						srcdoc: gated("Srcdoc"),
						written: ["own", "ads"],
					});
					expect(errors).toEqual([]);
				}
			} finally {
				await context.close();
			}
		}
	});

	it("a TrustedHTML's noscript is read as the page reads it: no tracker after its end loads, whether the page enforces Trusted Types or not", async () => {
		const markup = (kind: string) =>
			`<noscript><textarea></noscript><img alt="" src="https://www.facebook.com/tr?id=1&ev=TrustedNoscript${kind}">`;
		const gated = (kind: string) =>
			`<img alt="" data-src="https://www.facebook.com/tr?id=1&amp;ev=TrustedNoscript${kind}" data-consent="ads">`;
		for (const tt of ["off", "open", "closed"] as const) {
			const { context, page, urls } = await open(VISITORS.optedOut, `/runtime-trusted?tt=${tt}`);
			try {
				const written = await page.evaluate(async (markup) => {
					const policy = (window as unknown as { sitePolicy: { createHTML(html: string): string } })
						.sitePolicy;
					const html = (kind: string) => policy.createHTML(markup.replace("KIND", kind));
					const inner = document.createElement("div");
					inner.innerHTML = html("Inner");
					const frame = document.createElement("iframe");
					document.body.append(inner, frame);
					const doc = frame.contentDocument as Document;
					doc.open();
					doc.write(html("Write"));
					doc.close();
					return [inner.innerHTML, doc.documentElement.innerHTML];
				}, markup("KIND"));
				await page.waitForTimeout(300);
				expect({ tt, pixels: urls.filter((url) => url.includes("ev=TrustedNoscript")) }).toEqual({
					tt,
					pixels: [],
				});
				// A page allowing no policy of the runtime's gets nothing written, as for any markup it would rewrite.
				expect({ tt, written }).toEqual({
					tt,
					written:
						tt === "closed"
							? ["", "<head></head><body></body>"]
							: [
									`<noscript><textarea></noscript>${gated("Inner")}`,
									`<head><noscript><textarea></noscript></head><body>${gated("Write")}</body>`,
								],
				});
			} finally {
				await context.close();
			}
		}
	});

	it("document.write given several TrustedHTML arguments screens each, without refusing a string", async () => {
		for (const tt of ["off", "open"] as const) {
			const { context, page, urls, errors } = await open(VISITORS.optedOut, `/runtime-trusted?tt=${tt}`);
			try {
				const written = await page.evaluate(() => {
					const policy = (window as unknown as { sitePolicy: { createHTML(html: string): string } })
						.sitePolicy;
					const frame = document.createElement("iframe");
					document.body.append(frame);
					const doc = frame.contentDocument as Document;
					doc.open();
					doc.write(
						policy.createHTML(
							'<p id="a">a</p><img id="px" alt="" src="https://www.facebook.com/tr?id=1&ev=TrustedArgs">',
						),
						policy.createHTML('<p id="b">b</p>'),
					);
					doc.close();
					return ["a", "b"]
						.map((id) => doc.getElementById(id)?.textContent)
						.concat(doc.getElementById("px")?.dataset.consent);
				});
				await page.waitForTimeout(300);
				expect({ tt, pixels: urls.filter((url) => url.includes("ev=TrustedArgs")), errors }).toEqual({
					tt,
					pixels: [],
					errors: [],
				});
				expect(written).toEqual(["a", "b", "ads"]);
			} finally {
				await context.close();
			}
		}
	});

	it("nodes built in another document (DOMParser, a document the page makes) load no denied tracker once inserted", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut);
		const pixels = () => urls.filter((url) => url.includes("ev=Imported")).sort();
		try {
			const kept = await page.evaluate(() => {
				const pixel = (kind: string) => `https://www.facebook.com/tr?id=1&ev=Imported${kind}`;
				const image = (id: string) => `<img id="${id}" alt="" src="${pixel(id)}">`;
				const parsed = new DOMParser().parseFromString(
					["ImportNode", "AdoptNode", "Append", "AppendChild", "ReplaceChildren"].map(image).join("") +
						`<iframe id="Frame" src="https://td.doubleclick.net/td/rul/9?ev=ImportedFrame"></iframe>` +
						`<script id="Script" src="https://connect.facebook.net/en_US/fbevents.js?ev=ImportedScript"></script>` +
						`<img id="Cdn" alt="" src="https://cdn.example.net/imported.png">`,
					"text/html",
				);
				const from = (id: string) => parsed.getElementById(id) as HTMLElement;
				const holder = document.createElement("div");
				document.body.append(holder);
				holder.append(document.importNode(from("ImportNode"), true), document.adoptNode(from("AdoptNode")));
				holder.append(from("Append"));
				holder.appendChild(from("AppendChild"));
				const replaced = document.createElement("div");
				document.body.append(replaced);
				replaced.replaceChildren(from("ReplaceChildren"));
				holder.append(from("Frame"), from("Script"), from("Cdn"));
				// A document the page makes, filled by markup or element by element.
				const made = document.implementation.createHTMLDocument("");
				made.body.innerHTML = image("Made");
				const element = made.createElement("img");
				element.id = "MadeElement";
				element.src = pixel("MadeElement");
				holder.append(made.getElementById("Made") as HTMLElement, element);
				const parseHTMLUnsafe = (Document as unknown as { parseHTMLUnsafe?: (html: string) => Document })
					.parseHTMLUnsafe;
				if (parseHTMLUnsafe) {
					holder.append(
						parseHTMLUnsafe
							.call(Document, image("ParseHTMLUnsafe"))
							.getElementById("ParseHTMLUnsafe") as HTMLElement,
					);
				}
				return {
					unsafe: Boolean(parseHTMLUnsafe),
					consent: [...holder.children, ...replaced.children].map((el) => [
						el.id,
						el.getAttribute("data-consent"),
					]),
				};
			});
			await page.waitForTimeout(300);
			expect({
				pixels: pixels(),
				frames: urls.filter((url) => url.includes("ev=ImportedFrame")),
				cdn: urls.includes("https://cdn.example.net/imported.png"),
				errors,
			}).toEqual({ pixels: [], frames: [], cdn: true, errors: [] });
			expect(kept).toEqual({
				unsafe: true,
				consent: [
					["ImportNode", "ads"],
					["AdoptNode", "ads"],
					["Append", "ads"],
					["AppendChild", "ads"],
					["Frame", "ads"],
					// Parsed by DOMParser, a script never runs: it is left as it is.
					["Script", null],
					["Cdn", null],
					["Made", "ads"],
					["MadeElement", "ads"],
					["ParseHTMLUnsafe", "ads"],
					["ReplaceChildren", "ads"],
				],
			});
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			await page.evaluate(() => {
				const parsed = new DOMParser().parseFromString(
					`<img src="https://www.facebook.com/tr?id=1&ev=ImportedAllowed">`,
					"text/html",
				);
				document.body.append(parsed.body.firstChild as Node);
			});
			await expect.poll(pixels).toEqual(["https://www.facebook.com/tr?id=1&ev=ImportedAllowed"]);
		} finally {
			await context.close();
		}
	});

	it("document.write markup split mid-tag across calls is screened joined; the page reads as written", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut, "/runtime-split");
		try {
			const written = await page.evaluate(async () => {
				const attributes = (id: string) => {
					const element = document.getElementById(id);
					return (
						element && [element.getAttribute("data-consent"), element.getAttribute("src"), element.className]
					);
				};
				// Written into a blank frame and closed: what is still held is written before the close.
				const frame = document.createElement("iframe");
				document.body.append(frame);
				const doc = frame.contentDocument as Document;
				doc.open();
				doc.write('<p id="kept">kept</p><img id="framed" alt="" src="https://www.fac');
				doc.write('ebook.com/tr?id=1&ev=SplitFrame"><b');
				doc.close();
				await new Promise((resolve) => setTimeout(resolve, 50));
				return {
					page: ["pixel", "plain", "frame", "tail", "heading"].map(attributes),
					plain: document.getElementById("plain")?.textContent,
					before: document.documentElement.dataset.before,
					frame: [doc.getElementById("kept")?.textContent, doc.getElementById("framed")?.dataset.consent],
				};
			});
			await page.waitForTimeout(300);
			expect({ trackers: urls.filter((url) => url.includes("ev=Split")), errors }).toEqual({
				trackers: [],
				errors: [],
			});
			expect(written).toEqual({
				page: [
					["ads", null, ""],
					[null, null, "ab"],
					["ads", null, ""],
					[null, null, "open"],
					[null, null, ""],
				],
				plain: "plain",
				before: "true",
				frame: ["kept", "ads"],
			});
		} finally {
			await context.close();
		}
	});

	it("a split tag whose quoted values hold < or > is still held until finished; a < starting no tag is written at once", async () => {
		const { context, page, urls, errors } = await open(VISITORS.optedOut, "/runtime-split");
		try {
			const written = await page.evaluate((nonce) => {
				const frame = document.createElement("iframe");
				document.body.append(frame);
				const doc = frame.contentDocument as Document;
				doc.open();
				doc.write('<img id="lt" alt="1 < 2" src="https://www.fac');
				doc.write('ebook.com/tr?id=1&ev=SplitLt">');
				doc.write("<img id='gt' alt='a>b' src='https://www.fac");
				doc.write("ebook.com/tr?id=1&ev=SplitGt'>");
				doc.write('<img id="dq" alt="a>b" src="https://www.fac');
				doc.write('ebook.com/tr?id=1&ev=SplitDq">');
				// A quote after an `=` inside an unquoted value opens no value: the second one does, unfinished.
				doc.write(`<img id="uq" src="https://www.facebook.com/tr?id=1&ev=SplitUnquoted" a=b=' x="y>' >`);
				doc.write('">');
				// Text, as the parser reads it: the page reads it back before its next write.
				doc.write('<p id="text">1 < 2');
				const text = doc.getElementById("text")?.textContent;
				doc.write(
					`</p><script nonce="${nonce}">document.write("<b id='inner'>" + (1 < 2) + "</b>")</script>`,
				);
				doc.close();
				return {
					gated: ["lt", "gt", "dq", "uq"].map((id) => [
						doc.getElementById(id)?.dataset.consent,
						doc.getElementById(id)?.getAttribute("src"),
					]),
					text,
					inner: doc.getElementById("inner")?.textContent,
				};
			}, NONCE);
			await page.waitForTimeout(300);
			expect({ trackers: urls.filter((url) => url.includes("ev=Split")), errors }).toEqual({
				trackers: [],
				errors: [],
			});
			expect(written).toEqual({
				gated: [
					["ads", null],
					["ads", null],
					["ads", null],
					["ads", null],
				],
				text: "1 < 2",
				inner: "true",
			});
		} finally {
			await context.close();
		}
	});

	it("elements written markup leaves open stay open for later markup to close: the page's layout is kept", async () => {
		/** Where each written or own element ended up, and what it holds, as the page reads it. */
		const layout = (page: Page) =>
			page.evaluate(() => {
				const ids = Array.from(document.querySelectorAll("body [id]"), (element) => element.id);
				const where = ids.map((id) => {
					const element = document.getElementById(id) as HTMLElement;
					const parent = element.parentElement as HTMLElement;
					return `${id} in ${parent.id || parent.localName}: ${element.textContent?.replace(/\s+/g, " ").trim()}`;
				});
				const after = document.getElementById("d-after") as HTMLElement;
				return { where, styled: getComputedStyle(after).color };
			});
		const asGiven = await open(VISITORS.allowed, "/runtime-open");
		const guarded = await open(VISITORS.optedOut, "/runtime-open");
		try {
			const expected = await layout(asGiven.page);
			expect(expected.where).toContain("a-after in a: a");
			expect(await layout(guarded.page)).toEqual(expected);
			expect(asGiven.urls.filter((url) => url.includes("ev=Open"))).toHaveLength(10);
			expect({
				trackers: guarded.urls.filter((url) => url.includes("ev=Open")),
				gated: await guarded.page.evaluate(() =>
					Array.from(document.querySelectorAll("img[id$=-pixel]"), (img) => img.getAttribute("data-consent")),
				),
				errors: guarded.errors,
			}).toEqual({ trackers: [], gated: Array(10).fill("ads"), errors: [] });
		} finally {
			await Promise.all([asGiven.context.close(), guarded.context.close()]);
		}
	});

	it("document.write markup naming a tracker is written in the structure it has without the runtime, as a string or a TrustedHTML", async () => {
		/** Markup written into blank frames, as a string or through the page's policy, and how each frame reads. */
		const write = (page: Page, trusted: boolean) =>
			page.evaluate((trusted) => {
				const policy = (window as unknown as { sitePolicy: { createHTML(html: string): string } }).sitePolicy;
				const pixel = (id: string) =>
					`<img id="${id}" alt="" src="https://www.facebook.com/tr?id=1&ev=Structure${id}">`;
				const framed = (pieces: string[]) => {
					const frame = document.createElement("iframe");
					document.body.append(frame);
					const doc = frame.contentDocument as Document;
					doc.open();
					for (const piece of pieces) doc.write(trusted ? policy.createHTML(piece) : piece);
					doc.close();
					return {
						mode: doc.compatMode,
						doctype: doc.doctype?.name ?? null,
						lang: doc.documentElement.lang,
						body: doc.body.className,
						where: Array.from(
							doc.querySelectorAll("[id]"),
							(el) => `${el.id} in ${el.parentElement?.id || el.parentElement?.localName}`,
						),
						gated: Array.from(doc.querySelectorAll("img, image"), (img) => img.getAttribute("data-consent")),
					};
				};
				return [
					// A full document, as an ad library writes its frame.
					framed([
						`<!doctype html><html lang="en"><head><title>ad</title></head><body class="x">${pixel("Document")}<p id="doc-after">after</p>`,
					]),
					// End tags for elements an earlier write opened.
					framed([
						'<div id="outer"><span id="span">',
						`${pixel("Earlier")}</span></div><p id="earlier-after">after</p>`,
					]),
					// Elements left open for the next write to close.
					framed([
						`<div id="open">${pixel("Open")}`,
						'<p id="inside">inside</p></div><p id="open-after">after</p>',
					]),
					// A self-closing SVG image, which would otherwise hold what follows.
					framed([
						'<svg id="svg"><image id="Svg" href="https://www.facebook.com/tr?id=1&ev=StructureSvg"/><rect id="rect"/></svg>',
					]),
				];
			}, trusted);
		// Strings on a page without Trusted Types; TrustedHTML on one enforcing them.
		for (const [tt, trusted] of [
			["off", false],
			["open", true],
		] as const) {
			const asGiven = await open(VISITORS.allowed, `/runtime-trusted?tt=${tt}`);
			const guarded = await open(VISITORS.optedOut, `/runtime-trusted?tt=${tt}`);
			try {
				const expected = await write(asGiven.page, trusted);
				const seen = await write(guarded.page, trusted);
				await guarded.page.waitForTimeout(300);
				expect(expected[0]).toMatchObject({ mode: "CSS1Compat", doctype: "html", lang: "en", body: "x" });
				expect(asGiven.urls.filter((url) => url.includes("ev=Structure"))).toHaveLength(4);
				expect({ tt, layout: seen.map(({ gated, ...layout }) => layout) }).toEqual({
					tt,
					layout: expected.map(({ gated, ...layout }) => layout),
				});
				expect({
					tt,
					trackers: guarded.urls.filter((url) => url.includes("ev=Structure")),
					gated: seen.map((frame) => frame.gated),
					errors: guarded.errors,
				}).toEqual({ tt, trackers: [], gated: [["ads"], ["ads"], ["ads"], ["ads"]], errors: [] });
			} finally {
				await Promise.all([asGiven.context.close(), guarded.context.close()]);
			}
		}
	});

	it("markup inserted as a fragment (insertAdjacentHTML, createContextualFragment) keeps the page's layout", async () => {
		const insert = (page: Page) =>
			page.evaluate(() => {
				const pixel = (kind: string) =>
					`<img alt="" src="https://www.facebook.com/tr?id=1&ev=Fragment${kind}">`;
				const host = document.createElement("div");
				host.id = "host";
				document.body.append(host);
				host.insertAdjacentHTML("beforeend", `<div id="adjacent">${pixel("Adjacent")} text`);
				host.insertAdjacentHTML("beforeend", `</div><p id="adjacent-after">after`);
				const range = document.createRange();
				range.selectNodeContents(host);
				host.append(range.createContextualFragment(`<table><tr><td id="cell">${pixel("Range")}`));
				host.append(range.createContextualFragment(`</td><td id="range-after">after`));
				return Array.from(
					host.querySelectorAll("[id]"),
					(element) => `${element.id} in ${element.parentElement?.id || element.parentElement?.localName}`,
				);
			});
		const asGiven = await open(VISITORS.allowed, "/runtime-open");
		const guarded = await open(VISITORS.optedOut, "/runtime-open");
		try {
			const expected = await insert(asGiven.page);
			expect(await insert(guarded.page)).toEqual(expected);
			await guarded.page.waitForTimeout(300);
			expect(guarded.urls.filter((url) => url.includes("ev=Fragment"))).toEqual([]);
		} finally {
			await Promise.all([asGiven.context.close(), guarded.context.close()]);
		}
	});

	it("odd markup naming a tracker is written as the parser reads it, through every writer: no tracker loads, the structure is the allowed page's", async () => {
		// Each case is written alone; PIXEL stands for a new tracker URL each time it appears.
		const cases = [
			// A quote after a quoted value's `=` opens no value: the tag ends at its first `>`.
			`<img alt="" src="PIXEL" x="1"="><textarea>"><img alt="" src="PIXEL"></textarea><p>after</p>`,
			// Nor does one after an `=` inside an unquoted value.
			`<img alt="" src="PIXEL" a=b=' x="y>' ><img alt="" src="PIXEL">"><p>after</p>`,
			// The page's own attribute of the name the runtime marks tags with.
			`<img consent-edge-tag="own" alt="own" src="PIXEL"><p consent-edge-tag="p">after</p>`,
			// Comments closed at once, or by --!>.
			`<!--><img alt="" src="PIXEL"><p>after</p>`,
			`<!---><img alt="" src="PIXEL"><p>after</p>`,
			`<!-- a --!><img alt="" src="PIXEL"><p>after</p>`,
			// A template's content, which the page may clone into itself, and a declarative shadow root.
			`<template><img alt="" src="PIXEL"><p>in template</p></template><p>after</p>`,
			`<div><template shadowrootmode="open"><img alt="" src="PIXEL"><p>in shadow</p></template></div><p>after</p>`,
			`<IMG SRC="PIXEL" ALT=up><P>UP</P>`,
			`<table><tr><td>a</td></tr><img alt="" src="PIXEL"><tr><td>b</td></tr></table><p>after</p>`,
			`<svg><![CDATA[ a>b <img alt="" src="PIXEL"> ]]><image href="PIXEL"/><rect/></svg><p>after</p>`,
			`<script type="text/x-template"><!--<script></script><img alt="" src="PIXEL"></script><img alt="" src="PIXEL"><p>after</p>`,
			`<title><img src="PIXEL"></title><style><img src="PIXEL"></style><textarea><img src="PIXEL"></textarea><img alt="" src="PIXEL">`,
			`<img alt="a>b" src='PIXEL' title=x>y><img src="PIXEL" src="https://cdn.example.net/ok.png" alt=a alt=b><p>after</p>`,
			`<img alt="" src="PIXEL"/><p>after</p><img alt="" src="PIXEL"><plaintext><img src="PIXEL"><p>text`,
			// A noscript's content is text where scripts run (every writer here), markup in a template.
			`<noscript><textarea></noscript><img alt="" src="PIXEL"><p>after</p>`,
			`<noscript><img alt="" src="PIXEL"></noscript><p>after</p>`,
			`<p>a<noscript><!--</noscript><img alt="" src="PIXEL">--></noscript><p>after</p>`,
			`<noscript></noembed><title></noscript><img alt="" src="PIXEL"><p>after</p>`,
			`<noscript></noscriptx><textarea></noscript><img alt="" src="PIXEL"><p>after</p>`,
			`<table><noscript><style></noscript><tr><td><img alt="" src="PIXEL"></td></tr></table>`,
			`<template><noscript><textarea></noscript><img alt="" src="PIXEL"></template><p>after</p>`,
			// Foreign content: an SVG noscript holds markup, and an img breaks out of it.
			`<svg><noscript><img alt="" src="PIXEL"></noscript></svg><p>after</p>`,
			// An unquoted URL ending in `/` before `>`: the `/` is the URL's, the SVG image holds what follows.
			`<svg><image href=PIXEL/><rect/></image><circle/></svg><p>after</p>`,
			`<svg><image href = PIXEL /><image x=1 href=PIXEL x=/><rect/></svg><p>after</p>`,
		];
		const writeAll = (page: Page) =>
			page.evaluate((cases) => {
				let count = 0;
				const fill = (markup: string, api: string) =>
					markup.replace(/PIXEL/g, () => `https://www.facebook.com/tr?id=1&ev=Odd-${api}-${count++}`);
				const skipped = ["src", "href", "data-src", "data-href", "data-consent", "type", "data-type"];
				/** The nodes under node as the page reads them, a gated URL aside (it moves to the end of the tag). */
				// By node type: a frame's nodes are of its own window's classes.
				const shape = (node: Node): string =>
					Array.from(node.childNodes, (child) => {
						if (child.nodeType === Node.ELEMENT_NODE) {
							const element = child as Element;
							const attributes = Array.from(element.attributes)
								.filter((attribute) => !skipped.includes(attribute.name))
								.map((attribute) => ` ${attribute.name}=${attribute.value}`)
								.join("");
							const inner = (element as HTMLTemplateElement).content ?? element;
							const shadow = element.shadowRoot ? `#shadow(${shape(element.shadowRoot)})` : "";
							return `<${element.localName}${attributes}>${shadow}${shape(inner)}</${element.localName}>`;
						}
						return child.nodeType === Node.COMMENT_NODE
							? `<!--${child.textContent}-->`
							: (child.textContent ?? "");
					}).join("");
				const marks: string[] = [];
				new MutationObserver((records) => {
					for (const record of records) {
						if (record.attributeName?.startsWith("consent-edge")) marks.push(record.attributeName);
					}
				}).observe(document, { subtree: true, attributes: true, childList: true });
				const seen = cases.map((markup) => {
					const inner = document.createElement("div");
					document.body.append(inner);
					inner.innerHTML = fill(markup, "inner");
					const adjacent = document.createElement("div");
					document.body.append(adjacent);
					adjacent.insertAdjacentHTML("afterbegin", fill(markup, "adjacent"));
					const unsafe = document.createElement("div");
					document.body.append(unsafe);
					unsafe.setHTMLUnsafe(fill(markup, "unsafe"));
					const frame = document.createElement("iframe");
					document.body.append(frame);
					const doc = frame.contentDocument as Document;
					doc.open();
					doc.write(fill(markup, "write"));
					doc.close();
					// What a page does with a template's content.
					for (const root of [inner, adjacent, unsafe, doc]) {
						for (const template of Array.from(root.querySelectorAll("template"))) {
							document.body.append(document.importNode((template as HTMLTemplateElement).content, true));
						}
					}
					return [shape(inner), shape(adjacent), shape(unsafe), shape(doc)];
				});
				return { seen, marks };
			}, cases);
		const asGiven = await open(VISITORS.allowed, "/runtime-open");
		const guarded = await open(VISITORS.optedOut, "/runtime-open");
		try {
			const expected = await writeAll(asGiven.page);
			const seen = await writeAll(guarded.page);
			await guarded.page.waitForTimeout(300);
			expect(asGiven.urls.filter((url) => url.includes("ev=Odd-"))).not.toHaveLength(0);
			expect
				.soft({
					trackers: guarded.urls.filter((url) => url.includes("ev=Odd-")),
					marks: seen.marks,
					errors: guarded.errors,
				})
				.toEqual({ trackers: [], marks: [], errors: [] });
			for (let i = 0; i < cases.length; i++) {
				expect
					.soft({ markup: cases[i], seen: seen.seen[i] })
					.toEqual({ markup: cases[i], seen: expected.seen[i] });
			}
		} finally {
			await Promise.all([asGiven.context.close(), guarded.context.close()]);
		}
	});

	it("markup one document.write leaves inside raw text or a comment is screened by the next from there: no tracker loads, the structure and scripts are the allowed page's", async () => {
		// Each case's pieces are written in turn to a blank frame (OPEN and CLOSE open or close it); PIXEL
		// stands for a new tracker URL each time it appears, NONCE for the page's script nonce.
		const cases = [
			["<noscript>", `<textarea></noscript><img alt="" src="PIXEL"><p>after</p>`],
			["<style>", `<textarea></style><img alt="" src="PIXEL"><p>after</p>`],
			["<textarea>", `<style></textarea><img alt="" src="PIXEL"><p>after</p>`],
			["<title>", "<xmp>", `</title><img alt="" src="PIXEL"><p>after</p>`],
			["<!--", `<textarea>--><img alt="" src="PIXEL"><p>after</p>`],
			["<style><textarea>a</sty", `le><img alt="" src="PIXEL"><p>after</p>`],
			["<xmp><title>", "</xmp", `><img alt="" src="PIXEL"><p>after</p>`],
			["<plaintext>", `<img alt="" src="PIXEL"><p>after</p>`],
			// A script's text split over writes runs as written, naming a tracker in a string or not.
			[
				`<script nonce="NONCE">`,
				`document.documentElement.dataset.a = "<img src='PIXEL'>";`,
				`</script><img alt="" src="PIXEL"><p>after</p>`,
			],
			[`<script nonce="NONCE">document.documentElement.dataset.b = 1 +`, "1;<", `/script><p>after</p>`],
			[
				`<script type="text/x-template"><!--<script>`,
				`</script><img alt="" src="PIXEL"></script><p>after</p>`,
			],
			["<style>", "p { color: red }", "</style><p>after</p>"],
			// A script a write runs writes from after its end tag, not from where that write or an earlier
			// script's left the stream.
			[
				`<script nonce="NONCE">document.write("<style>")</script></style><script nonce="NONCE">document.write("<img alt='' src='PIXEL'>")</script>`,
			],
			[
				`<script nonce="NONCE">document.write("<img alt='' src='PIXEL'>")</script><style>`,
				"</style><p>after</p>",
			],
			// A document opened again or closed starts anew.
			["<noscript>", "OPEN", `<img alt="" src="PIXEL"><p>after</p>`],
			["<style>", "CLOSE", `<img alt="" src="PIXEL"><p>after</p>`],
		];
		const writeAll = (page: Page) =>
			page.evaluate(
				({ cases, nonce }) => {
					let count = 0;
					const fill = (markup: string) =>
						markup
							.replace(/PIXEL/g, () => `https://www.facebook.com/tr?id=1&ev=Stream-${count++}`)
							.replace(/NONCE/g, nonce);
					return cases.map((pieces) => {
						const frame = document.createElement("iframe");
						document.body.append(frame);
						const doc = frame.contentDocument as Document;
						doc.open();
						for (const piece of pieces) {
							if (piece === "OPEN") doc.open();
							else if (piece === "CLOSE") doc.close();
							else doc.write(fill(piece));
						}
						doc.close();
						const copy = doc.documentElement.cloneNode(true) as Element;
						for (const element of Array.from(copy.querySelectorAll("[data-consent]"))) {
							for (const name of ["data-src", "data-consent"]) element.removeAttribute(name);
						}
						for (const element of Array.from(copy.querySelectorAll("[src]"))) element.removeAttribute("src");
						return copy.outerHTML;
					});
				},
				{ cases, nonce: NONCE },
			);
		const asGiven = await open(VISITORS.allowed, "/runtime-open");
		const guarded = await open(VISITORS.optedOut, "/runtime-open");
		try {
			const expected = await writeAll(asGiven.page);
			const seen = await writeAll(guarded.page);
			await guarded.page.waitForTimeout(300);
			expect(asGiven.urls.filter((url) => url.includes("ev=Stream-"))).not.toHaveLength(0);
			expect(expected[9]).toContain('data-b="2"');
			expect(expected[12]).toMatch(/<style><\/style>.*<img alt="">/);
			expect
				.soft({ trackers: guarded.urls.filter((url) => url.includes("ev=Stream-")), errors: guarded.errors })
				.toEqual({ trackers: [], errors: [] });
			for (let i = 0; i < cases.length; i++) {
				expect.soft({ pieces: cases[i], seen: seen[i] }).toEqual({ pieces: cases[i], seen: expected[i] });
			}
		} finally {
			await Promise.all([asGiven.context.close(), guarded.context.close()]);
		}
	});

	it("markup written to a document opened by a script is screened from where the last write left it, in a later task or after an await: no tracker loads, the structure is the allowed page's", async () => {
		// A document a script opened has no markup of its own to come between two writes: each continues
		// the stream until it is closed, whichever task writes (an ad loader writing as its parts arrive).
		const cases = [
			["<style>", `<textarea></style><img alt="" src="PIXEL"><p>after</p>`],
			["<noscript>", `<textarea></noscript><img alt="" src="PIXEL"><p>after</p>`],
			["<textarea>", `<style></textarea><img alt="" src="PIXEL"><p>after</p>`],
			['<img alt="" src="PIXEL', `"><p>after</p>`],
			// Not opened first: the first write opens the loaded blank document.
			["NO-OPEN", "<style>", `<textarea></style><img alt="" src="PIXEL"><p>after</p>`],
			// Opened by a first write of a TrustedHTML, then written in strings.
			["TRUSTED-OPEN", "<style>", `<textarea></style><img alt="" src="PIXEL"><p>after</p>`],
		];
		const writeAll = (page: Page, waits: "microtask" | "task") =>
			page.evaluate(
				async ({ cases, waits }) => {
					let count = 0;
					const fill = (markup: string) =>
						markup.replace(/PIXEL/g, () => `https://www.facebook.com/tr?id=1&ev=Later-${waits}-${count++}`);
					const pause = () =>
						waits === "task" ? new Promise((resolve) => setTimeout(resolve, 0)) : Promise.resolve();
					const seen: string[] = [];
					const policy = Reflect.get(window, "trustedTypes").createPolicy(`split-${waits}`, {
						createHTML: (html: string) => html,
					});
					for (const pieces of cases) {
						const frame = document.createElement("iframe");
						document.body.append(frame);
						const doc = frame.contentDocument as Document;
						if (pieces[0] === "TRUSTED-OPEN") doc.write(policy.createHTML("<p>first</p>"));
						else if (pieces[0] !== "NO-OPEN") doc.open();
						for (const piece of pieces.filter((piece) => !piece.endsWith("-OPEN"))) {
							doc.write(fill(piece));
							await pause();
						}
						doc.close();
						const copy = doc.documentElement.cloneNode(true) as Element;
						for (const element of Array.from(copy.querySelectorAll("[data-consent]"))) {
							for (const name of ["data-src", "data-consent"]) element.removeAttribute(name);
						}
						for (const element of Array.from(copy.querySelectorAll("[src]"))) element.removeAttribute("src");
						seen.push(copy.outerHTML);
					}
					return seen;
				},
				{ cases, waits },
			);
		const asGiven = await open(VISITORS.allowed, "/runtime-open");
		const guarded = await open(VISITORS.optedOut, "/runtime-open");
		try {
			for (const waits of ["microtask", "task"] as const) {
				const expected = await writeAll(asGiven.page, waits);
				const seen = await writeAll(guarded.page, waits);
				for (let i = 0; i < cases.length; i++) {
					expect
						.soft({ waits, pieces: cases[i], seen: seen[i] })
						.toEqual({ waits, pieces: cases[i], seen: expected[i] });
				}
			}
			await guarded.page.waitForTimeout(300);
			expect(asGiven.urls.filter((url) => url.includes("ev=Later-"))).not.toHaveLength(0);
			expect({
				trackers: guarded.urls.filter((url) => url.includes("ev=Later-")),
				errors: guarded.errors,
			}).toEqual({ trackers: [], errors: [] });
		} finally {
			await Promise.all([asGiven.context.close(), guarded.context.close()]);
		}
	});

	it("a noscript's content is markup where scripts do not run (a template, a frame sandboxed without them), and screened when the page parses its text later", async () => {
		const writeAll = (page: Page) =>
			page.evaluate(async () => {
				let count = 0;
				const fill = (markup: string) =>
					markup.replace(/PIXEL/g, () => `https://www.facebook.com/tr?id=1&ev=Noscript-${count++}`);
				const pixel = `<noscript><img alt="" src="PIXEL"></noscript><p>after</p>`;
				const evasion = `<noscript><textarea></noscript><img alt="" src="PIXEL"><p>after</p>`;
				const shape = (node: Node): string => {
					const copy = node.cloneNode(true) as Element;
					for (const element of Array.from(copy.querySelectorAll("[data-src]"))) {
						for (const name of ["data-src", "data-consent"]) element.removeAttribute(name);
					}
					for (const element of Array.from(copy.querySelectorAll("[src]"))) element.removeAttribute("src");
					return copy.innerHTML;
				};
				const frame = async (sandbox: string | null, srcdoc?: string) => {
					const element = document.createElement("iframe");
					if (sandbox !== null) element.setAttribute("sandbox", sandbox);
					const loaded = new Promise((resolve) => element.addEventListener("load", resolve));
					document.body.append(element);
					await loaded;
					if (srcdoc === undefined) return element.contentDocument as Document;
					const again = new Promise((resolve) => element.addEventListener("load", resolve));
					element.srcdoc = fill(srcdoc);
					await again;
					return element.contentDocument as Document;
				};
				const seen: string[] = [];
				// A template's content, parsed without scripts, which the page clones in.
				const template = document.createElement("template");
				template.innerHTML = fill(pixel);
				const cloned = document.createElement("div");
				cloned.append(document.importNode(template.content, true));
				document.body.append(cloned);
				seen.push(shape(cloned));
				// A same-origin frame sandboxed without scripts, written by every writer.
				const sandboxed = await frame("allow-same-origin");
				sandboxed.body.innerHTML = fill(pixel);
				sandboxed.body.insertAdjacentHTML("beforeend", fill(pixel));
				seen.push(shape(sandboxed.body));
				sandboxed.open();
				sandboxed.write(fill(pixel));
				sandboxed.close();
				seen.push(shape(sandboxed.documentElement));
				// A frame's srcdoc, sandboxed without scripts or not.
				seen.push(shape((await frame("allow-same-origin", pixel)).body));
				seen.push(shape((await frame(null, evasion)).body));
				// A noscript's text written as markup: as written, then screened when the page parses it.
				const written = document.createElement("div");
				written.innerHTML = fill(pixel);
				document.body.append(written);
				const later = document.createElement("div");
				later.innerHTML = written.querySelector("noscript")?.textContent ?? "";
				document.body.append(later);
				seen.push(written.innerHTML.replace(/Noscript-\d+/, "Noscript-N"), shape(later));
				return seen;
			});
		const asGiven = await open(VISITORS.allowed, "/runtime-open");
		const guarded = await open(VISITORS.optedOut, "/runtime-open");
		try {
			const expected = await writeAll(asGiven.page);
			const seen = await writeAll(guarded.page);
			await Promise.all([asGiven.page.waitForTimeout(300), guarded.page.waitForTimeout(300)]);
			const trackers = (urls: readonly string[]) =>
				urls.filter((url) => url.includes("ev=Noscript-")).map((url) => new URL(url).searchParams.get("ev"));
			// Each case's tracker loads without the runtime (the last written one is text until parsed).
			expect(trackers(asGiven.urls).sort()).toEqual(
				[
					"Noscript-0",
					"Noscript-1",
					"Noscript-2",
					"Noscript-3",
					"Noscript-4",
					"Noscript-5",
					"Noscript-6",
				].sort(),
			);
			expect({ trackers: trackers(guarded.urls), errors: guarded.errors }).toEqual({
				trackers: [],
				errors: [],
			});
			expect(seen).toEqual(expected);
		} finally {
			await Promise.all([asGiven.context.close(), guarded.context.close()]);
		}
	});

	it("once the visitor agrees through /consent.js, runtime requests go through and the held script runs", async () => {
		const { context, page, urls } = await open(VISITORS.optedOut);
		try {
			expect(hostsReached(urls, [...RUNTIME_HOSTS.ads, ...RUNTIME_HOSTS.analytics])).toEqual([]);
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			// The script the runtime held back is run by the SDK, as a gated script of the page's own.
			await expect.poll(() => urls.includes("https://connect.facebook.net/en_US/fbevents.js?r=1")).toBe(true);
			const again = (await page.evaluate(() =>
				(window as unknown as { buildTrackers(round: number): Promise<unknown> }).buildTrackers(2),
			)) as RuntimeResults;
			expect(again.fbScript).toEqual([null, null, null]);
			await expect
				.poll(() =>
					hostsReached(
						urls.filter((url) => url.includes("r=2")),
						[...RUNTIME_HOSTS.ads, ...RUNTIME_HOSTS.analytics],
					),
				)
				.toEqual([...RUNTIME_HOSTS.ads, ...RUNTIME_HOSTS.analytics]);
			// Events the SDK tried to send while denied are not sent once allowed: it took the answer as final.
			await page.waitForTimeout(1_000);
			expect(urls.filter((url) => url.startsWith("https://eu.i.posthog.com/e/?r=1&"))).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it("an opt-out in another tab after agreeing holds the runtime's requests back again once the page is focused", async () => {
		const { context, page, urls } = await open(VISITORS.optedOut);
		try {
			await page.evaluate(() => window.consentEdge.set({ ads: true, analytics: true }));
			// Real window focus and blur as tabs come to the front (headless emulates focus otherwise).
			await (await context.newCDPSession(page)).send("Emulation.setFocusEmulationEnabled", {
				enabled: false,
			});
			const other = await context.newPage();
			await other.goto(`${server.origin}/preferences`);
			await Promise.all([
				other.waitForURL(`${server.origin}/preferences?saved=1`),
				other.getByRole("button", { name: "Opt out of everything", exact: true }).click(),
			]);
			await page.bringToFront();
			await page.waitForFunction(() => document.hasFocus());

			expect(await page.evaluate(() => window.consentEdge.allows("ads"))).toBe(false);
			await page.evaluate(() =>
				(window as unknown as { buildTrackers(round: number): Promise<unknown> }).buildTrackers(3),
			);
			await page.waitForTimeout(500);
			expect(
				hostsReached(
					urls.filter((url) => url.includes("r=3")),
					[...RUNTIME_HOSTS.ads, ...RUNTIME_HOSTS.analytics],
				),
			).toEqual([]);
		} finally {
			await context.close();
		}
	});
});
