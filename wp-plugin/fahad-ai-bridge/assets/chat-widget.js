/*
 * fahad-ai chat widget: a floating shopping assistant for WooCommerce stores.
 *
 * Plain ES2018, no dependencies, no build step. Reads its settings from
 * window.fahadAiChatbot ({restUrl, nonce, name?, greeting?, color?, strings?, checkoutUrl?,
 * visualSearch?, streamTimeout?, direct?}) and defines no globals. It streams turns from
 * `stream` (SSE): straight from the bridge with the plugin's stream token when `direct`
 * ({url, token}) is given, else (or when that fails) through WordPress; it falls back to
 * `message` (JSON) on hosts that buffer, renders cards, comparisons
 * and the cart, records feedback and searches by photo (`visual-search`). A shopper can ask
 * for a person (`handoff`); the person's replies arrive by polling `conversation`, which
 * also restores the conversation after a reload (its ref is kept per tab, in sessionStorage).
 * Server and model text is untrusted: every node is built with textContent, never innerHTML.
 */
(function () {
  "use strict";

  const config = window.fahadAiChatbot;
  if (!config || typeof config.restUrl !== "string" || !config.restUrl) return;

  // A host that buffers the stream shows nothing for this long; the JSON route then takes over.
  // The bridge sends a keep-alive every 5 s, so an unbuffered stream is never this quiet.
  const FIRST_FRAME_TIMEOUT_MS = Number(config.streamTimeout) > 0 ? Number(config.streamTimeout) : 10000;
  // The bridge's limit for a photo (CONTRACT.md: larger is 413).
  const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
  const IMAGE_TYPES = /^image\/(jpeg|png|webp|gif)$/;
  // "Only N left" from this many units down.
  const LOW_STOCK = 3;
  const OPEN_HASH = "#fahad-ai-open";
  // While a person has the conversation, their replies are looked for this often.
  const POLL_MS = Number(config.pollInterval) > 0 ? Number(config.pollInterval) : 3000;
  // The conversation's ref, per tab: it survives a reload and a trip to the checkout and back.
  const REF_KEY = "fahadAiConversation:" + config.restUrl;
  const OPEN_KEY = "fahadAiOpen:" + config.restUrl;
  // A guest's stream token (from WordPress's answers), kept for the tab with the nonce it is for.
  const TOKEN_KEY = "fahadAiStreamToken:" + config.restUrl;
  const DEFAULT_COLOR = "#2d6cdf";

  const REST_URL = config.restUrl.endsWith("/") ? config.restUrl : config.restUrl + "/";
  // The bridge's own address for streaming a turn straight from it (CORS, the stream token).
  const DIRECT = config.direct && typeof config.direct === "object" ? config.direct : {};
  const DIRECT_URL = typeof DIRECT.url === "string" && DIRECT.url ? (DIRECT.url.endsWith("/") ? DIRECT.url : DIRECT.url + "/") : "";
  // The bridge answers a stream's headers at once; past this it is unreachable from here.
  const DIRECT_TIMEOUT_MS = 3000;
  const NAME = text(config.name).trim() || "Shop assistant";
  // On a product page, the product the shopper is looking at ({id, name}); else null.
  const PAGE_PRODUCT = config.product && Number.isInteger(Number(config.product.id)) && Number(config.product.id) > 0
    ? { id: Number(config.product.id), name: text(config.product.name).trim() } : null;

  // Every sentence the shopper can see, in one place.
  const TEXT = {
    greeting: text(config.greeting).trim() ||
      "Hi! I can help you find products, compare them and add them to your cart. What are you looking for?",
    launcher: "Chat with " + NAME,
    close: "Close chat",
    viewCart: "View cart",
    hideCart: "Hide cart",
    inputLabel: "Message " + NAME,
    placeholder: "Ask about products…",
    send: "Send message",
    disclaimer: "AI assistant: answers may contain mistakes.",
    log: "Conversation with " + NAME,
    rateLimited: "You're sending messages quickly — please wait a moment.",
    retryIn: (seconds) => "You can try again in " + seconds + (seconds === 1 ? " second." : " seconds."),
    paused: "The assistant is taking a break right now. Please try again later.",
    dailyCap: "The assistant has answered all it can today. Please try again tomorrow.",
    expired: "Your session expired — please reload the page.",
    network: "We couldn't reach the assistant. Check your connection and try again.",
    interrupted: "The answer was interrupted. Please try again.",
    generic: "Something went wrong. Please try again.",
    emptyAnswer: "Sorry, I don't have an answer for that. Could you rephrase it?",
    notSent: "Not sent",
    toolSearch: "Searching the catalogue…",
    toolCartView: "Checking your cart…",
    toolCart: "Updating your cart…",
    toolProduct: "Looking up product details…",
    toolCompare: "Comparing products…",
    toolOther: "Working on it…",
    addToCart: "Add to cart",
    adding: "Adding…",
    outOfStock: "Out of stock",
    inStock: "In stock",
    backorder: "Available on backorder",
    onlyLeft: (n) => "Only " + n + " left",
    unavailable: "This combination isn't available",
    optionOutOfStock: " (out of stock)",
    optionUnavailable: " (unavailable)",
    choose: (name) => "Choose " + name.toLowerCase(),
    chooseAll: (names) => "Select " + (names.length > 1
      ? names.slice(0, -1).join(", ") + " and " + names[names.length - 1] : names[0]).toLowerCase() + " to add it to your cart.",
    from: "From",
    salePrice: "Sale price: ",
    regularPrice: "Regular price: ",
    newTab: " (opens in a new tab)",
    viewProduct: "View product",
    rated: (r, n) => "Rated " + r + " out of 5" + (n ? " from " + n + (n === 1 ? " review" : " reviews") : ""),
    added: "Added to your cart.",
    addedAnnounce: (name, total) => "Added " + name + " to your cart." + (total ? " Cart total " + total + "." : ""),
    cartTitle: "Your cart",
    cartCount: (n) => n + (n === 1 ? " item" : " items"),
    cartEmpty: "Your cart is empty.",
    cartLoading: "Loading your cart…",
    subtotal: "Subtotal",
    discount: "Discount",
    total: "Total",
    checkout: "Checkout",
    comparison: "Comparison",
    comparisonRegion: "Product comparison",
    productFallback: (id) => "Product " + id,
    products: (n) => n === 1 ? "Showing 1 product." : "Showing " + n + " products.",
    refine: "Narrow the results",
    more: "Show more",
    moreMessage: "Show me more",
    feedbackGroup: "Was this answer helpful?",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    thanks: "Thanks for the feedback",
    uploadImage: "Search by photo",
    photo: "Photo",
    imageResults: "Products that look like your photo:",
    imageNone: "I couldn't find products that look like this photo.",
    imageTooLarge: "That photo is too large: please choose one under 5 MB.",
    imageType: "Please choose a JPEG, PNG, WebP or GIF image.",
    imageUnavailable: "Search by photo isn't available in this store.",
    talkToPerson: "Talk to a person",
    handoffAsking: "Asking the store for a person…",
    handoffWaiting: (ref) => "A person from the store will answer here." + (ref ? " Your reference: " + ref + "." : ""),
    handoffPerson: (name) => (name ? name : "A person from the store") + " is answering you.",
    handoffBack: "The assistant is back to help you.",
    handoffResolved: "A person from the store has resolved this conversation. Write again any time.",
    person: "Store team",
    erase: "Delete this chat",
    eraseConfirm: "Delete this conversation from the shop's records? This can't be undone.",
    erased: "This conversation was deleted. You can start a new one any time.",
    aboutProduct: (name) => "Questions about " + name + "? Ask me about sizes, stock or delivery, or to add it to your cart.",
  };
  // The site's own words (the WordPress plugin passes them translated).
  if (config.strings && typeof config.strings === "object") {
    for (const key of Object.keys(config.strings)) {
      const value = config.strings[key];
      if (typeof TEXT[key] === "string" && typeof value === "string" && value.trim()) TEXT[key] = value;
    }
  }

  // Icon paths (Material Icons, Apache 2.0); constants, never server data.
  const ICON = {
    chat: "M20 2H4c-1.1 0-1.99.9-1.99 2L2 22l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2zM6 9h12v2H6V9zm8 5H6v-2h8v2zm4-6H6V6h12v2z",
    close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
    send: "M2.01 21 23 12 2.01 3 2 10l15 2-15 2z",
    cart: "M7 18c-1.1 0-1.99.9-1.99 2S5.9 22 7 22s2-.9 2-2-.9-2-2-2zM1 2v2h2l3.6 7.59-1.35 2.45c-.16.28-.25.61-.25.96 0 1.1.9 2 2 2h12v-2H7.42c-.14 0-.25-.11-.25-.25l.03-.12.9-1.63h7.45c.75 0 1.41-.41 1.75-1.03l3.58-6.49A1.003 1.003 0 0 0 20 4H5.21l-.94-2H1zm16 16c-1.1 0-1.99.9-1.99 2s.89 2 1.99 2 2-.9 2-2-.9-2-2-2z",
    thumb: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
    camera: "M12 15.2a3.2 3.2 0 1 0 0-6.4 3.2 3.2 0 0 0 0 6.4zM9 2 7.17 4H4c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V6c0-1.1-.9-2-2-2h-3.17L15 2H9zm3 15c-2.76 0-5-2.24-5-5s2.24-5 5-5 5 2.24 5 5-2.24 5-5 5z",
    person: "M12 12c2.21 0 4-1.79 4-4s-1.79-4-4-4-4 1.79-4 4 1.79 4 4 4zm0 2c-2.67 0-8 1.34-8 4v2h16v-2c0-2.66-5.33-4-8-4z",
    bag: "M18 6h-2c0-2.21-1.79-4-4-4S8 3.79 8 6H6c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2V8c0-1.1-.9-2-2-2zm-6-2c1.1 0 2 .9 2 2h-4c0-1.1.9-2 2-2zm6 16H6V8h2v2c0 .55.45 1 1 1s1-.45 1-1V8h4v2c0 .55.45 1 1 1s1-.45 1-1V8h2v12z",
  };

  const state = {
    messages: [], // [{role, content}]: the shopper's texts and the assistant's final texts
    conversationRef: null,
    busy: false,
    useFallback: false, // once a host proves it buffers, the rest of the page uses `message`
    knownCards: new Map(), // String(product id) -> card, for comparison headers
    greeted: false,
    uid: 0,
    handoff: null, // {status: "escalated"|"person", ref, author} while a person has the conversation
    lastId: 0, // the newest message id the bridge has shown this tab
    shownIds: new Set(), // ids of the bridge's messages already in the log
    pollTimer: 0,
    streamToken: pageToken(), // renewed by WordPress's answers
    directOff: !DIRECT_URL, // the bridge proved unreachable (or refused this origin)
  };

  // -- small helpers --

  function text(value) {
    return typeof value === "string" ? value : value == null ? "" : String(value);
  }

  function nextId(prefix) {
    state.uid += 1;
    return "fahad-ai-" + prefix + "-" + state.uid;
  }

  /** Build an element; props: class, text, on<event>, or attributes. Children: nodes or strings. */
  function h(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const key of Object.keys(props)) {
        const value = props[key];
        if (value == null || value === false) continue;
        if (key === "class") node.className = value;
        else if (key === "text") node.textContent = value;
        else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? "" : String(value));
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children == null || children === false) return node;
    if (Array.isArray(children)) {
      for (const child of children) append(node, child);
    } else {
      node.appendChild(typeof children === "string" ? document.createTextNode(children) : children);
    }
    return node;
  }

  function icon(path, className) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "fahad-ai-icon" + (className ? " " + className : ""));
    const shape = document.createElementNS(ns, "path");
    shape.setAttribute("d", path);
    svg.appendChild(shape);
    return svg;
  }

  /** The URL when it is absolute http(s), else null: only such links and images are rendered. */
  function safeUrl(value) {
    if (typeof value !== "string" || !value) return null;
    try {
      const url = new URL(value, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  const formatters = new Map();

  /** Format a decimal string as money in the shopper's locale; "" when it is not a number. */
  function money(value, currency) {
    if (value === null || value === undefined || value === "") return "";
    const amount = Number(value);
    if (!Number.isFinite(amount)) return "";
    const code = (text(currency) || "USD").toUpperCase();
    let format = formatters.get(code);
    if (format === undefined) {
      try {
        format = new Intl.NumberFormat(undefined, { style: "currency", currency: code });
      } catch (err) {
        format = null; // an unknown currency code
      }
      formatters.set(code, format);
    }
    return format ? format.format(amount) : amount.toFixed(2) + " " + code;
  }

  // -- light markdown: **bold**, line breaks, "- " bullets, "1. " numbered lines --

  function inline(line) {
    const parts = line.split("**");
    const nodes = [];
    parts.forEach((part, i) => {
      if (!part) return;
      // Odd parts sit between two markers; an unclosed marker (mid-stream) stays literal.
      const bold = i % 2 === 1 && i < parts.length - 1;
      nodes.push(bold ? h("strong", { text: part }) : (i % 2 === 1 ? "**" : "") + part);
    });
    return nodes;
  }

  function renderMarkdown(source) {
    const fragment = document.createDocumentFragment();
    const lines = source.replace(/\r\n?/g, "\n").split("\n");
    let paragraph = null;
    let list = null;
    for (const raw of lines) {
      const bullet = /^\s*(?:[-*•])\s+(.*)$/.exec(raw);
      const numbered = bullet ? null : /^\s*(\d{1,3})[.)]\s+(.*)$/.exec(raw);
      if (bullet || numbered) {
        const tag = bullet ? "ul" : "ol";
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = h(tag, { class: "fahad-ai-md-list" });
          if (numbered && numbered[1] !== "1") list.setAttribute("start", numbered[1]);
          fragment.appendChild(list);
        }
        list.appendChild(h("li", null, inline(bullet ? bullet[1] : numbered[2])));
        paragraph = null;
      } else if (!raw.trim()) {
        paragraph = null;
        list = null;
      } else {
        list = null;
        if (paragraph) paragraph.appendChild(h("br"));
        else paragraph = fragment.appendChild(h("p", { class: "fahad-ai-md-p" }));
        append(paragraph, inline(raw));
      }
    }
    return fragment;
  }

  function plain(source) {
    return source.replace(/\*\*/g, "").replace(/\s+/g, " ").trim();
  }

  // -- requests --

  function request(route, payload, signal, accept) {
    const headers = { "Content-Type": "application/json", Accept: accept || "application/json" };
    if (config.nonce) headers["X-WP-Nonce"] = String(config.nonce);
    return fetch(REST_URL + route, {
      method: "POST",
      headers: headers,
      credentials: "same-origin",
      cache: "no-store",
      body: JSON.stringify(payload),
      signal: signal,
    });
  }

  function getJson(route, params) {
    const headers = { Accept: "application/json" };
    if (config.nonce) headers["X-WP-Nonce"] = String(config.nonce);
    const query = Object.keys(params).map((k) => encodeURIComponent(k) + "=" + encodeURIComponent(params[k])).join("&");
    return fetch(REST_URL + route + (REST_URL.includes("?") ? "&" : "?") + query, { headers: headers, credentials: "same-origin", cache: "no-store" });
  }

  /** The stream token while it has a minute left, else "" (the turn goes through WordPress). */
  function streamToken() {
    if (state.directOff || !state.streamToken) return "";
    let exp = 0;
    try {
      const part = state.streamToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      exp = Number(JSON.parse(atob(part)).exp) * 1000;
    } catch (err) {
      return "";
    }
    return exp - Date.now() > 60000 ? state.streamToken : "";
  }

  /** The page's token (a signed-in shopper's), else the one kept for this tab and nonce. */
  function pageToken() {
    if (typeof DIRECT.token === "string" && DIRECT.token) return DIRECT.token;
    try {
      const kept = JSON.parse(session("get", TOKEN_KEY) || "null");
      if (kept && kept.nonce === String(config.nonce) && typeof kept.token === "string") return kept.token;
    } catch (err) {
      // Nothing kept, or not ours: the next answer through WordPress brings one.
    }
    return "";
  }

  /** A fresh token from an answer WordPress relayed. */
  function renewToken(response) {
    const token = response.headers.get("X-Fahad-Stream-Token");
    if (!token) return;
    state.streamToken = token;
    session("set", TOKEN_KEY, JSON.stringify({ nonce: String(config.nonce), token: token }));
  }

  function directStream(payload, token, signal) {
    const headers = { "Content-Type": "application/json", Accept: "text/event-stream", "X-Fahad-Token": token };
    if (config.nonce) headers["X-WP-Nonce"] = String(config.nonce);
    return fetch(DIRECT_URL + "stream", {
      method: "POST",
      mode: "cors",
      headers: headers,
      credentials: "omit", // the token and the nonce are the proof, never a cookie
      cache: "no-store",
      body: JSON.stringify(payload),
      signal: signal,
    });
  }

  /** Open a turn's stream: straight from the bridge while that works, else through WordPress. */
  async function openStream(payload, signal) {
    const token = streamToken();
    if (token) {
      const direct = new AbortController();
      const stop = () => direct.abort();
      signal.addEventListener("abort", stop);
      const timer = window.setTimeout(stop, DIRECT_TIMEOUT_MS);
      try {
        const response = await directStream(payload, token, direct.signal);
        // A refused token (expired, another page's...): WordPress still vouches for the shopper.
        if (response.status !== 403) {
          root.setAttribute("data-stream", "direct");
          return response;
        }
        const refusal = await readJson(response);
        state.streamToken = "";
        // Another origin (www or not, say) will be refused every time: WordPress from now on.
        if (refusal && refusal.code === "fahad_ai_origin_refused") state.directOff = true;
      } catch (err) {
        if (signal.aborted) throw err;
        state.directOff = true; // unreachable or not allowed from this origin: WordPress from now on
      } finally {
        window.clearTimeout(timer);
      }
    }
    const response = await request("stream", payload, signal, "text/event-stream");
    renewToken(response);
    root.setAttribute("data-stream", "wordpress");
    return response;
  }

  async function readJson(response) {
    let body = "";
    try {
      body = await response.text();
    } catch (err) {
      return null;
    }
    try {
      return JSON.parse(body);
    } catch (err) {
      return null;
    }
  }

  function retryAfterSeconds(header) {
    if (!header) return 0;
    if (/^\s*\d+\s*$/.test(header)) return parseInt(header, 10);
    const at = Date.parse(header);
    return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : 0;
  }

  /** A server message fit to show: no markup, no raw JSON, no traces; "" otherwise. */
  function cleanMessage(message) {
    const value = text(message).replace(/<[^>]*>/g, "").trim();
    if (!value || value.length > 300) return "";
    if (/^[{[]/.test(value) || /Traceback|Exception:|\bat [\w.$]+ \(/.test(value)) return "";
    return value;
  }

  /** The shopper-facing text for a refusal or failure. */
  function friendlyError(status, code, message, retryAfter) {
    if (status === 429 || code === "fahad_ai_rate_limited") {
      return TEXT.rateLimited + (retryAfter > 0 ? " " + TEXT.retryIn(retryAfter) : "");
    }
    if (code === "fahad_ai_daily_cap") return TEXT.dailyCap;
    if (code === "fahad_ai_disabled" || (status === 503 && !cleanMessage(message))) return TEXT.paused;
    if (code === "fahad_ai_invalid_nonce" || code === "rest_cookie_invalid_nonce" ||
        (status === 403 && /nonce/i.test(code))) {
      return TEXT.expired;
    }
    return cleanMessage(message) || TEXT.generic;
  }

  function responseError(response, body) {
    const code = body && typeof body.code === "string" ? body.code : "";
    const message = body && typeof body.message === "string" ? body.message : "";
    return {
      code: code,
      text: friendlyError(response.status, code, message, retryAfterSeconds(response.headers.get("Retry-After"))),
    };
  }

  // -- SSE parsing: blank-line separated frames of `event:` and `data:` lines --

  function createSseParser(onFrame) {
    let buffer = "";
    let eventType = "";
    let dataLines = [];

    function dispatch() {
      if (dataLines.length) {
        let data = null;
        try {
          data = JSON.parse(dataLines.join("\n"));
        } catch (err) {
          data = null; // a frame that is not JSON is ignored
        }
        if (data && typeof data === "object") onFrame(eventType || text(data.type), data);
      }
      eventType = "";
      dataLines = [];
    }

    function line(value) {
      if (value === "") return dispatch();
      if (value[0] === ":") return undefined; // a comment such as ": keep-alive"
      const colon = value.indexOf(":");
      const field = colon < 0 ? value : value.slice(0, colon);
      let content = colon < 0 ? "" : value.slice(colon + 1);
      if (content[0] === " ") content = content.slice(1);
      if (field === "event") eventType = content;
      else if (field === "data") dataLines.push(content);
      return undefined;
    }

    return {
      feed(chunk) {
        buffer += chunk;
        const breaks = /\r\n|\r|\n/g;
        let start = 0;
        let match;
        while ((match = breaks.exec(buffer))) {
          // A lone "\r" at the very end may be the first half of "\r\n": wait for more.
          if (match[0] === "\r" && breaks.lastIndex === buffer.length) break;
          line(buffer.slice(start, match.index));
          start = breaks.lastIndex;
        }
        buffer = buffer.slice(start);
      },
      end() {
        if (buffer) line(buffer);
        buffer = "";
        dispatch();
      },
    };
  }

  // -- the interface --

  const root = h("div", { id: "fahad-ai-root", class: "fahad-ai-root", "data-transport": "stream" });
  const launcher = h("button", {
    type: "button",
    id: "fahad-ai-launcher",
    class: "fahad-ai-launcher",
    "aria-expanded": "false",
    "aria-controls": "fahad-ai-panel",
    "aria-label": TEXT.launcher,
    title: TEXT.launcher,
  }, [icon(ICON.chat, "fahad-ai-icon-chat"), icon(ICON.close, "fahad-ai-icon-dismiss")]);

  const viewCartButton = h("button", {
    type: "button",
    id: "fahad-ai-view-cart",
    class: "fahad-ai-header-button",
    "aria-expanded": "false",
    "aria-controls": "fahad-ai-cart",
  }, [icon(ICON.cart), h("span", { text: TEXT.viewCart })]);
  const closeButton = h("button", {
    type: "button",
    id: "fahad-ai-close",
    class: "fahad-ai-header-button fahad-ai-icon-button",
    "aria-label": TEXT.close,
    title: TEXT.close,
  }, icon(ICON.close));
  const cartSection = h("section", {
    id: "fahad-ai-cart",
    class: "fahad-ai-cart",
    "aria-label": TEXT.cartTitle,
    hidden: true,
  });
  const log = h("div", {
    id: "fahad-ai-messages",
    class: "fahad-ai-messages",
    role: "log",
    "aria-live": "polite",
    "aria-label": TEXT.log,
    tabindex: "0",
  });
  const input = h("textarea", {
    id: "fahad-ai-input",
    class: "fahad-ai-input",
    rows: "1",
    placeholder: TEXT.placeholder,
    autocomplete: "off",
    enterkeyhint: "send",
  });
  const sendButton = h("button", {
    type: "submit",
    id: "fahad-ai-send",
    class: "fahad-ai-send",
    "aria-label": TEXT.send,
    title: TEXT.send,
  }, icon(ICON.send));
  const imageInput = h("input", {
    type: "file",
    id: "fahad-ai-image",
    class: "fahad-ai-file",
    accept: "image/jpeg,image/png,image/webp,image/gif",
    tabindex: "-1",
    "aria-hidden": "true",
  });
  const imageButton = h("button", {
    type: "button",
    id: "fahad-ai-image-button",
    class: "fahad-ai-image-button",
    "aria-label": TEXT.uploadImage,
    title: TEXT.uploadImage,
    hidden: config.visualSearch === false,
  }, icon(ICON.camera));
  const personButton = h("button", {
    type: "button",
    id: "fahad-ai-person",
    class: "fahad-ai-person",
  }, [icon(ICON.person), h("span", { text: TEXT.talkToPerson })]);
  // Privacy: the shopper erases their own conversation from the bridge (POST conversation/erase).
  const eraseButton = h("button", { type: "button", id: "fahad-ai-erase", class: "fahad-ai-person fahad-ai-erase",
    text: TEXT.erase });
  // Says that a person will answer, or is answering; hidden while the assistant has the chat.
  const handoffBar = h("p", { id: "fahad-ai-handoff", class: "fahad-ai-handoff", hidden: true });
  const composer = h("form", { class: "fahad-ai-composer", novalidate: true }, [
    h("label", { class: "fahad-ai-sr-only", for: "fahad-ai-input", text: TEXT.inputLabel }),
    imageButton,
    imageInput,
    input,
    sendButton,
  ]);
  const panel = h("section", {
    id: "fahad-ai-panel",
    class: "fahad-ai-panel",
    role: "dialog",
    "aria-label": NAME,
    hidden: true,
  }, [
    h("div", { class: "fahad-ai-header" }, [
      h("div", { class: "fahad-ai-title" }, [
        h("span", { class: "fahad-ai-avatar", "aria-hidden": "true" }, icon(ICON.chat)),
        h("h2", { class: "fahad-ai-name", text: NAME }),
      ]),
      h("div", { class: "fahad-ai-header-actions" }, [viewCartButton, closeButton]),
    ]),
    cartSection,
    log,
    handoffBar,
    composer,
    h("div", { class: "fahad-ai-footer" }, [
      h("p", { class: "fahad-ai-disclaimer", text: TEXT.disclaimer }),
      h("div", { class: "fahad-ai-footer-actions" }, [eraseButton, personButton]),
    ]),
  ]);
  // Announces whole messages and outcomes once; the log itself holds streaming text back.
  const live = h("div", {
    id: "fahad-ai-live",
    class: "fahad-ai-sr-only",
    role: "status",
    "aria-live": "polite",
    "aria-atomic": "true",
  });
  append(root, [panel, launcher, live]);

  function applyColor() {
    const wanted = text(config.color).trim();
    const color = wanted && window.CSS && CSS.supports && CSS.supports("color", wanted) ? wanted : DEFAULT_COLOR;
    root.style.setProperty("--fahad-ai-color", color);
    const probe = document.createElement("span");
    probe.style.color = color;
    root.appendChild(probe);
    const rgb = /rgba?\((\d+)[,\s]+(\d+)[,\s]+(\d+)/.exec(getComputedStyle(probe).color || "");
    probe.remove();
    if (!rgb) return;
    const channel = (v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    const lum = 0.2126 * channel(+rgb[1]) + 0.7152 * channel(+rgb[2]) + 0.0722 * channel(+rgb[3]);
    const onWhite = 1.05 / (lum + 0.05);
    const onDark = (lum + 0.05) / 0.0556; // against #111
    root.style.setProperty("--fahad-ai-on-color", onWhite >= onDark ? "#ffffff" : "#111111");
    // Links and prices on white need contrast too: a pale brand colour falls back to ink.
    root.style.setProperty("--fahad-ai-link", onWhite >= 4.5 ? color : "#1f2328");
  }

  let pinned = true; // follow new content unless the shopper scrolled up to read
  log.addEventListener("scroll", () => {
    pinned = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  });

  /** Follow new content to the end; with `start` (an answer), never past that answer's top,
   * so a long answer is read from its beginning, not from its last card. */
  function scrollToEnd(force, start) {
    if (!force && !pinned) return;
    let target = log.scrollHeight;
    if (start && start.isConnected) {
      const top = start.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop - 8;
      target = Math.min(target, Math.max(0, top));
    }
    log.scrollTop = target;
    pinned = true;
  }

  function announce(message) {
    live.textContent = "";
    // A fresh text node after a tick makes screen readers repeat an identical message.
    window.setTimeout(() => {
      live.textContent = message;
    }, 60);
  }

  function isOpen() {
    return !panel.hidden;
  }

  function openPanel() {
    if (!isOpen()) {
      panel.hidden = false;
      root.classList.add("fahad-ai-is-open");
      root.removeAttribute("data-unread");
      session("set", OPEN_KEY, "1");
      launcher.setAttribute("aria-expanded", "true");
      if (!state.greeted) {
        state.greeted = true;
        log.appendChild(h("div", { class: "fahad-ai-msg fahad-ai-msg-greeting" }, renderMarkdown(TEXT.greeting)));
      }
      if (PAGE_PRODUCT && !state.pageNoted) {
        state.pageNoted = true;
        log.appendChild(h("div", { class: "fahad-ai-msg fahad-ai-msg-greeting fahad-ai-msg-page",
          "data-product-id": String(PAGE_PRODUCT.id) }, renderMarkdown(TEXT.aboutProduct(PAGE_PRODUCT.name || TEXT.productFallback(PAGE_PRODUCT.id)))));
      }
      scrollToEnd(true);
    }
    input.focus();
  }

  function closePanel() {
    if (!isOpen()) return;
    panel.hidden = true;
    root.classList.remove("fahad-ai-is-open");
    session("remove", OPEN_KEY);
    launcher.setAttribute("aria-expanded", "false");
    // Drop the open hash so a link to it opens the panel again next time.
    if (window.location.hash === OPEN_HASH && window.history.replaceState) {
      window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
    }
    launcher.focus();
  }

  function autosize() {
    input.style.height = "auto";
    // scrollHeight leaves the borders out; border-box heights count them.
    const borders = input.offsetHeight - input.clientHeight;
    const wanted = input.scrollHeight + borders;
    input.style.height = Math.min(wanted, 120) + "px";
    input.style.overflowY = wanted > 120 ? "auto" : "hidden"; // a scrollbar only past the cap
  }

  function setBusy(busy) {
    state.busy = busy;
    sendButton.disabled = busy;
    imageButton.disabled = busy;
    personButton.disabled = busy;
    eraseButton.disabled = busy;
  }

  // -- cart --

  function cartItemCount(cart) {
    if (Number.isFinite(Number(cart.item_count))) return Number(cart.item_count);
    return cart.items.reduce((sum, item) => sum + (Number(item.quantity) || 0), 0);
  }

  function hideCart() {
    cartSection.hidden = true;
    viewCartButton.setAttribute("aria-expanded", "false");
    viewCartButton.focus();
  }

  function showCartContent(nodes) {
    cartSection.textContent = "";
    const head = h("div", { class: "fahad-ai-cart-head" }, [
      h("h3", { class: "fahad-ai-cart-title", text: TEXT.cartTitle }),
      h("button", {
        type: "button",
        class: "fahad-ai-icon-button fahad-ai-cart-close",
        "aria-label": TEXT.hideCart,
        title: TEXT.hideCart,
        onclick: hideCart,
      }, icon(ICON.close)),
    ]);
    append(cartSection, [head, nodes]);
    cartSection.hidden = false;
    viewCartButton.setAttribute("aria-expanded", "true");
    return head;
  }

  /** " (M / Black)" from a cart line's chosen options, "" when it has none. */
  function optionsLabel(attributes) {
    if (!attributes || typeof attributes !== "object") return "";
    const values = Object.keys(attributes).map((name) => text(attributes[name])).filter(Boolean);
    return values.length ? " (" + values.join(" / ") + ")" : "";
  }

  function renderCart(cart) {
    const currency = cart.currency;
    const count = cartItemCount(cart);
    const totals = cart.totals && typeof cart.totals === "object" ? cart.totals : {};
    const nodes = [];
    if (!cart.items.length) {
      nodes.push(h("p", { class: "fahad-ai-cart-empty", text: TEXT.cartEmpty }));
    } else {
      nodes.push(h("ul", { class: "fahad-ai-cart-items" }, cart.items.map((item) => h("li", {
        class: "fahad-ai-cart-item",
        "data-key": text(item.key),
      }, [
        h("span", { class: "fahad-ai-cart-item-name", text: text(item.name) + optionsLabel(item.attributes) }),
        h("span", { class: "fahad-ai-cart-item-qty", text: "× " + text(item.quantity) }),
        h("span", { class: "fahad-ai-cart-item-total", text: money(item.line_total, currency) }),
      ]))));
      const rows = [];
      const discount = Number(totals.discount);
      if (totals.subtotal != null && discount > 0) {
        rows.push([TEXT.subtotal, money(totals.subtotal, currency), ""]);
        rows.push([TEXT.discount, "−" + money(discount, currency), ""]);
      }
      rows.push([TEXT.total, money(totals.total != null ? totals.total : totals.subtotal, currency), " fahad-ai-cart-total"]);
      nodes.push(h("dl", { class: "fahad-ai-cart-totals" }, rows.map((row) => h("div", {
        class: "fahad-ai-cart-row" + row[2],
      }, [h("dt", { text: row[0] }), h("dd", { text: row[1] })]))));
      const checkout = safeUrl(cart.checkout_url) || safeUrl(config.checkoutUrl);
      if (checkout) nodes.push(h("a", { class: "fahad-ai-checkout", href: checkout, text: TEXT.checkout }));
    }
    const head = showCartContent(nodes);
    head.querySelector(".fahad-ai-cart-title").appendChild(
      h("span", { class: "fahad-ai-cart-count", text: " · " + TEXT.cartCount(count) }));
  }

  function isCart(data) {
    return data && typeof data === "object" && Array.isArray(data.items);
  }

  /** The item count beside "View cart", so an add shows without covering the conversation. */
  function showCartCount(cart) {
    const count = cartItemCount(cart);
    let badge = viewCartButton.querySelector(".fahad-ai-cart-badge");
    if (!badge) badge = viewCartButton.appendChild(h("span", { class: "fahad-ai-cart-badge" }));
    badge.textContent = count ? String(count) : "";
    badge.hidden = !count;
    viewCartButton.setAttribute("aria-label", TEXT.viewCart + (count ? ", " + TEXT.cartCount(count) : ""));
  }

  /** POST to `cart` and return the verified cart, rendered in the drawer when `show` or when
   * the drawer is open already; throws an Error with shopper text. */
  async function cartRequest(payload, show) {
    let response;
    try {
      response = await request("cart", payload);
    } catch (err) {
      throw new Error(TEXT.network);
    }
    renewToken(response);
    const body = await readJson(response);
    if (!response.ok) throw new Error(responseError(response, body).text);
    if (!isCart(body)) throw new Error(TEXT.generic);
    showCartCount(body);
    if (show !== false || !cartSection.hidden) renderCart(body);
    return body;
  }

  async function viewCart(quiet) {
    if (!quiet) {
      showCartContent(h("p", { class: "fahad-ai-cart-empty", text: TEXT.cartLoading }));
    }
    try {
      await cartRequest({ action: "view" });
    } catch (err) {
      if (!quiet) {
        showCartContent(h("p", { class: "fahad-ai-cart-error", role: "alert", text: err.message }));
      }
    }
  }

  // -- cards --

  function isCard(card) {
    return card && typeof card === "object" && (typeof card.id === "number" || typeof card.id === "string") &&
      typeof card.name === "string";
  }

  function fillPrice(el, price, regular, onSale, currency, prefix) {
    el.textContent = "";
    const now = money(price, currency);
    if (!now) return;
    if (prefix) el.appendChild(document.createTextNode(prefix + " "));
    if (onSale && regular != null && Number(regular) > Number(price)) {
      append(el, [
        h("span", { class: "fahad-ai-sr-only", text: TEXT.salePrice }),
        h("span", { class: "fahad-ai-price-now fahad-ai-price-sale", text: now }),
        " ",
        h("del", { class: "fahad-ai-price-was" }, [
          h("span", { class: "fahad-ai-sr-only", text: TEXT.regularPrice }),
          money(regular, currency),
        ]),
      ]);
    } else {
      el.appendChild(h("span", { class: "fahad-ai-price-now", text: now }));
    }
  }

  function fillStock(el, inStock, quantity) {
    let label = TEXT.inStock;
    let level = "in";
    const qty = quantity == null || quantity === "" ? null : Number(quantity);
    if (!inStock) {
      label = TEXT.outOfStock;
      level = "out";
    } else if (qty != null && Number.isFinite(qty) && qty > 0 && qty <= LOW_STOCK) {
      label = TEXT.onlyLeft(qty);
      level = "low";
    } else if (qty != null && Number.isFinite(qty) && qty <= 0) {
      label = TEXT.backorder;
    }
    el.textContent = label;
    el.setAttribute("data-stock", level);
  }

  function renderRating(card) {
    const rating = Number(card.rating);
    if (card.rating == null || !Number.isFinite(rating) || rating <= 0) return null;
    const count = Number(card.rating_count) || 0;
    const stars = Math.max(0, Math.min(5, Math.round(rating)));
    const shown = (Math.round(rating * 10) / 10).toString();
    return h("div", { class: "fahad-ai-card-rating", role: "img", "aria-label": TEXT.rated(shown, count) }, [
      h("span", { class: "fahad-ai-stars", "aria-hidden": "true", text: "★".repeat(stars) + "☆".repeat(5 - stars) }),
      h("span", { "aria-hidden": "true", text: " " + shown + (count ? " (" + count + ")" : "") }),
    ]);
  }

  /** Attribute names and values of a variable product's variations, in first-seen order. */
  function variationAttributes(variations) {
    const attributes = [];
    for (const variation of variations) {
      const attrs = variation && variation.attributes && typeof variation.attributes === "object" ? variation.attributes : {};
      for (const name of Object.keys(attrs)) {
        let entry = attributes.find((a) => a.name === name);
        if (!entry) attributes.push(entry = { name: name, values: [] });
        const value = text(attrs[name]);
        // An empty value is WooCommerce's "any": it matches every choice and adds no option.
        if (value && !entry.values.includes(value)) entry.values.push(value);
      }
    }
    return attributes.filter((a) => a.values.length);
  }

  function variationMatches(variation, attributes, selection) {
    const attrs = variation.attributes || {};
    return attributes.every((a) => {
      const chosen = selection[a.name];
      const value = text(attrs[a.name]);
      return !chosen || !value || value === chosen;
    });
  }

  function renderCard(card) {
    state.knownCards.set(String(card.id), card);
    const currency = text(card.currency) || "USD";
    const url = safeUrl(card.url);
    const image = safeUrl(card.image);
    const variations = Array.isArray(card.variations) ? card.variations.filter((v) => v && typeof v === "object") : [];
    const variable = card.type === "variable" && variations.length > 0;
    const browseOnly = card.type === "external" || card.type === "grouped";

    const placeholder = () => h("div", { class: "fahad-ai-card-image fahad-ai-card-placeholder", "aria-hidden": "true" }, icon(ICON.bag));
    let media = placeholder();
    if (image) {
      media = h("img", {
        class: "fahad-ai-card-image",
        src: image,
        alt: card.name,
        loading: "lazy",
        decoding: "async",
        width: "72",
        height: "72",
      });
      media.addEventListener("error", () => media.replaceWith(placeholder()), { once: true });
    }

    const name = url
      ? h("a", { class: "fahad-ai-card-name", href: url, target: "_blank", rel: "noopener noreferrer" }, [
        card.name,
        h("span", { class: "fahad-ai-sr-only", text: TEXT.newTab }),
      ])
      : h("span", { class: "fahad-ai-card-name", text: card.name });
    const price = h("div", { class: "fahad-ai-card-price" });
    const stock = h("div", { class: "fahad-ai-card-stock" });
    const note = h("p", { class: "fahad-ai-card-note", hidden: true });
    const body = h("div", { class: "fahad-ai-card-body" }, [name, price, stock, renderRating(card)]);
    const article = h("article", {
      class: "fahad-ai-card",
      "data-product-id": text(card.id),
      "data-type": text(card.type) || null,
      "aria-label": card.name,
    }, [media, body]);

    const showNote = (message, kind) => {
      note.textContent = message;
      note.setAttribute("data-kind", kind);
      note.hidden = !message;
    };

    if (browseOnly) {
      fillPrice(price, card.price, card.regular_price, card.on_sale, currency);
      fillStock(stock, card.in_stock, card.stock_quantity);
      if (url) {
        article.appendChild(h("div", { class: "fahad-ai-card-actions" },
          h("a", { class: "fahad-ai-view", href: url, target: "_blank", rel: "noopener noreferrer", text: TEXT.viewProduct })));
      }
      return h("li", { class: "fahad-ai-card-item" }, article);
    }

    const addButton = h("button", { type: "button", class: "fahad-ai-add", text: TEXT.addToCart });
    const actions = h("div", { class: "fahad-ai-card-actions" });
    let selectedVariation = null;
    let adding = false;
    let refresh;

    if (variable) {
      const attributes = variationAttributes(variations);
      const selects = [];
      const hint = h("p", { class: "fahad-ai-card-hint", id: nextId("hint") });
      const lowest = variations.map((v) => Number(v.price)).filter(Number.isFinite);
      const fromPrice = lowest.length ? Math.min.apply(null, lowest) : card.price;
      const group = h("div", { class: "fahad-ai-variations" });
      for (const attribute of attributes) {
        const id = nextId("variation");
        const select = h("select", { id: id, class: "fahad-ai-variation", "data-attribute": attribute.name }, [
          h("option", { value: "", text: TEXT.choose(attribute.name) }),
          attribute.values.map((value) => h("option", { value: value, text: value })),
        ]);
        select.addEventListener("change", () => refresh());
        selects.push({ attribute: attribute, select: select });
        group.appendChild(h("div", { class: "fahad-ai-variation-field" }, [
          h("label", { for: id, text: attribute.name }),
          select,
        ]));
      }
      article.appendChild(group);

      refresh = () => {
        const selection = {};
        for (const s of selects) selection[s.attribute.name] = s.select.value;
        // Label each option by what it would lead to, given the other choices.
        for (const s of selects) {
          for (const option of s.select.options) {
            if (!option.value) continue;
            const trial = Object.assign({}, selection, { [s.attribute.name]: option.value });
            const matching = variations.filter((v) => variationMatches(v, attributes, trial));
            const suffix = !matching.length ? TEXT.optionUnavailable
              : matching.some((v) => v.in_stock) ? "" : TEXT.optionOutOfStock;
            option.textContent = option.value + suffix;
            option.setAttribute("data-available", suffix ? "false" : "true");
          }
        }
        const missing = selects.filter((s) => !s.select.value).map((s) => s.attribute.name);
        selectedVariation = null;
        if (missing.length) {
          // On sale, "From" strikes through the regular price as the text's "(was ...)" does.
          fillPrice(price, fromPrice, card.regular_price, card.on_sale, currency, TEXT.from);
          fillStock(stock, card.in_stock || variations.some((v) => v.in_stock), card.stock_quantity);
          hint.textContent = TEXT.chooseAll(missing);
          hint.hidden = false;
          addButton.disabled = true;
          addButton.textContent = card.in_stock || variations.some((v) => v.in_stock) ? TEXT.addToCart : TEXT.outOfStock;
          addButton.setAttribute("aria-describedby", hint.id);
          return;
        }
        hint.hidden = true;
        addButton.removeAttribute("aria-describedby");
        const variation = variations.find((v) => variationMatches(v, attributes, selection));
        if (!variation) {
          fillPrice(price, fromPrice, card.regular_price, card.on_sale, currency, TEXT.from);
          stock.textContent = TEXT.unavailable;
          stock.setAttribute("data-stock", "out");
          addButton.disabled = true;
          addButton.textContent = TEXT.addToCart;
          return;
        }
        selectedVariation = variation;
        fillPrice(price, variation.price, variation.regular_price, variation.on_sale, currency);
        fillStock(stock, variation.in_stock, variation.stock_quantity);
        addButton.disabled = !variation.in_stock;
        addButton.textContent = variation.in_stock ? TEXT.addToCart : TEXT.outOfStock;
      };
      actions.appendChild(hint);
    } else {
      refresh = () => {
        fillPrice(price, card.price, card.regular_price, card.on_sale, currency);
        fillStock(stock, card.in_stock, card.stock_quantity);
        addButton.disabled = !card.in_stock;
        addButton.textContent = card.in_stock ? TEXT.addToCart : TEXT.outOfStock;
      };
    }

    addButton.addEventListener("click", async () => {
      if (adding || addButton.disabled) return;
      adding = true;
      const payload = { action: "add", product_id: card.id, quantity: 1 };
      if (selectedVariation && selectedVariation.id != null) payload.variation_id = selectedVariation.id;
      // aria-disabled rather than disabled keeps keyboard focus on the button meanwhile.
      addButton.setAttribute("aria-disabled", "true");
      addButton.textContent = TEXT.adding;
      showNote("", "");
      try {
        // The drawer stays as it was: the card says it was added, the header counts it.
        const cart = await cartRequest(payload, false);
        const totals = cart.totals || {};
        showNote(TEXT.added, "success");
        announce(TEXT.addedAnnounce(card.name, money(totals.total, cart.currency)));
      } catch (err) {
        showNote(err.message, "error");
        announce(err.message);
      } finally {
        adding = false;
        addButton.removeAttribute("aria-disabled");
        refresh();
      }
    });

    refresh();
    actions.appendChild(addButton);
    append(article, [actions, note]);
    return h("li", { class: "fahad-ai-card-item" }, article);
  }

  // -- a turn: one shopper message and the assistant's answer --

  function toolLabel(name) {
    const tool = name.toLowerCase();
    if (tool.includes("cart")) return /view|get|show|read/.test(tool) ? TEXT.toolCartView : TEXT.toolCart;
    if (tool.includes("search")) return TEXT.toolSearch;
    if (tool.includes("compar")) return TEXT.toolCompare;
    if (tool.includes("product") || tool.includes("detail")) return TEXT.toolProduct;
    return TEXT.toolOther;
  }

  function addUserMessage(message) {
    const bubble = h("div", { class: "fahad-ai-msg fahad-ai-msg-user" }, h("p", { class: "fahad-ai-md-p", text: message }));
    log.appendChild(bubble);
    scrollToEnd(true);
    return bubble;
  }

  class Turn {
    constructor(userText, userBubble, record) {
      this.userText = userText;
      this.record = record !== false; // a photo search stays out of the chat history
      this.userBubble = userBubble;
      this.text = "";
      this.ended = false;
      this.hasContent = false;
      this.cardCount = 0;
      this.cardIds = []; // this turn's cards in display order: the comparison's column order
      this.usedCartTool = false;
      this.bubble = h("div", {
        class: "fahad-ai-msg fahad-ai-msg-assistant",
        "data-state": "streaming",
        // Tokens stay out of the accessibility tree; the whole answer is announced on done.
        "aria-hidden": "true",
      }, h("span", { class: "fahad-ai-typing" }, [h("span"), h("span"), h("span")]));
      this.status = h("div", { class: "fahad-ai-tool-status", hidden: true }, [
        h("span", { class: "fahad-ai-spinner", "aria-hidden": "true" }),
        h("span", { class: "fahad-ai-tool-label" }),
      ]);
      this.container = h("div", { class: "fahad-ai-turn" }, [this.bubble, this.status]);
      log.appendChild(this.container);
      scrollToEnd(true);
    }

    layout() {
      this.bubble.hidden = !this.text && (!this.status.hidden || this.hasContent);
      scrollToEnd(false, this.container);
    }

    hideStatus() {
      this.status.hidden = true;
    }

    handleFrame(type, data) {
      if (this.ended) return;
      switch (type) {
        case "chunk":
          this.hideStatus();
          this.appendText(text(data.content));
          break;
        case "tool": {
          const name = text(data.name);
          if (name.toLowerCase().includes("cart")) this.usedCartTool = true;
          this.status.lastChild.textContent = toolLabel(name);
          this.status.hidden = false;
          this.container.appendChild(this.status); // the newest activity sits last
          this.layout();
          break;
        }
        case "products":
          this.hideStatus();
          this.addCards(data.products);
          this.addSearch(data.search);
          break;
        case "comparison":
          this.hideStatus();
          this.addComparison(data.rows);
          break;
        case "done":
          this.finish(data);
          break;
        case "error":
          this.fail(friendlyError(0, text(data.code), text(data.message), 0));
          break;
        default:
          break; // unknown frame types are for newer clients
      }
    }

    appendText(piece) {
      if (!piece) return;
      this.text += piece;
      this.bubble.textContent = "";
      this.bubble.appendChild(renderMarkdown(this.text));
      this.layout();
    }

    addCards(list) {
      const cards = Array.isArray(list) ? list.filter(isCard) : [];
      if (!cards.length) return;
      this.hasContent = true;
      this.cardCount += cards.length;
      this.currency = cards[0].currency;
      for (const c of cards) this.cardIds.push(String(c.id));
      this.container.insertBefore(h("ul", { class: "fahad-ai-cards" }, cards.map(renderCard)), this.status);
      this.layout();
    }

    // The search's refinement chips and its "more" button: each sends the token the bridge
    // signed for that search, so the next page leaves out what was shown.
    addSearch(search) {
      if (!search || typeof search !== "object") return;
      if (this.refineBar) this.refineBar.remove();
      const chips = [];
      const facets = Array.isArray(search.facets) ? search.facets : [];
      for (const facet of facets) {
        const values = facet && Array.isArray(facet.values) ? facet.values : [];
        for (const v of values) {
          if (!v || typeof v.page_token !== "string" || chips.length >= 8) continue;
          const label = facet.kind === "price" ? money(v.min, this.currency) + (v.max == null ? "+" : "–" + money(v.max, this.currency))
            : facet.kind === "attribute" ? text(facet.name) + ": " + text(v.value) : text(v.value);
          chips.push(h("button", { type: "button", class: "fahad-ai-chip", "data-facet": text(facet.kind),
            "data-min": facet.kind === "price" ? Number(v.min) : null, "data-max": facet.kind === "price" && v.max != null ? Number(v.max) : null,
            onclick: () => runTurn(label, { page_token: v.page_token }) }, label + " (" + Number(v.count) + ")"));
        }
      }
      if (typeof search.next_page_token === "string" && search.next_page_token) {
        chips.push(h("button", { type: "button", class: "fahad-ai-chip fahad-ai-more",
          onclick: () => runTurn(TEXT.moreMessage, { page_token: search.next_page_token }) }, TEXT.more));
      }
      if (!chips.length) return;
      this.refineBar = h("div", { class: "fahad-ai-refine", role: "group", "aria-label": TEXT.refine }, chips);
      this.container.insertBefore(this.refineBar, this.status);
      this.layout();
    }

    addComparison(list) {
      const rows = Array.isArray(list)
        ? list.filter((r) => r && typeof r === "object" && r.values && typeof r.values === "object") : [];
      if (!rows.length) return;
      const ids = [];
      for (const row of rows) for (const id of Object.keys(row.values)) if (!ids.includes(id)) ids.push(id);
      // JSON objects lose their key order in JavaScript (numeric keys sort ascending), so the
      // columns follow the cards, which come in the order the answer names them.
      const place = (id) => (this.cardIds.includes(id) ? this.cardIds.indexOf(id) : this.cardIds.length);
      ids.sort((a, b) => place(a) - place(b));
      const headerName = (id) => {
        const card = state.knownCards.get(id);
        return card ? card.name : TEXT.productFallback(id);
      };
      const table = h("table", { class: "fahad-ai-comparison" }, [
        h("caption", { text: TEXT.comparison }),
        h("thead", null, h("tr", null, [
          h("td", { class: "fahad-ai-comparison-corner" }),
          ids.map((id) => h("th", { scope: "col", "data-product-id": id, title: headerName(id) },
            h("span", { class: "fahad-ai-comparison-name", text: headerName(id) }))),
        ])),
        h("tbody", null, rows.map((row) => h("tr", null, [
          h("th", { scope: "row", text: text(row.label) }),
          ids.map((id) => h("td", { text: row.values[id] == null ? "—" : text(row.values[id]) })),
        ]))),
      ]);
      this.hasContent = true;
      this.container.insertBefore(h("div", {
        class: "fahad-ai-comparison-wrap",
        role: "region",
        "aria-label": TEXT.comparisonRegion,
        tabindex: "0",
      }, table), this.status);
      this.layout();
    }

    settleBubble(stateName) {
      this.ended = true;
      this.hideStatus();
      this.bubble.setAttribute("data-state", stateName);
      this.bubble.removeAttribute("aria-hidden");
      const typing = this.bubble.querySelector(".fahad-ai-typing");
      if (typing) typing.remove();
    }

    finish(data) {
      if (this.ended) return;
      this.settleBubble("done");
      data = data && typeof data === "object" ? data : {};
      if (typeof data.conversation_ref === "string" && data.conversation_ref) state.conversationRef = data.conversation_ref;
      const messageRef = typeof data.message_ref === "string" ? data.message_ref : null;
      if (typeof data.conversation_ref === "string" && data.conversation_ref) rememberRef(data.conversation_ref);
      if (data.degraded) this.bubble.setAttribute("data-degraded", "true");
      const handoff = data.handoff && typeof data.handoff === "object" ? data.handoff : null;
      if (handoff) setHandoff(text(handoff.status), text(handoff.ref), null);
      if (handoff && !this.text.trim() && !this.hasContent) {
        // A person has the conversation: the assistant stays silent and the person answers.
        this.container.remove();
        scrollToEnd(false);
        return;
      }
      if (!this.text.trim() && !this.hasContent) this.appendText(TEXT.emptyAnswer);
      else if (this.text.trim() && this.record) state.messages.push({ role: "assistant", content: this.text });
      this.layout();
      this.container.appendChild(this.renderFeedback(state.conversationRef, messageRef));
      const spoken = plain(this.text) + (this.cardCount ? " " + TEXT.products(this.cardCount) : "");
      announce(spoken.trim());
      if (this.usedCartTool) viewCart(true);
      scrollToEnd(false, this.container);
    }

    /** End the turn with an error; `rejected` means the server refused it before it began. */
    fail(message, rejected) {
      if (this.ended) return;
      this.settleBubble("error");
      if (!this.text) {
        this.bubble.textContent = message;
        this.bubble.classList.add("fahad-ai-msg-error");
        this.bubble.hidden = false;
        // Unanswered, the shopper's message leaves the history so the next turn stays valid.
        const last = state.messages[state.messages.length - 1];
        if (this.record && last && last.role === "user" && last.content === this.userText) state.messages.pop();
      } else {
        if (this.record) state.messages.push({ role: "assistant", content: this.text });
        this.container.insertBefore(h("div", { class: "fahad-ai-msg fahad-ai-msg-error", text: message }), this.status);
      }
      if (rejected) {
        this.userBubble.classList.add("fahad-ai-msg-failed");
        this.userBubble.appendChild(h("span", { class: "fahad-ai-msg-meta", text: TEXT.notSent }));
        if (!input.value) {
          input.value = this.userText;
          autosize();
        }
      }
      announce(message);
      scrollToEnd(false, this.container);
    }

    renderFeedback(conversationRef, messageRef) {
      const group = h("div", { class: "fahad-ai-feedback", role: "group", "aria-label": TEXT.feedbackGroup });
      const note = h("span", { class: "fahad-ai-feedback-note" });
      let voted = false;
      const buttons = [];
      const vote = async (rating, button) => {
        if (voted) return;
        voted = true;
        button.setAttribute("aria-pressed", "true");
        for (const b of buttons) b.setAttribute("aria-disabled", "true");
        note.textContent = TEXT.thanks;
        const payload = { rating: rating };
        if (conversationRef) payload.conversation_ref = conversationRef;
        if (messageRef) payload.message_ref = messageRef;
        let failure = "";
        try {
          const response = await request("feedback", payload);
          if (!response.ok) failure = responseError(response, await readJson(response)).text;
        } catch (err) {
          failure = TEXT.network;
        }
        if (failure) {
          // The vote did not count: let the shopper try again.
          voted = false;
          button.setAttribute("aria-pressed", "false");
          for (const b of buttons) b.removeAttribute("aria-disabled");
          note.textContent = failure;
          group.setAttribute("data-voted", "");
          announce(failure);
        } else {
          group.setAttribute("data-voted", rating);
          announce(TEXT.thanks);
        }
      };
      for (const [rating, label, cls] of [["up", TEXT.helpful, "fahad-ai-thumb-up"], ["down", TEXT.notHelpful, "fahad-ai-thumb-down"]]) {
        const button = h("button", {
          type: "button",
          class: "fahad-ai-thumb " + cls,
          "aria-pressed": "false",
          "aria-label": label,
          title: label,
        }, icon(ICON.thumb));
        button.addEventListener("click", () => vote(rating, button));
        buttons.push(button);
        group.appendChild(button);
      }
      group.appendChild(note);
      return group;
    }
  }

  // -- the conversation's ref, and a person from the store --

  const REF_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  function session(action, key, value) {
    try {
      if (action === "get") return window.sessionStorage.getItem(key);
      if (action === "set") window.sessionStorage.setItem(key, value);
      else window.sessionStorage.removeItem(key);
    } catch (err) {
      // Storage refused (private mode, sandbox): the conversation lasts as long as the page.
    }
    return null;
  }

  function rememberRef(ref) {
    state.conversationRef = ref;
    session("set", REF_KEY, ref);
  }

  /** The conversation's ref, chosen here (8-128 of [A-Za-z0-9_-]) before the first turn. */
  function ensureRef() {
    if (!state.conversationRef) {
      const bytes = new Uint8Array(24);
      window.crypto.getRandomValues(bytes);
      rememberRef("w" + Array.from(bytes, (b) => REF_CHARS[b & 63]).join(""));
    }
    return state.conversationRef;
  }

  function notice(message, error) {
    const node = h("div", { class: "fahad-ai-msg fahad-ai-msg-notice" + (error ? " fahad-ai-msg-error" : ""), text: message });
    log.appendChild(node);
    announce(message);
    scrollToEnd(true);
    return node;
  }

  function setHandoff(status, ref, author) {
    const withPerson = status === "escalated" || status === "person";
    const before = state.handoff;
    state.handoff = withPerson ? {
      status: status,
      ref: ref || (before && before.ref) || "",
      author: author || (before && before.author) || "",
    } : null;
    root.setAttribute("data-handoff", withPerson ? status : "");
    personButton.hidden = withPerson;
    handoffBar.hidden = !withPerson;
    if (withPerson) {
      handoffBar.textContent = status === "person" ? TEXT.handoffPerson(state.handoff.author) : TEXT.handoffWaiting(state.handoff.ref);
      schedulePoll();
    } else {
      window.clearTimeout(state.pollTimer);
      state.pollTimer = 0;
    }
  }

  /** A restored answer: its text and, drawn again from the catalogue, its cards. */
  function addAssistantText(content, cards) {
    const bubble = h("div", { class: "fahad-ai-msg fahad-ai-msg-assistant", "data-state": "done" }, renderMarkdown(content));
    const shown = Array.isArray(cards) ? cards.filter(isCard) : [];
    log.appendChild(h("div", { class: "fahad-ai-turn fahad-ai-restored" }, [
      bubble,
      shown.length ? h("ul", { class: "fahad-ai-cards" }, shown.map(renderCard)) : null,
    ]));
    return bubble;
  }

  function addPersonMessage(message) {
    const name = text(message.author).trim() || TEXT.person;
    log.appendChild(h("div", { class: "fahad-ai-msg fahad-ai-msg-person", "data-id": text(message.id) }, [
      h("span", { class: "fahad-ai-msg-author", text: name }),
      renderMarkdown(text(message.content)),
    ]));
    if (state.handoff) state.handoff.author = text(message.author).trim();
    if (!isOpen()) root.setAttribute("data-unread", "true");
    announce(name + ": " + plain(text(message.content)));
    scrollToEnd(true); // a person's reply is always brought into view
  }

  /** Read the bridge's side of this tab's conversation: on load (`restoring`: every message
   * into the log and the history) and while a person has it (only the person's replies). */
  async function readConversation(restoring) {
    const ref = state.conversationRef;
    if (!ref) return;
    let body = null;
    try {
      const response = await getJson("conversation", { ref: ref, after: state.lastId });
      if (response.status === 404 && restoring) {
        // Nothing under this ref (yet, or any longer): the next turn starts it afresh.
        return;
      }
      if (!response.ok) return;
      body = await readJson(response);
    } catch (err) {
      return; // offline for a moment: the next poll tries again
    }
    if (!body || !Array.isArray(body.messages) || ref !== state.conversationRef) return;
    if (restoring && body.messages.length && !state.greeted) {
      state.greeted = true;
      log.appendChild(h("div", { class: "fahad-ai-msg fahad-ai-msg-greeting" }, renderMarkdown(TEXT.greeting)));
    }
    let author = "";
    for (const message of body.messages) {
      const id = Number(message.id) || 0;
      state.lastId = Math.max(state.lastId, id);
      if (message.role === "person") author = text(message.author).trim() || author;
      if (state.shownIds.has(id)) continue;
      state.shownIds.add(id);
      const content = text(message.content);
      if (message.role === "person") addPersonMessage(message);
      else if (restoring && content && message.role === "user") {
        addUserMessage(content);
        state.messages.push({ role: "user", content: content });
      } else if (restoring && content && message.role === "assistant") {
        addAssistantText(content, message.cards);
        state.messages.push({ role: "assistant", content: content });
      }
    }
    const status = text(body.status);
    const had = state.handoff;
    if (!restoring && had && status !== "escalated" && status !== "person") {
      notice(status === "resolved" ? TEXT.handoffResolved : TEXT.handoffBack);
    }
    setHandoff(status, text(body.handoff_ref), author);
    if (restoring) scrollToEnd(true);
  }

  function schedulePoll() {
    if (state.pollTimer) return;
    state.pollTimer = window.setTimeout(async () => {
      if (!document.hidden) await readConversation(false);
      state.pollTimer = 0;
      if (state.handoff) schedulePoll();
    }, POLL_MS);
  }

  async function askForPerson() {
    if (state.busy || state.handoff) return;
    setBusy(true);
    const note = notice(TEXT.handoffAsking);
    try {
      let response;
      try {
        response = await request("handoff", { conversation_ref: ensureRef() });
      } catch (err) {
        note.textContent = TEXT.network;
        note.classList.add("fahad-ai-msg-error");
        return;
      }
      const body = await readJson(response);
      if (!response.ok || !body || typeof body !== "object") {
        note.textContent = responseError(response, body).text;
        note.classList.add("fahad-ai-msg-error");
        announce(note.textContent);
        return;
      }
      if (typeof body.conversation_ref === "string" && body.conversation_ref) rememberRef(body.conversation_ref);
      note.textContent = cleanMessage(body.message) || TEXT.handoffWaiting(text(body.handoff_ref));
      announce(note.textContent);
      setHandoff(text(body.status) || "escalated", text(body.handoff_ref), null);
    } finally {
      setBusy(false);
      if (isOpen()) input.focus();
    }
  }

  async function eraseConversation() {
    if (state.busy || !state.conversationRef || !window.confirm(TEXT.eraseConfirm)) return;
    setBusy(true);
    try {
      let response;
      try {
        response = await request("conversation/erase", { conversation_ref: state.conversationRef });
      } catch (err) {
        notice(TEXT.network, true);
        return;
      }
      if (!response.ok) {
        notice(responseError(response, await readJson(response)).text, true);
        return;
      }
      // Gone on the bridge: gone here too, and the next message starts a new conversation.
      setHandoff("", "", null);
      state.messages = [];
      state.conversationRef = null;
      state.lastId = 0;
      state.shownIds.clear();
      session("remove", REF_KEY);
      for (const node of Array.from(log.children)) {
        if (!node.classList.contains("fahad-ai-msg-greeting")) node.remove();
      }
      notice(TEXT.erased);
    } finally {
      setBusy(false);
    }
  }

  // -- transports --

  async function viaMessage(payload, turn) {
    const response = await request("message", payload);
    renewToken(response);
    const body = await readJson(response);
    if (!response.ok) return turn.fail(responseError(response, body).text, true);
    if (!body || typeof body !== "object") return turn.fail(TEXT.generic);
    turn.appendText(text(body.message));
    turn.addCards(body.cards);
    turn.addSearch(body.search);
    turn.addComparison(body.comparison);
    return turn.finish(body);
  }

  function useFallback(payload, turn) {
    state.useFallback = true;
    root.setAttribute("data-transport", "message");
    return viaMessage(payload, turn);
  }

  function cancelBody(response) {
    if (response.body && typeof response.body.cancel === "function") response.body.cancel().catch(() => {});
  }

  async function viaStream(payload, turn) {
    const controller = new AbortController();
    let timedOut = false;
    let received = false;
    const timer = window.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, FIRST_FRAME_TIMEOUT_MS);
    try {
      let response;
      try {
        response = await openStream(payload, controller.signal);
      } catch (err) {
        // Timed out, or the connection failed before any answer: try the JSON route once.
        return useFallback(payload, turn);
      }
      const type = (response.headers.get("Content-Type") || "").toLowerCase();
      const isSse = type.includes("text/event-stream");
      if (!response.ok && !isSse) {
        window.clearTimeout(timer);
        const error = responseError(response, await readJson(response));
        // A site whose plugin predates the stream route still has the JSON one.
        if (response.status === 404 && error.code === "rest_no_route") return useFallback(payload, turn);
        return turn.fail(error.text, true);
      }
      if (!isSse || !response.body || typeof response.body.getReader !== "function") {
        window.clearTimeout(timer);
        cancelBody(response);
        return useFallback(payload, turn);
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = createSseParser((frameType, data) => turn.handleFrame(frameType, data));
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          if (value && value.length && !received) {
            received = true; // bytes flow, so the host does not buffer
            window.clearTimeout(timer);
          }
          parser.feed(decoder.decode(value, { stream: true }));
          if (turn.ended) {
            reader.cancel().catch(() => {});
            break;
          }
        }
        if (!turn.ended) {
          parser.feed(decoder.decode());
          parser.end();
        }
      } catch (err) {
        // Nothing came through: a host (or proxy) that can't stream; the JSON route can.
        if (!received && !turn.ended) return useFallback(payload, turn);
        if (!turn.ended) turn.fail(TEXT.interrupted);
        return undefined;
      }
      if (!turn.ended) turn.fail(TEXT.interrupted);
      return undefined;
    } finally {
      window.clearTimeout(timer);
    }
  }

  async function runTurn(message, extra) {
    if (state.busy) return;
    setBusy(true);
    const userBubble = addUserMessage(message);
    state.messages.push({ role: "user", content: message });
    const payload = Object.assign({ messages: state.messages.slice(), conversation_ref: ensureRef() }, extra || {});
    // The first question on a product page is about that product ("is it in stock?").
    if (PAGE_PRODUCT && !state.pageAsked) {
      payload.context = { page: "product", product_ids: [PAGE_PRODUCT.id] };
      state.pageAsked = true;
    }
    const turn = new Turn(message, userBubble);
    try {
      if (state.useFallback) await viaMessage(payload, turn);
      else await viaStream(payload, turn);
    } catch (err) {
      turn.fail(TEXT.network, true);
    } finally {
      if (!turn.ended) turn.fail(TEXT.generic);
      setBusy(false);
      const active = document.activeElement;
      if (isOpen() && (!active || active === document.body || active === sendButton || active === input)) input.focus();
    }
  }

  // -- search by photo --

  function disableImageSearch() {
    imageButton.hidden = true;
    imageButton.setAttribute("aria-hidden", "true");
  }

  function addPhotoBubble(file) {
    const bubble = h("div", { class: "fahad-ai-msg fahad-ai-msg-user fahad-ai-msg-photo" });
    let preview = null;
    try {
      preview = URL.createObjectURL(file);
    } catch (err) {
      preview = null;
    }
    if (preview) {
      const img = h("img", { class: "fahad-ai-photo", src: preview, alt: TEXT.photo, width: "96", height: "96" });
      img.addEventListener("load", () => URL.revokeObjectURL(preview), { once: true });
      bubble.appendChild(img);
    } else {
      bubble.appendChild(h("p", { class: "fahad-ai-md-p", text: TEXT.photo }));
    }
    log.appendChild(bubble);
    scrollToEnd(true);
    return bubble;
  }

  async function runImageSearch(file) {
    if (state.busy || !file) return;
    setBusy(true);
    const turn = new Turn(TEXT.photo, addPhotoBubble(file), false);
    try {
      if (!IMAGE_TYPES.test(file.type)) return turn.fail(TEXT.imageType);
      if (file.size > MAX_IMAGE_BYTES) return turn.fail(TEXT.imageTooLarge);
      const form = new FormData();
      form.append("image", file, file.name || "photo");
      const headers = { Accept: "application/json" };
      if (config.nonce) headers["X-WP-Nonce"] = String(config.nonce);
      let response;
      try {
        response = await fetch(REST_URL + "visual-search", {
          method: "POST", headers: headers, credentials: "same-origin", cache: "no-store", body: form,
        });
      } catch (err) {
        return turn.fail(TEXT.network);
      }
      const body = await readJson(response);
      if (response.status === 404) {
        // This bridge has no photo search: say so once and put the button away.
        disableImageSearch();
        return turn.fail(TEXT.imageUnavailable);
      }
      if (response.status === 413) return turn.fail(TEXT.imageTooLarge);
      if (response.status === 415) return turn.fail(TEXT.imageType);
      if (!response.ok) return turn.fail(responseError(response, body).text);
      if (!body || typeof body !== "object") return turn.fail(TEXT.generic);
      if (body.available === false) {
        disableImageSearch();
        turn.appendText(cleanMessage(body.message) || TEXT.imageUnavailable);
        return turn.finish({});
      }
      const products = Array.isArray(body.products) ? body.products : [];
      turn.appendText(products.length ? TEXT.imageResults : TEXT.imageNone);
      turn.addCards(products);
      return turn.finish({});
    } finally {
      if (!turn.ended) turn.fail(TEXT.generic);
      setBusy(false);
      if (isOpen()) {
        if (imageButton.hidden) input.focus();
        else imageButton.focus();
      }
    }
  }

  function submit() {
    if (state.busy) return;
    const message = input.value.trim();
    if (!message) {
      input.focus();
      return;
    }
    input.value = "";
    autosize();
    runTurn(message);
  }

  // -- wiring --

  launcher.addEventListener("click", () => (isOpen() ? closePanel() : openPanel()));
  closeButton.addEventListener("click", closePanel);
  viewCartButton.addEventListener("click", () => viewCart(false));
  personButton.addEventListener("click", askForPerson);
  eraseButton.addEventListener("click", eraseConversation);
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener("input", autosize);
  imageButton.addEventListener("click", () => {
    if (!state.busy) imageInput.click();
  });
  imageInput.addEventListener("change", () => {
    const file = imageInput.files && imageInput.files[0];
    imageInput.value = "";
    if (file) runImageSearch(file);
  });
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen() && !event.defaultPrevented) {
      event.preventDefault();
      closePanel();
    }
  });
  window.addEventListener("hashchange", () => {
    if (window.location.hash === OPEN_HASH) openPanel();
  });

  function mount() {
    if (document.getElementById("fahad-ai-root")) return; // enqueued twice
    document.body.appendChild(root);
    applyColor();
    const stored = session("get", REF_KEY);
    if (stored) {
      state.conversationRef = stored;
      readConversation(true);
    }
    if (window.location.hash === OPEN_HASH || session("get", OPEN_KEY)) openPanel();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
