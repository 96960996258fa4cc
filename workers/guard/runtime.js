/**
 * The browser half of the guard's runtime interception, served at /v1/guard/runtime.js (guard-runtime.ts
 * fills in the two arguments at the end: the host table and the denied purposes): plain ES2019, run
 * first on a guarded visitor's page, and put into each same-origin frame's window (a blank ad frame has
 * prototypes of its own) as the page's code reaches it. Requests the page's own code builds (fetch,
 * fetchLater, XMLHttpRequest, sendBeacon, WebSocket, EventSource, a worklet's addModule, the URL attribute of
 * scripts, images, frames, links, media, posters, plugins, image buttons, SVG images and `<use>`s, and the
 * srcset of images, sources and preloads, by property, setAttribute, setAttributeNS or an attribute node, or in markup a script writes,
 * as a string or a TrustedHTML, or has DOMParser parse) to a tracker host of a denied purpose are
 * not made: fetch gets an empty 200, fetchLater a result never activated, addModule an empty module, XHR completes as an empty 200, sendBeacon says it queued, a socket never opens, and the element keeps its URL aside in
 * `data-<attribute>` with `data-consent`, a script as `type="text/plain"`, as the HTML rewrite leaves
 * them, so /consent.js runs such a script once allowed. Speculation rules and import maps the page's
 * code inserts, gives their text after inserting the script, or writes (document.write, a Range's
 * fragment) are cleaned as the HTML rewrite cleans the page's. Same-origin URLs are never looked up (the worker
 * judges those itself).
 * Once the SDK on the page says a purpose is allowed (`consentEdge.allows`), its requests go through,
 * and once it says another purpose the tables name is denied, that one is blocked too: the SDK is
 * asked only for a request to a tracker, so it needs no hook of its own. The SDK loads this script
 * itself on a page served without it when the visitor says no there (consent-sdk.js, guardPage).
 * The classifier mirrors classifyTrackerUrl (tracker-hosts.ts) on the tables guard-runtime.ts fills in
 * from the same host table, Google tag kinds and site overrides.
 * The worker serves it with comments and indentation stripped: after editing, run
 * `npm run scripts:build` (a test checks the generated runtime-source.ts is current).
 */
(function (page, _document, table, deny) {
	var own = Object.prototype.hasOwnProperty;
	var tags = table.tags.map(function (kind) {
		return [new RegExp(kind[0]), kind[1]];
	});
	var loaderPath = new RegExp(table.loaderPath);

	function suffixOf(host) {
		var last = host.lastIndexOf(".");
		if (last === -1) return host;
		var second = host.lastIndexOf(".", last - 1);
		var lastTwo = host.slice(second + 1);
		if (table.suffixes.indexOf(lastTwo) !== -1) return lastTwo;
		if (host.length - last - 1 === 2 && table.registries.indexOf(host.slice(second + 1, last)) !== -1)
			return lastTwo;
		return host.slice(last + 1);
	}

	function collect(map, name, out) {
		var at = 0;
		while (at !== -1 && at < name.length) {
			var key = at === 0 ? name : name.slice(at);
			if (own.call(map, key)) out.push.apply(out, map[key]);
			var dot = name.indexOf(".", at);
			at = dot === -1 ? -1 : dot + 1;
		}
	}

	// A host index's rows, most specific first: the host and its parents, then brand.* patterns.
	function rows(index, host) {
		var out = [];
		collect(index.domains, host, out);
		var suffix = suffixOf(host);
		if (suffix.length < host.length)
			collect(index.brands, host.slice(0, host.length - suffix.length - 1), out);
		return out;
	}

	function queryValue(search, name) {
		var from = search.charAt(0) === "?" ? 1 : 0;
		for (;;) {
			var amp = search.indexOf("&", from);
			var end = amp === -1 ? search.length : amp;
			if (search.startsWith(name, from)) {
				var after = from + name.length;
				if (after === end) return "";
				if (after < end && search.charAt(after) === "=") return search.slice(after + 1, end);
			}
			if (amp === -1) return undefined;
			from = amp + 1;
		}
	}

	function tagPurpose(id) {
		for (var i = 0; i < tags.length; i++) if (tags[i][0].test(id)) return tags[i][1];
		return null;
	}

	function loaderTagId(host, path, search) {
		var gtm = host === "googletagmanager.com" || host.endsWith(".googletagmanager.com");
		if (!gtm && !loaderPath.test(path)) return null;
		var id = queryValue(search, "id");
		return id !== undefined && tagPurpose(id) !== null ? id : null;
	}

	function tagOverride(id) {
		for (var i = 0; i < table.tagOverrides.length; i++) {
			if (id.startsWith(table.tagOverrides[i][0])) return table.tagOverrides[i][1];
		}
		return undefined;
	}

	function classify(url) {
		var host = url.hostname;
		if (host.charAt(host.length - 1) === ".") host = host.slice(0, -1);
		var path = url.pathname;
		var tag = loaderTagId(host, path, url.search);
		var verdict = tag === null ? undefined : tagOverride(tag);
		if (verdict !== undefined) return verdict;
		var site = rows(table.hostOverrides, host);
		if (site.length > 0) return site[0];
		if (tag !== null) return tagPurpose(tag);
		var found = rows(table.trackers, host);
		for (var i = 0; i < found.length; i++) {
			var paths = found[i][0];
			if (
				paths === 0 ||
				paths.some(function (prefix) {
					return path.startsWith(prefix);
				})
			)
				return found[i][1];
		}
		return null;
	}

	// Each host the tables name, with the purposes of its rows; and every purpose classify can answer.
	var hostPurposes = [];
	var purposes = [];
	// Each host's last label, after its dot (or the host, with none): see mayName.
	var lastLabels = [];
	function named(purpose) {
		if (purpose !== null && purposes.indexOf(purpose) === -1) purposes.push(purpose);
		return purpose;
	}
	table.tags.forEach(function (kind) {
		named(kind[1]);
	});
	[table.trackers, table.hostOverrides].forEach(function (index) {
		[index.domains, index.brands].forEach(function (map) {
			Object.keys(map).forEach(function (key) {
				var rowPurposes = map[key].map(function (row) {
					return named(Array.isArray(row) ? row[1] : row);
				});
				var pattern = key.replace(/[^\w-]/g, "\\$&");
				hostPurposes.push([pattern, rowPurposes]);
				var label = pattern.replace(/^.*(?=\\\.)/, "");
				if (lastLabels.indexOf(label) === -1) lastLabels.push(label);
			});
		});
	});
	// The purposes the runtime blocks now: those it was loaded for until the page's SDK says one is
	// allowed, and any other once the SDK says it is denied (refused on the page after the runtime was
	// loaded for another, so no second runtime is needed).
	function blocks(purpose) {
		var sdk = page.consentEdge;
		var allowed = sdk && typeof sdk.allows === "function" ? sdk.allows(purpose) : undefined;
		return deny.indexOf(purpose) !== -1 ? allowed !== true : allowed === false;
	}
	// What naming sees besides hosts: a Google loader's path, speculation rules, and an authority with
	// what the parsers fold into a host: an escape, a tab or newline (the URL parser drops them), any
	// non-ASCII character (its IDNA mapping makes `ｆ` f, `。` a dot, and drops a soft hyphen). An
	// authority starts after two slashes, either a backslash or a character reference, a tab or newline
	// between them (`https:\\…`, `&sol;&sol;…`, `/&Tab;/…`), or right after an http(s) scheme (`http:host`).
	var SLASH = "(?:[/\\\\]|&(?:b?sol|#0*(?:47|92)|#x0*(?:2f|5c));?)";
	var GAP = "(?:[\\t\\n\\r]|&(?:tab|newline|#0*(?:9|10|13)|#x0*[9ad]);?)*";
	var NAMED_ELSE = `${table.loaderPath.slice(0, -1)}|(?:${SLASH}${GAP}${SLASH}|https?:)[^/\\\\?#\\s"'<>]*[%&\\t\\n\\r\\u0080-\\uffff]|speculationrules`;
	// Markup any naming sees something in names one of the hosts' last labels (`.com`, a one-label host
	// whole) or what NAMED_ELSE does: this, of a few alternatives V8 scans fast (about 0.4 ns a character
	// in Chromium, naming's 3), passes on markup naming none before naming is built or the SDK asked.
	var mayName = new RegExp(`(?:${lastLabels.join("|")})(?![a-z0-9-])|${NAMED_ELSE}`, "i");
	function names(markup) {
		return mayName.test(markup) && naming().test(markup);
	}
	// The markup screen's quick look: a blocked purpose's host (or a Google loader path) named in it,
	// or an authority with a percent-escape, a character reference or another character the parser and
	// the URL parser fold (`www.face%62ook.com` is www.facebook.com). Built once per set of purposes blocked
	// (none blocked: nothing to look for), keyed by a bit per purpose: asked for each markup a script
	// writes, so the lookup allocates nothing.
	var namings = [];
	function naming() {
		var key = 0;
		for (var i = 0; i < purposes.length; i++) if (blocks(purposes[i])) key |= 1 << i;
		if (namings[key] === undefined) {
			var blocked = purposes.filter(function (_purpose, at) {
				return (key & (1 << at)) !== 0;
			});
			var hosts = hostPurposes
				.filter(function (entry) {
					return entry[1].some(function (purpose) {
						return blocked.indexOf(purpose) !== -1;
					});
				})
				.map(function (entry) {
					return entry[0];
				});
			namings[key] =
				blocked.length === 0
					? /(?!)/
					: new RegExp(`(?:^|[^a-z0-9-])(?:${hosts.join("|")})(?![a-z0-9-])|${NAMED_ELSE}`, "i");
		}
		return namings[key];
	}
	var RAW_TEXT = /^(?:SCRIPT|STYLE|TEXTAREA|TITLE|XMP|IFRAME|NOEMBED|NOFRAMES|NOSCRIPT|PLAINTEXT)$/;
	var XLINK = "http://www.w3.org/1999/xlink";
	// What guardMarkup parses after document.write markup, and the same in escaped text (see leftOpen).
	var END_MARKS = ["<!--consent-edge-end-->", "&lt;!--consent-edge-end--&gt;"];
	// The attribute telling which start tag of written markup an element was parsed from (see retag).
	var TAG_MARK = "consent-edge-tag";
	var MARK_NAMED = new RegExp(TAG_MARK, "i");
	// A srcset's candidates, split as srcsetUrls (html-attributes.ts) splits them.
	var CANDIDATE =
		/[\t\n\f\r ,]*([^\t\n\f\r ,][^\t\n\f\r ]*?)(?:,+(?=[\t\n\f\r ]|$)|(?=[\t\n\f\r ]|$)(?:[^,(]|\([^)]*\)?)*,?)/g;

	// The page's window and each same-origin frame's (whose prototypes are its own) get the same
	// interception, once per window: a frame that navigates to a new document has a new window.
	function patch(w) {
		if (w.__consentEdgeRuntime) return;
		w.__consentEdgeRuntime = true;
		var d = w.document;

		// The blocked purpose a request to raw would serve, or null when it may be made. The page's
		// SDK answers for its frames too (a blank frame's host is "").
		function deniedPurpose(raw) {
			var url;
			try {
				url = new URL(raw, d.baseURI);
			} catch (_e) {
				return null;
			}
			if (!/^(?:http|ws)s?:$/.test(url.protocol) || url.host === page.location.host) return null;
			var purpose = classify(url);
			return purpose !== null && blocks(purpose) ? purpose : null;
		}

		// Any denied candidate of a srcset counts. A frame's srcdoc is markup: what it would load is kept
		// aside inside it, as in markup a script writes (the answer is then that markup, not a purpose).
		function deniedValue(name, value) {
			if (name === "srcdoc") {
				var markup = guardMarkup(value, null, true);
				return markup === value ? null : markup;
			}
			if (name.slice(-6) !== "srcset") return deniedPurpose(value);
			var purpose = null;
			String(value).replace(CANDIDATE, function (_candidate, url) {
				if (purpose === null) purpose = deniedPurpose(url);
			});
			return purpose;
		}

		// A 200, not a 204: some SDKs keep what they sent for another try unless the answer was a 200
		// (posthog-js retries a 204), and would send it once the visitor agrees, though made while denied.
		var fetch0 = w.fetch;
		if (typeof fetch0 === "function") {
			w.fetch = function fetch(input) {
				if (deniedPurpose(input instanceof w.Request ? input.url : input) !== null) {
					return Promise.resolve(new w.Response(null, { status: 200, statusText: "OK" }));
				}
				return fetch0.apply(w, arguments);
			};
		}

		// A deferred fetch (fetchLater) is sent from the browser, at the latest as the page goes away; a
		// held one answers as one not sent yet, and never is.
		var later0 = w.fetchLater;
		if (typeof later0 === "function") {
			w.fetchLater = function fetchLater(input) {
				if (deniedPurpose(input instanceof w.Request ? input.url : input) === null) {
					return later0.apply(w, arguments);
				}
				return Object.create(w.FetchLaterResult.prototype, { activated: { value: false } });
			};
		}

		var beacon0 = w.Navigator && w.Navigator.prototype.sendBeacon;
		if (typeof beacon0 === "function") {
			w.Navigator.prototype.sendBeacon = function sendBeacon(url) {
				return deniedPurpose(url) !== null ? true : beacon0.apply(this, arguments);
			};
		}

		// A held XHR completes as an empty 200 without a request, so the site's handlers run as on success.
		var xhr = w.XMLHttpRequest && w.XMLHttpRequest.prototype;
		if (xhr) {
			var open0 = xhr.open;
			var send0 = xhr.send;
			var held = new WeakSet();
			var answered = ["readyState", "status", "statusText", "response", "responseText", "responseURL"];
			xhr.open = function open(_method, url) {
				if (held.delete(this)) for (var i = 0; i < answered.length; i++) delete this[answered[i]];
				if (deniedPurpose(url) !== null) held.add(this);
				return open0.apply(this, arguments);
			};
			xhr.send = function send() {
				if (!held.has(this)) return send0.apply(this, arguments);
				var request = this;
				var text = request.responseType === "" || request.responseType === "text";
				var values = [4, 200, "OK", text ? "" : null, "", ""];
				for (var i = 0; i < answered.length; i++) {
					Object.defineProperty(request, answered[i], { value: values[i], configurable: true });
				}
				setTimeout(function () {
					request.dispatchEvent(new Event("readystatechange"));
					request.dispatchEvent(new ProgressEvent("load"));
					request.dispatchEvent(new ProgressEvent("loadend"));
				}, 0);
			};
		}

		// A worklet's module (CSS paint, audio) is fetched by the browser, with no element to hold: a
		// tracker's is not, and addModule resolves as for an empty module, which registers nothing.
		var worklet = w.Worklet && w.Worklet.prototype;
		var addModule0 = worklet && worklet.addModule;
		if (typeof addModule0 === "function") {
			worklet.addModule = function addModule(url) {
				return deniedPurpose(url) !== null ? Promise.resolve() : addModule0.apply(this, arguments);
			};
		}

		// A WebSocket or EventSource to a denied tracker never opens: the page gets an EventTarget on the
		// native prototype (instanceof, the constants and the methods hold) that stays CONNECTING, as on a
		// slow network. SDKs wait for an open that does not come, where a socket that failed or closed
		// would run their error and reconnect paths. send() drops what it is given; close() closes it.
		function unopened(name, fields) {
			var native = w[name];
			try {
				new w.EventTarget();
			} catch (_e) {
				return;
			}
			if (typeof native !== "function") return;
			var guarded = function (url) {
				if (deniedPurpose(url) === null) return Reflect.construct(native, arguments, new.target);
				var socket = new w.EventTarget();
				Object.setPrototypeOf(socket, (new.target || guarded).prototype);
				var own = fields(arguments[1]);
				own.url = String(new URL(url, d.baseURI));
				own.readyState = 0;
				own.onopen = own.onmessage = own.onerror = null;
				own.close = function () {
					if (socket.readyState === native.CLOSED) return;
					Object.defineProperty(socket, "readyState", { value: native.CLOSED, configurable: true });
					if (!("onclose" in own)) return;
					setTimeout(function () {
						var event = new w.CloseEvent("close", { code: 1006 });
						socket.dispatchEvent(event);
						if (typeof socket.onclose === "function") socket.onclose(event);
					}, 0);
				};
				for (var key in own) {
					var writable = key.slice(0, 2) === "on" || key === "binaryType";
					Object.defineProperty(socket, key, { value: own[key], writable: writable, configurable: true });
				}
				return socket;
			};
			try {
				Object.getOwnPropertyNames(native).forEach(function (key) {
					Object.defineProperty(guarded, key, Object.getOwnPropertyDescriptor(native, key));
				});
				Object.setPrototypeOf(guarded, Object.getPrototypeOf(native));
				native.prototype.constructor = guarded;
				w[name] = guarded;
			} catch (_e) {}
		}
		unopened("WebSocket", function () {
			return {
				protocol: "",
				extensions: "",
				bufferedAmount: 0,
				binaryType: "blob",
				onclose: null,
				send: function () {},
			};
		});
		unopened("EventSource", function (init) {
			return { withCredentials: Boolean(init && init.withCredentials) };
		});

		var setAttribute0 = w.Element.prototype.setAttribute;

		// The element keeps its URL aside, as the HTML rewrite leaves a gated element (a srcdoc is given
		// its screened markup instead, which deniedValue answers in place of a purpose).
		function gate(element, name, value, purpose) {
			if (name === "srcdoc") return setAttribute0.call(element, name, purpose);
			if (element instanceof w.HTMLScriptElement) {
				var type = element.getAttribute("type");
				if (type !== null && type.trim() !== "" && type !== "text/plain")
					setAttribute0.call(element, "data-type", type);
				setAttribute0.call(element, "type", "text/plain");
			}
			setAttribute0.call(element, `data-${name}`, String(value));
			setAttribute0.call(element, "data-consent", purpose);
		}

		// The elements that load a URL by themselves, as the HTML rewrite lists them (LOADING_ATTRIBUTES),
		// and a frame's srcdoc, whose markup is screened as written markup is (see deniedValue):
		// the property, where the element has one, and the attribute, by setAttribute or setAttributeNS.
		var loading = [
			["HTMLScriptElement", "src"],
			["HTMLImageElement", "src"],
			["HTMLImageElement", "srcset"],
			["HTMLIFrameElement", "src"],
			["HTMLIFrameElement", "srcdoc"],
			["HTMLLinkElement", "href"],
			["HTMLLinkElement", "imagesrcset", "imageSrcset"],
			["HTMLMediaElement", "src"],
			["HTMLVideoElement", "poster"],
			["HTMLSourceElement", "src"],
			["HTMLSourceElement", "srcset"],
			["HTMLTrackElement", "src"],
			["HTMLObjectElement", "data"],
			["HTMLEmbedElement", "src"],
			["HTMLInputElement", "src"],
			["SVGImageElement", "href"],
			["SVGFEImageElement", "href"],
			["SVGScriptElement", "href"],
			// A `<use>` fetches the SVG document its reference names, from another host too.
			["SVGUseElement", "href"],
			// A base on a tracker's host would have every relative URL after it (the page's own markup
			// too, out of the runtime's sight) load from that host: kept aside, it resolves them on the site.
			["HTMLBaseElement", "href"],
		].filter(function (pair) {
			return typeof w[pair[0]] === "function";
		});
		loading.forEach(function (pair) {
			var kind = w[pair[0]];
			var name = pair[1];
			var property = Object.getOwnPropertyDescriptor(kind.prototype, pair[2] || name);
			if (!property || !property.set) return;
			Object.defineProperty(kind.prototype, pair[2] || name, {
				configurable: true,
				enumerable: property.enumerable,
				get: property.get,
				set: function (value) {
					var purpose = deniedValue(name, value);
					if (purpose === null) property.set.call(this, value);
					else gate(this, name, value, purpose);
				},
			});
		});

		// `new Audio(url)` gives the element its URL without the property or setAttribute: it is made
		// without one (as Audio() makes it, preload="auto"), then given it through the property above.
		var Audio0 = w.Audio;
		if (typeof Audio0 === "function") {
			var audio = function Audio(src) {
				var element = Reflect.construct(Audio0, [], new.target);
				if (src !== undefined) element.src = src;
				return element;
			};
			audio.prototype = Audio0.prototype;
			w.Audio = audio;
		}

		// Whether node is an instance of the kind proto is the prototype of (in Chromium, `instanceof` a DOM
		// interface costs more than many a DOM call; asking the prototype costs next to nothing).
		function isA(proto, node) {
			// biome-ignore lint/suspicious/noPrototypeBuiltins: a DOM prototype's isPrototypeOf is Object's own.
			return proto.isPrototypeOf(node);
		}

		// Most setAttribute calls name something else: only these attributes are looked at, on these elements
		// (a page's code sets class, style and the like by the thousand: each name's kinds are one lookup).
		var loadingKinds = Object.create(null);
		loading.forEach(function (pair) {
			if (loadingKinds[pair[1]] === undefined) loadingKinds[pair[1]] = [];
			loadingKinds[pair[1]].push(w[pair[0]].prototype);
		});
		function loadingAttribute(element, name) {
			if (typeof name !== "string" || name.length > 11) return null;
			var lower = name.toLowerCase();
			var kinds = loadingKinds[lower];
			for (var i = 0; kinds !== undefined && i < kinds.length; i++) if (isA(kinds[i], element)) return lower;
			return null;
		}

		// Its arguments read from `arguments`, not named: named parameters beside `arguments` have V8 make
		// a mapped arguments object on each call, which in Chromium cost about what the native call does.
		w.Element.prototype.setAttribute = function setAttribute() {
			var name = arguments[0];
			var value = arguments[1];
			var attribute = loadingAttribute(this, name);
			var purpose = attribute === null ? null : deniedValue(attribute, value);
			if (purpose === null) return setAttribute0.apply(this, arguments);
			gate(this, attribute, value, purpose);
		};

		// An attribute in no namespace is the same attribute; SVG's older xlink:href still loads an image.
		function attributeIn(element, namespace, name) {
			var xlinkHref = namespace === XLINK && name === "href";
			return namespace === null || namespace === "" || xlinkHref ? loadingAttribute(element, name) : null;
		}

		var setAttributeNS0 = w.Element.prototype.setAttributeNS;
		w.Element.prototype.setAttributeNS = function setAttributeNS() {
			var namespace = arguments[0];
			var name = arguments[1];
			var value = arguments[2];
			var local = namespace === XLINK && typeof name === "string" ? name.slice(name.indexOf(":") + 1) : name;
			var attribute = attributeIn(this, namespace, local);
			var purpose = attribute === null ? null : deniedValue(attribute, value);
			if (purpose === null) return setAttributeNS0.apply(this, arguments);
			gate(this, attribute, value, purpose);
		};

		// An attribute node set on an element (or through its attributes map, whose element is noted when
		// the page reads it) and a value given to a node already set are the same attribute.
		var owners = new WeakMap();
		var attributes = Object.getOwnPropertyDescriptor(w.Element.prototype, "attributes");
		if (attributes && attributes.get) {
			Object.defineProperty(w.Element.prototype, "attributes", {
				configurable: true,
				enumerable: attributes.enumerable,
				get: function () {
					var map = attributes.get.call(this);
					owners.set(map, this);
					return map;
				},
			});
		}
		function setNode(proto, name) {
			var original = proto && proto[name];
			if (typeof original !== "function") return;
			proto[name] = function (node) {
				var element = this instanceof w.Element ? this : owners.get(this);
				var attached = !element || !(node instanceof w.Attr) || node.ownerElement !== null;
				var attribute = attached ? null : attributeIn(element, node.namespaceURI, node.localName);
				var purpose = attribute === null ? null : deniedValue(attribute, node.value);
				if (purpose === null) return original.apply(this, arguments);
				gate(element, attribute, node.value, purpose);
				return null;
			};
		}
		setNode(w.Element.prototype, "setAttributeNode");
		setNode(w.Element.prototype, "setAttributeNodeNS");
		setNode(w.NamedNodeMap && w.NamedNodeMap.prototype, "setNamedItem");
		setNode(w.NamedNodeMap && w.NamedNodeMap.prototype, "setNamedItemNS");
		[
			[w.Attr, "value"],
			[w.Node, "nodeValue"],
			[w.Node, "textContent"],
		].forEach(function (pair) {
			var property = pair[0] && Object.getOwnPropertyDescriptor(pair[0].prototype, pair[1]);
			if (!w.Attr || !property || !property.set) return;
			Object.defineProperty(w.Attr.prototype, pair[1], {
				configurable: true,
				enumerable: property.enumerable,
				get: property.get,
				set: function (value) {
					var element = this.ownerElement;
					var attribute = element ? attributeIn(element, this.namespaceURI, this.localName) : null;
					var purpose = attribute === null ? null : deniedValue(attribute, value);
					if (purpose === null) property.set.call(this, value);
					else gate(element, attribute, value, purpose);
				},
			});
		});

		// Markup a script writes is parsed first in an inert template when `naming` sees something in it:
		// its elements are gated as above and the template's markup is written instead. Markup naming
		// none, what frameworks write all the time, is passed on as given. Markup given as an object (a
		// TrustedHTML) is screened as its text, and what is rewritten handed back trusted (see trust).
		var innerHTML0 = Object.getOwnPropertyDescriptor(w.Element.prototype, "innerHTML");

		// What is rewritten is the markup as given with only the gated elements' start tags replaced (see
		// retag). continues: the markup is written into a document being parsed (document.write), where what
		// follows it (the next write, the page's own markup) may close what it leaves open; it matters only
		// where retag cannot tell the tags apart and the template's serialisation is written (see leftOpen;
		// a TrustedHTML cannot take the mark and is then written closed). context: the node or document
		// written to; null for a frame's srcdoc, and true or false when whether it runs scripts is known.
		function guardMarkup(value, context, runs, continues) {
			var markup = value;
			try {
				if (value !== null && typeof value === "object") markup = String(value);
			} catch (_e) {}
			if (typeof markup !== "string" || !names(markup) || (context && RAW_TEXT.test(context.nodeName)))
				return value;
			var plain = typeof value === "string";
			// Where scripts run, a noscript's content is text (see scripted): then only the tags the scan
			// reads are parsed, a noscript's content as text (see retag); anything it cannot match is screened
			// as the template reads it. A srcdoc's frame may be sandboxed without scripts: both ways.
			var scripts =
				/<noscript/i.test(markup) &&
				(typeof context === "boolean" ? context : context && scripted(context, plain));
			if (scripts === null)
				return guardMarkup(guardMarkup(value, true, runs, continues), false, runs, continues);
			if (scripts) {
				var read = retag(markup, runs, plain, true);
				// A TrustedHTML the runtime cannot parse as read there (its policy refused) is not written.
				if (read === null)
					return plain || ownPolicy() ? guardMarkup(value, false, runs, continues) : w.trustedTypes.emptyHTML;
				return read === markup ? value : plain ? read : trust(read, d.createElement("template"));
			}
			var template = d.createElement("template");
			var marked = continues === true && plain;
			try {
				innerHTML0.set.call(template, marked ? value + END_MARKS[0] : value);
			} catch (_e) {
				// Refused (a Trusted Types policy): the page's own call meets the same refusal.
				return value;
			}
			if (gateAll(template.content, runs).length === 0) return value;
			var rewritten = retag(markup, runs, plain);
			if (rewritten === null) {
				rewritten = innerHTML0.get.call(template);
				if (marked) {
					var open = leftOpen(template.content, rewritten);
					return open === null ? guardMarkup(value, context, runs) : open;
				}
			}
			return plain ? rewritten : trust(rewritten, template);
		}

		// Whether markup written at node is parsed as where scripts run, a noscript's content as text: not in
		// a template or its content, a parsed document, or a frame sandboxed without scripts. The parser of
		// node's document is asked, as the markup is given. No answer: a string the page's document refuses
		// is refused to the page too; a TrustedHTML on a page refusing the runtime's Trusted Types policy
		// is taken as read where scripts run, and then not written (see guardMarkup).
		function scripted(node, plain) {
			try {
				var probe = (node.ownerDocument || node).createElement(
					node.localName === "template" ? "template" : "p",
				);
				innerHTML0.set.call(probe, plain ? "<noscript><p>" : ownPolicy().createHTML("<noscript><p>"));
				return (probe.content || probe).firstChild.firstChild.nodeType === 3;
			} catch (_e) {
				return !plain;
			}
		}

		// The markup as given, with only the start tags of the elements gated in it replaced by their gated
		// form: parsed, it is what the markup is (end tags for elements an earlier write opened, a doctype,
		// <html> and <body> attributes, elements left open), which a template's serialisation loses. Each
		// start tag is marked with its index for the parse; null when a gated element has no mark (a tag the
		// scan does not read as the parser does) or the marked markup cannot be parsed (a TrustedHTML on a
		// page allowing no policy of the runtime's). scripts: a noscript's content is text, as where scripts
		// run; the template, which runs none, is given a noembed there (text in any document, and parsed as
		// a noscript is where scripts run), its `</noembed` and `</noscript` swapped so it ends where the
		// noscript does.
		function retag(markup, runs, plain, scripts) {
			// A page's own attribute of that name would be taken for the mark, or lost beside it.
			if (MARK_NAMED.test(markup)) return null;
			var tags = [];
			var marked = "";
			var from = 0;
			unfinishedTag(markup, function (at, end, close) {
				// The mark goes after the tag's name, with a space after it (`<br/>` stays self-closing).
				var name = markup.slice(at + 1, end).search(/[\t\n\f\r /]/);
				name = name === -1 ? end : at + 1 + name;
				var noscript = scripts && /^<noscript$/i.test(markup.slice(at, name));
				marked += `${markup.slice(from, noscript ? at : name)}${noscript ? "<noembed" : ""} ${TAG_MARK}=${tags.length} `;
				tags.push([at, end + 1, close]);
				from = name;
				if (!noscript) return;
				from = close === -1 ? markup.length : close + 10;
				marked += markup.slice(name, from).replace(/<\/no(script|embed)/gi, function (_end, kind) {
					return kind.length > 5 ? "</noembed" : "</noscript";
				});
			});
			marked += markup.slice(from);
			var template = d.createElement("template");
			try {
				innerHTML0.set.call(template, plain ? marked : ownPolicy().createHTML(marked));
			} catch (_e) {
				return null;
			}
			var gated = gateAll(template.content, runs);
			var replaced = [];
			for (var i = 0; i < gated.length; i++) {
				var index = gated[i].getAttribute(TAG_MARK);
				if (index === null) return null;
				replaced[index] = gatedTag(gated[i], markup.slice(tags[index][0], tags[index][1]));
				// Cleaned rules (see refill) replace the script's text up to its end tag.
				if (rulesTyped(gated[i])) {
					if (tags[index][2] === -1) return null;
					replaced[index] += gated[i].text;
					tags[index][1] = tags[index][2];
				}
			}
			var out = "";
			from = 0;
			tags.forEach(function (tag, index) {
				if (replaced[index] === undefined) return;
				out += markup.slice(from, tag[0]) + replaced[index];
				from = tag[1];
			});
			return out + markup.slice(from);
		}

		// A gated element's start tag, as serialised without the mark; self-closing where the markup's tag
		// was (an SVG image, which would otherwise hold what follows), which a `/` ending an unquoted value
		// (`href=https://…/>`) does not make it.
		function gatedTag(element, written) {
			var clone = element.cloneNode(false);
			clone.removeAttribute(TAG_MARK);
			var html = clone.outerHTML;
			var end = `</${clone.localName}>`;
			if (html.slice(-end.length) === end) html = html.slice(0, -end.length);
			return /\/>$/.test(written) && !/=[\t\n\f\r ]*[^\t\n\f\r "'>]*\/>$/.test(written)
				? `${html.slice(0, -1)}/>`
				: html;
		}

		// The template closes every element the markup leaves open, and a later `</div>` in the page would
		// then close one of the page's own. The markup was parsed with an end mark after it: the parser put
		// it where the markup ended (a comment in the innermost open element, or the end of an open
		// comment, raw text or escaped text, such as a textarea's), so the serialisation cut before it,
		// without the end tags of the elements around it (a template's content included), leaves open
		// what the markup left open. Null when the mark landed elsewhere (an attribute): then the markup
		// is written closed, as parsed.
		function leftOpen(root, markup) {
			var tail = "";
			var node = root.lastChild;
			while (node && node.nodeType === 1) {
				tail = `</${node.localName}>${tail}`;
				node = (node.localName === "template" && node.content ? node.content : node).lastChild;
			}
			for (var i = 0; node && i < END_MARKS.length; i++) {
				var end = END_MARKS[i] + tail;
				if (markup.slice(-end.length) === end) return markup.slice(0, -end.length);
			}
			return null;
		}

		// The elements under root (markup parsed in a template, a parsed document) keep their URLs aside;
		// those changed are returned.
		function gateAll(root, runs) {
			var elements = root.querySelectorAll("*");
			var changed = [];
			for (var i = 0; i < elements.length; i++) {
				var element = elements[i];
				// A template's content is not under it: the page may clone it in, and a declarative shadow
				// root (setHTMLUnsafe, document.write) is made of it.
				if (element instanceof w.HTMLTemplateElement)
					changed.push.apply(changed, gateAll(element.content, runs));
				// Scripts in markup written by innerHTML and the like never run: they load nothing, and a
				// gated one would be run by /consent.js.
				if (!runs && element instanceof w.HTMLScriptElement) continue;
				// Speculation rules and import maps that run (document.write, a Range's fragment) are
				// cleaned as inserted ones are; retag then writes their cleaned text too.
				if (refill(element)) changed.push(element);
				for (var j = element.attributes.length - 1; j >= 0; j--) {
					var node = element.attributes[j];
					var attribute = attributeIn(element, node.namespaceURI, node.localName);
					var purpose = attribute === null ? null : deniedValue(attribute, node.value);
					if (purpose === null) continue;
					element.removeAttributeNode(node);
					gate(element, attribute, node.value, purpose);
					if (changed[changed.length - 1] !== element) changed.push(element);
				}
			}
			return changed;
		}

		// The rewrite of a TrustedHTML is made trusted by the runtime's own policy, which only ever sees
		// markup the page's policy made, with URLs moved aside. A page that enforces Trusted Types and
		// whose CSP names the policies it allows, not "consent-edge", gets nothing written instead: the
		// page's markup minus a tracker would need the page's own policy, and as given it loads the tracker.
		var policy;
		function ownPolicy() {
			if (policy === undefined) {
				policy = null;
				try {
					policy = w.trustedTypes.createPolicy("consent-edge", { createHTML: String, createScript: String });
				} catch (_e) {}
			}
			return policy;
		}
		function trust(markup, template) {
			if (ownPolicy()) return policy.createHTML(markup);
			// Whether the page takes a plain string (a default policy of its own may): once refused, not
			// asked again (each refusal is a CSP violation the page may have reported).
			if (policy === null) {
				try {
					innerHTML0.set.call(template, markup);
					return markup;
				} catch (_e) {
					policy = false;
				}
			}
			return w.trustedTypes ? w.trustedTypes.emptyHTML : "";
		}

		// at: the markup's argument; context: the node the markup is parsed in (raw text, a script's or a
		// style's, is never markup); runs: whether the scripts in it run.
		function guardWrites(proto, name, at, context, runs) {
			var property = proto && Object.getOwnPropertyDescriptor(proto, name);
			if (!property) return;
			if (property.set) {
				Object.defineProperty(proto, name, {
					configurable: true,
					enumerable: property.enumerable,
					get: property.get,
					set: function (value) {
						property.set.call(this, guardMarkup(value, context(this), false));
					},
				});
			} else if (typeof property.value === "function") {
				var original = property.value;
				proto[name] = function () {
					var value = arguments[at];
					// Markup naming nothing (the common case) is passed on before its context is looked for.
					if (typeof value === "string" && !names(value)) return original.apply(this, arguments);
					var screened =
						at < arguments.length ? guardMarkup(value, context(this, arguments[0]), runs) : value;
					if (screened === value) return original.apply(this, arguments);
					var args = Array.prototype.slice.call(arguments);
					args[at] = screened;
					return original.apply(this, args);
				};
			}
		}

		// document.write takes its arguments joined, and a tag may be finished by a later call (old tag
		// snippets write `<img src="…` and the URL's end apart): a write ending inside a tag (see
		// unfinishedTag) holds that tag back for the next write to the document, its close, or the end of
		// the running script (a microtask then, while the parser still takes writes there), so the joined
		// tag is screened. Writing to a document not being parsed opens it again, which drops its
		// listeners: the frames' load listener (below) is put back before and after.
		// Where the tag, comment or raw text markup ends inside starts, as the parser reads it, or -1: a `<`
		// that starts no tag (`1 < 2`) is text the page reads at once, and a `<` or `>` in a quoted attribute
		// value does not start or end one (`alt="a>b" src="https://…` is still unfinished). An element whose
		// text is raw (a script's) holds no tag until its end tag (its name then a space, `/` or `>`:
		// `</scripts>` is text). startTag, if given, is told where each whole start tag starts, where its `>` is, and where
		// the end tag of its raw text is (-1: none, or not raw; see retag).
		var RAW_START = /^<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)[\s/>]/i;
		function unfinishedTag(markup, startTag) {
			for (var at = markup.indexOf("<"); at !== -1; at = markup.indexOf("<", at + 1)) {
				var next = markup.charAt(at + 1);
				if (next === "") return at;
				if (!/[A-Za-z/!?]/.test(next)) continue;
				var end;
				if (markup.startsWith("<!--", at)) end = commentEnd(markup, at);
				else end = tagEnd(markup, at + 1);
				if (end === -1) return at;
				var raw = RAW_START.exec(markup.slice(at, end + 1));
				var close = -1;
				if (raw !== null && raw[1].toLowerCase() !== "plaintext") {
					// Searched from here on, in the markup itself: lowering it all would cost a write of many
					// scripts the whole markup for each, and can change its length (`İ`), moving every index.
					var endTag = new RegExp(`</${raw[1]}[\\t\\n\\f\\r />]`, "gi");
					endTag.lastIndex = end + 1;
					var found = endTag.exec(markup);
					if (found !== null) close = found.index;
				}
				if (startTag && /[A-Za-z]/.test(next)) startTag(at, end, close);
				if (raw !== null) {
					if (close === -1) return at;
					// The end tag is read as a tag next.
					end = close - 1;
				}
				at = end;
			}
			return -1;
		}
		// The `>` ending the comment starting at `at`, or -1: `<!-->` and `<!--->` are whole comments, and
		// `--!>` ends one as `-->` does.
		var COMMENT_END = /--!?>/g;
		function commentEnd(markup, at) {
			var empty = /^<!---?>/.exec(markup.slice(at, at + 6));
			if (empty !== null) return at + empty[0].length - 1;
			COMMENT_END.lastIndex = at + 4;
			return COMMENT_END.exec(markup) === null ? -1 : COMMENT_END.lastIndex - 1;
		}
		// The `>` ending the tag whose name starts at `from`, as the tokenizer reads it; -1 if none. A quote
		// opens a value only right after an attribute's `=`: in `x="1"=">"` the second `=` starts a name and
		// in `a=b='` the quote is in a value, so both tags end at their first `>`. `<!…>`, `<?…>` and
		// `</ …>` end at their first `>`, quoted or not.
		function tagEnd(markup, from) {
			var at = markup.charAt(from) === "/" ? from + 1 : from;
			if (!/[A-Za-z]/.test(markup.charAt(at))) return markup.indexOf(">", from);
			// 0: in the tag's name; 1: before an attribute; 2: in or after its name; 3: after its `=`; 4: in an
			// unquoted value.
			var state = 0;
			for (; at < markup.length; at++) {
				var c = markup.charAt(at);
				var space = /[\t\n\f\r ]/.test(c);
				if (c === ">") return at;
				if (state === 3 && (c === '"' || c === "'")) {
					at = markup.indexOf(c, at + 1);
					if (at === -1) return -1;
					state = 1;
				} else if (state === 3) state = space ? 3 : 4;
				else if (state === 4) state = space ? 1 : 4;
				else if (state === 2 && c === "=") state = 3;
				else if (space || c === "/") state = state === 2 && space ? 2 : 1;
				else if (state === 1) state = 2;
			}
			return -1;
		}

		// The next write continues the stream where the last one left it: in a tag or comment, held back
		// unwritten, or in an element's raw text (a noscript's where scripts run), written, whose start tag
		// and text so far are kept to read the next write after. Per document: [markup from that start,
		// how much of it is written, the script writing]; dropped at the document's open or close, and at
		// the end of the running script or when another of the document's scripts writes (the page's own
		// markup may follow it; a script the parser runs writes from after its end tag). A document a
		// script opened (open(), or a write once it was loaded) has no markup of its own to follow: its
		// state is kept until it is closed, whichever task writes next (an ad loader writing parts as they come).
		var write0 = w.Document.prototype.write;
		var reopen0 = w.Document.prototype.open;
		var close0 = w.Document.prototype.close;
		var streams = new WeakMap();
		var scriptOpened = new WeakSet();
		function write(document, original, args) {
			listen(document);
			var written = original.apply(document, args);
			listen(document);
			return written;
		}
		// What to write of markup after its first `written` characters, already in the stream: the markup
		// screened whole, read from where the stream was (if the template's serialisation of it does not
		// start as written, it is written whole: read from there, it closes what was open, then reads as
		// the template read it).
		function screenFrom(document, markup, written) {
			var screened = guardMarkup(markup, document, true, true);
			return screened.slice(0, written) === markup.slice(0, written) ? screened.slice(written) : screened;
		}
		function flush(document) {
			var open = streams.get(document);
			if (open === undefined) return;
			streams.delete(document);
			var markup = open[0];
			if (open[1] === markup.length) return;
			// Still unfinished: screened as if closed here (the markup that follows may close it).
			var closed = screenFrom(document, `${markup}>`, open[1]);
			try {
				write(document, write0, [closed === `${markup}>`.slice(open[1]) ? markup.slice(open[1]) : closed]);
			} catch (_e) {}
		}
		// The raw text markup is left in from at, read the same from a start tag without attributes (which
		// would be screened again).
		// A script keeps a rules type, so rules written in pieces are read joined as rules (see refill).
		var RULES_TAG =
			/^<script[^>]*?[\t\n\f\r /]type[\t\n\f\r ]*=[\t\n\f\r ]*["']?[\t\n\f\r ]*(speculationrules|importmap)[\t\n\f\r ]*["']?[\t\n\f\r />]/i;
		function rawStart(document, markup, at) {
			var end = tagEnd(markup, at + 1);
			var rules = RULES_TAG.exec(markup.slice(at, end + 1));
			var type = rules ? ` type="${rules[1]}"` : "";
			var text = `<${RAW_START.exec(markup.slice(at, at + 11))[1]}${type}>${markup.slice(end + 1)}`;
			return [text, text.length, document.currentScript];
		}
		// Whether markup is left in raw text from at (a noscript's only where scripts run; its end is not read
		// elsewhere), not in a tag or comment.
		function rawText(document, markup, at) {
			var raw = RAW_START.exec(markup.slice(at, at + 11));
			if (raw === null || tagEnd(markup, at + 1) === -1) return false;
			return !/^noscript$/i.test(raw[1]) || scripted(document, true) ? true : null;
		}
		function trusted(value) {
			return !!w.trustedTypes && typeof w.trustedTypes.isHTML === "function" && w.trustedTypes.isHTML(value);
		}
		function guardWrite(name, end) {
			var original = w.Document.prototype[name];
			w.Document.prototype[name] = function () {
				var args = Array.prototype.slice.call(arguments);
				// A write to a loaded document opens it anew (see scriptOpened), whatever it writes.
				if (this.readyState === "complete") scriptOpened.add(this);
				if (
					!args.every(function (arg) {
						return typeof arg === "string";
					})
				) {
					flush(this);
					// A TrustedHTML is screened as it is (the write needs it trusted), each on its own: joined,
					// they are a string, which a page enforcing Trusted Types refuses (the screening failed, and
					// the tracker loaded). Other values (a number) are only joined, so they are passed on as
					// given unless the joined markup is rewritten.
					if (args.some(trusted)) {
						return write(
							this,
							original,
							args.map(function (arg) {
								return guardMarkup(arg, this, true);
							}, this),
						);
					}
					var value = args.length === 1 ? args[0] : args.join("");
					var screened = guardMarkup(value, this, true, true);
					return write(this, original, screened === value ? args : [screened]);
				}
				var before = streams.get(this);
				if (before !== undefined && before[2] !== this.currentScript) {
					flush(this);
					before = undefined;
				}
				var written = before === undefined ? 0 : before[1];
				var markup = (before === undefined ? "" : before[0]) + args.join("") + end;
				var at = unfinishedTag(markup);
				var raw = at === -1 ? null : rawText(this, markup, at);
				var cut = raw === false ? Math.max(at, written) : markup.length;
				streams.delete(this);
				if (before === undefined && raw !== null && !scriptOpened.has(this))
					Promise.resolve(this).then(flush);
				// Scripts the write runs write from where their end tag left the stream: kept once it is done.
				var out = write(this, write0, [screenFrom(this, markup.slice(0, cut), written)]);
				flush(this);
				if (raw === false) streams.set(this, [markup.slice(at), cut - at, this.currentScript]);
				else if (raw) streams.set(this, rawStart(this, markup, at));
				return out;
			};
		}
		if (innerHTML0 && innerHTML0.set && w.HTMLTemplateElement) {
			var self = function (node) {
				return node;
			};
			var parent = function (node) {
				return node.parentNode;
			};
			guardWrites(w.Element.prototype, "innerHTML", 0, self);
			guardWrites(w.Element.prototype, "outerHTML", 0, parent);
			guardWrites(w.Element.prototype, "insertAdjacentHTML", 1, function (node, where) {
				return /^(?:beforebegin|afterend)$/i.test(where) ? node.parentNode : node;
			});
			guardWrites(w.Element.prototype, "setHTMLUnsafe", 0, self);
			guardWrites(w.ShadowRoot && w.ShadowRoot.prototype, "innerHTML", 0, self);
			guardWrites(w.ShadowRoot && w.ShadowRoot.prototype, "setHTMLUnsafe", 0, self);
			guardWrites(
				w.Range && w.Range.prototype,
				"createContextualFragment",
				0,
				function (range) {
					return range.startContainer;
				},
				true,
			);
			guardWrite("write", "");
			guardWrite("writeln", "\n");
			w.Document.prototype.close = function close() {
				flush(this);
				scriptOpened.delete(this);
				return close0.apply(this, arguments);
			};
			// Opened again (not while the page's parser runs a script, which ignores it), it starts anew.
			w.Document.prototype.open = function open() {
				var opened = reopen0.apply(this, arguments);
				if (this.childNodes.length === 0) {
					streams.delete(this);
					scriptOpened.add(this);
				}
				return opened;
			};
		}

		// A document parsed from markup (DOMParser, Document.parseHTMLUnsafe) is inert, but its elements
		// load once the page's code moves them into the page: they are gated as it is parsed (its scripts
		// never run, moved or not).
		function guardParse(owner, name) {
			var original = owner && owner[name];
			if (typeof original !== "function") return;
			owner[name] = function (markup) {
				var parsed = original.apply(this, arguments);
				try {
					if (names(String(markup))) gateAll(parsed, false);
				} catch (_e) {}
				return parsed;
			};
		}
		guardParse(w.DOMParser && w.DOMParser.prototype, "parseFromString");
		guardParse(w.Document, "parseHTMLUnsafe");

		// Speculation rules and import maps a script inserts are read by the browser as the script is
		// connected, with no URL property to hold: their JSON is cleaned first, as the HTML rewrite
		// cleans the page's (a blocked tracker's list URL or map entry goes, a document rule is held to the
		// page's own origin). Only nodes inserted into the document, and scripts in them, are looked at.
		var RULES = /^\s*(speculationrules|importmap)\s*$/i;
		// "/*", spelled so that the served script holds no comment opener (runtime-source.test.ts).
		var OWN = { href_matches: ["/", "*"].join("") };
		function ownOnly(where) {
			return (
				!!where &&
				typeof where === "object" &&
				([].concat(where.href_matches).every(function (pattern) {
					return typeof pattern === "string" && /^\/(?!\/)/.test(pattern);
				}) ||
					(Array.isArray(where.and) && where.and.some(ownOnly)))
			);
		}
		function cleanJson(text, map) {
			var json;
			var changed = false;
			try {
				json = JSON.parse(text);
			} catch (_e) {
				return null;
			}
			function drop(entries) {
				Object.keys(Object(entries)).forEach(function (name) {
					if (typeof entries[name] === "string" && deniedPurpose(entries[name]) !== null) {
						changed = delete entries[name];
					}
				});
			}
			if (map) {
				drop(json.imports);
				Object.keys(Object(json.scopes)).forEach(function (scope) {
					drop(json.scopes[scope]);
				});
			} else {
				[json.prefetch, json.prerender].forEach(function (list) {
					[].concat(list || []).forEach(function (rule) {
						if (Object(rule) !== rule) return;
						if (Array.isArray(rule.urls)) {
							var urls = rule.urls.filter(function (url) {
								return typeof url !== "string" || deniedPurpose(url) === null;
							});
							if (urls.length < rule.urls.length) changed = rule.urls = urls;
						} else if ((rule.source || "document") === "document" && !ownOnly(rule.where)) {
							changed = rule.where = rule.where ? { and: [rule.where, OWN] } : OWN;
						}
					});
				});
			}
			// A `<` stays escaped, as JSON allows, so written markup's `</script>` cannot end it.
			return changed ? JSON.stringify(json).replace(/</g, "\\u003c") : null;
		}
		// The rules type of a script element (`speculationrules`, `importmap`), or null; a script of
		// another window (a same-origin frame's) is told by its name.
		function rulesTyped(node) {
			var script =
				isA(scriptProto, node) ||
				(!isA(nodeProto, node) && Object(node) === node && node.nodeName === "SCRIPT");
			var kind = script && RULES.exec(node.getAttribute("type"));
			return kind ? kind[1].toLowerCase() : null;
		}
		var text0 = Object.getOwnPropertyDescriptor(w.HTMLScriptElement.prototype, "text").set;
		var appendChild0 = w.Node.prototype.appendChild;
		var removeChild0 = w.Node.prototype.removeChild;
		// Gives a rules script its cleaned text; true when it had anything to clean. The text goes in as a
		// new text node (Chromium reads a script's text again only as a child is inserted), by the script's
		// own setter, which Trusted Types watch: where they are enforced, Chromium runs no script whose
		// text came otherwise, so it is made trusted by the runtime's policy. A page whose `trusted-types`
		// list leaves that out refuses it: the rules are then not applied at all.
		function refill(script) {
			var kind = rulesTyped(script);
			var cleaned = kind && purposes.some(blocks) && cleanJson(script.text, kind === "importmap");
			if (cleaned) {
				try {
					if (w.trustedTypes && !ownPolicy()) throw cleaned;
					text0.call(script, policy ? policy.createScript(cleaned) : cleaned);
				} catch (_e) {
					setAttribute0.call(script, "type", "text/plain");
				}
			}
			return !!cleaned;
		}
		// Most inserted nodes are no script and hold none (a new element, text, a string given to append):
		// a node of this window is told a script by its prototype, one of another window by its name, and
		// the subtree is searched only below an element child (and listed only where a script is found),
		// before the node it goes into is asked whether it is in the document.
		var nodeProto = w.Node.prototype;
		var scriptProto = w.HTMLScriptElement.prototype;
		function cleanInserted(parent, node) {
			var script;
			if (isA(nodeProto, node)) script = isA(scriptProto, node);
			else if (Object(node) === node && node.querySelectorAll) script = node.nodeName === "SCRIPT";
			else return;
			if (!script && (!node.firstElementChild || node.querySelector("script[type]") === null)) return;
			if (!parent.isConnected) return;
			if (script) return void refill(node);
			var scripts = node.querySelectorAll("script[type]");
			for (var i = 0; i < scripts.length; i++) refill(scripts[i]);
		}
		// A script inserted with no text is not started: the browser reads it when children are inserted
		// into it later (its text set, a text node appended), by whatever type it has then. Such a call on
		// a connected rules script is made with the script typed out of the browser's reach, then its text
		// is cleaned, and the browser reads it as one more change (an empty text node added and removed
		// when nothing changed). A text node's data changing is not read (seen in Chromium).
		// The call is `call` applied to self with args; connecting: it connects the script (a Range
		// surrounding contents with it).
		function filled(script, call, self, args, connecting) {
			if (!rulesTyped(script) || !(connecting || script.isConnected) || !purposes.some(blocks))
				return call.apply(self, args);
			var type = script.getAttribute("type");
			setAttribute0.call(script, "type", "text/plain");
			try {
				return call.apply(self, args);
			} finally {
				setAttribute0.call(script, "type", type);
				if (!refill(script)) {
					var empty = script.ownerDocument.createTextNode("");
					appendChild0.call(script, empty);
					removeChild0.call(script, empty);
				}
			}
		}
		// The node whose children an insertAdjacent… call at `where` changes.
		function adjacent(node, where) {
			return /^\s*(?:afterbegin|beforeend)\s*$/i.test(where) ? node : node.parentNode;
		}
		var CHILDREN = /^(?:appendChild|insertBefore|replaceChild|append|prepend|replaceChildren)$/;
		[
			[w.Node, ["appendChild", "insertBefore", "replaceChild"]],
			[
				w.Element,
				["append", "prepend", "before", "after", "replaceWith", "replaceChildren", "insertAdjacentElement"],
			],
			[w.CharacterData, ["before", "after", "replaceWith"]],
			[w.Document, ["append", "prepend", "replaceChildren"]],
		].forEach(function (pair) {
			pair[1].forEach(function (name) {
				var original = pair[0] && pair[0].prototype[name];
				if (typeof original !== "function") return;
				var children = CHILDREN.test(name);
				var adjacentElement = name === "insertAdjacentElement";
				pair[0].prototype[name] = function () {
					for (var i = 0; i < arguments.length; i++) cleanInserted(this, arguments[i]);
					var parent = children ? this : adjacentElement ? adjacent(this, arguments[0]) : this.parentNode;
					return filled(parent, original, this, arguments);
				};
			});
		});
		// The text a script's own setters give it (Chromium has a script's textContent and innerText on
		// its own prototype, for Trusted Types), and markup or text inserted into it.
		["text", "textContent", "innerText", "innerHTML"].forEach(function (name) {
			var owner = w.HTMLScriptElement && w.HTMLScriptElement.prototype;
			while (owner && !own.call(owner, name)) owner = Object.getPrototypeOf(owner);
			var property = owner && Object.getOwnPropertyDescriptor(owner, name);
			if (!property || !property.set) return;
			Object.defineProperty(owner, name, {
				configurable: true,
				enumerable: property.enumerable,
				get: property.get,
				set: function (value) {
					filled(this, property.set, this, [value]);
				},
			});
		});
		["setHTMLUnsafe", "insertAdjacentText", "insertAdjacentHTML"].forEach(function (name) {
			var original = w.Element.prototype[name];
			if (typeof original !== "function") return;
			w.Element.prototype[name] = function () {
				// Only a rules script (this one, or its parent for a sibling's markup) is a concern.
				if (!rulesTyped(this) && !rulesTyped(this.parentNode)) return original.apply(this, arguments);
				return filled(
					name === "setHTMLUnsafe" ? this : adjacent(this, arguments[0]),
					original,
					this,
					arguments,
				);
			};
		});
		// A Range inserts a node at its start (into a script when it starts in one or in its text), or
		// around its contents (a rules script given them).
		var range = w.Range && w.Range.prototype;
		["insertNode", "surroundContents"].forEach(function (name) {
			var original = range && range[name];
			if (typeof original !== "function") return;
			range[name] = function (node) {
				var at = this.startContainer;
				if (!at || !at.isConnected) return original.apply(this, arguments);
				cleanInserted(at, node);
				var around = at.nodeType === 1 ? at : at.parentNode;
				if (name !== "surroundContents" || !rulesTyped(node))
					return filled(around, original, this, arguments);
				return filled(around, filled, null, [node, original, this, arguments, true]);
			};
		});

		// A frame's window reaches the page's code through these getters: a same-origin one gets the
		// interception before the code gets it (a cross-origin one throws on the first look, as it would).
		// A window the code kept is the frame's next one after a navigation: it gets it on load. Chromium
		// fires a blank frame's first load as the frame is inserted, so one reached only as `window[0]`
		// gets it too (the window is not on a load event's path, and a shadow root keeps it in).
		function loaded(event) {
			return event.target.contentWindow;
		}
		function listen(document) {
			if (document instanceof w.Document) document.addEventListener("load", loaded, true);
		}
		listen(d);
		["HTMLIFrameElement", "HTMLFrameElement", "HTMLObjectElement"].forEach(function (kind) {
			["contentWindow", "contentDocument"].forEach(function (name) {
				var property = w[kind] && Object.getOwnPropertyDescriptor(w[kind].prototype, name);
				if (!property || !property.get) return;
				Object.defineProperty(w[kind].prototype, name, {
					configurable: true,
					enumerable: property.enumerable,
					get: function () {
						var reached = property.get.call(this);
						try {
							if (reached) patch(reached.defaultView || reached);
							this.addEventListener("load", loaded);
						} catch (_e) {}
						return reached;
					},
				});
			});
		});
	}
	patch(page);
})(window, document, __CONSENT_EDGE_RUNTIME_TABLE__, __CONSENT_EDGE_RUNTIME_DENY__);
