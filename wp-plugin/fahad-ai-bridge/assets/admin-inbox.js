/*
 * fahad-ai admin inbox: every conversation on every channel, filterable and paged; one
 * conversation turn by turn with what the assistant did; reply, take over, hand back,
 * resolve, erase. Reads and writes /admin/conversation* (the bridge's own database only,
 * never the store). Needs admin-kit.js.
 */
(function () {
  "use strict";

  var kit = window.fahadAiAdminKit;
  if (!kit || !kit.root) return;
  var el = kit.el, when = kit.when;
  var CHANNELS = ["storefront", "whatsapp"];
  var STATUSES = ["open", "escalated", "person", "resolved"];
  var INTENTS = ["product_search", "product_question", "compare", "cart", "order_status", "returns",
    "shipping", "complaint", "person", "small_talk"];
  var SENTIMENTS = ["positive", "neutral", "negative", "frustrated"];
  var STATUS_TEXT = { open: "assistant", escalated: "waiting for a person", person: "with a person", resolved: "resolved" };
  var ROLE_TEXT = { user: "Shopper", assistant: "Assistant", person: "Person" };
  var REFRESH_MS = 5000; // an open conversation is re-read this often, to see the shopper's new words
  var LIST_MS = 15000; // and the list, with the count of shoppers waiting for a person
  var AUTHOR_KEY = "fahadAiInboxAuthor";

  var filters = { page: 1, per_page: 20 };
  var list = el("ul", { class: "fahad-admin-list fahad-inbox-list", "aria-label": "Conversations" });
  var pager = el("div", { class: "fahad-admin-inline fahad-inbox-pager" });
  var detail = el("div", { class: "fahad-inbox-detail", "aria-live": "polite" });
  var current = null; // the open conversation's id
  var timer = null;
  var refreshing = 0;
  var listStatus = el("p", { class: "fahad-admin-muted", role: "status" });

  function label(value) { return value ? String(value).replace(/_/g, " ") : ""; }

  function choice(name, text, values) {
    var id = "fahad-inbox-" + name;
    return el("div", { class: "fahad-inbox-field" }, [
      el("label", { for: id, text: text }),
      el("select", { id: id, name: name }, [el("option", { value: "", text: "any" })].concat(values.map(function (v) {
        return el("option", { value: v, text: label(v) });
      }))),
    ]);
  }

  function field(name, text, type) {
    var id = "fahad-inbox-" + name;
    return el("div", { class: "fahad-inbox-field" }, [
      el("label", { for: id, text: text }), el("input", { id: id, name: name, type: type }),
    ]);
  }

  function filterForm() {
    var form = el("form", { class: "fahad-inbox-filters", role: "search", "aria-label": "Filter conversations" }, [
      field("q", "Words", "search"),
      choice("channel", "Channel", CHANNELS), choice("status", "Status", STATUSES),
      choice("intent", "Intent", INTENTS), choice("sentiment", "Sentiment", SENTIMENTS),
      field("since", "From", "date"), field("until", "To", "date"),
      el("button", { type: "submit", text: "Filter" }),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      filters = { page: 1, per_page: 20 };
      Array.prototype.forEach.call(form.elements, function (input) {
        if (input.name && input.value.trim()) filters[input.name] = input.value.trim();
      });
      // "To" is a whole day: up to its end.
      if (filters.until) filters.until = filters.until + "T23:59:59Z";
      loadList();
    });
    return form;
  }

  function pill(kind, text) {
    return text ? el("span", { class: "fahad-admin-pill fahad-inbox-" + kind, "data-value": text, text: label(text) }) : null;
  }

  function summaryItem(c) {
    var who = c.customer && (c.customer.name || c.customer.phone ||
      (c.customer.wp_user_id ? "user #" + c.customer.wp_user_id : ""));
    return el("li", { class: "fahad-inbox-item", "data-id": c.id, "data-status": c.status }, [
      el("button", { type: "button", class: "fahad-inbox-open", "aria-current": c.id === current ? "true" : null,
        onclick: function () { openConversation(c.id); } }, [
        el("span", { class: "fahad-inbox-line" }, [
          el("strong", { text: who || label(c.channel) + " shopper" }), " ",
          pill("status", STATUS_TEXT[c.status] || c.status), " ", pill("channel", c.channel),
          c.handoff_ref ? el("span", { class: "fahad-admin-muted", text: " " + c.handoff_ref }) : null,
        ]),
        el("span", { class: "fahad-inbox-preview", text: c.preview || "" }),
        el("span", { class: "fahad-admin-muted fahad-inbox-line" }, [
          when(c.updated_at) + " · " + c.message_count + " messages ",
          pill("intent", c.intent), " ", pill("sentiment", c.sentiment),
        ]),
      ]),
    ]);
  }

  function loadList(quiet) {
    if (!quiet) listStatus.textContent = "Loading conversations…";
    return kit.api("admin/conversations?" + kit.query(filters)).then(function (body) {
      list.replaceChildren.apply(list, body.conversations.map(summaryItem));
      listStatus.textContent = body.total ? body.total + (body.total === 1 ? " conversation" : " conversations") :
        "No conversation matches.";
      var prev = el("button", { type: "button", text: "Previous", disabled: body.page <= 1,
        onclick: function () { filters.page = body.page - 1; loadList(); } });
      var next = el("button", { type: "button", text: "Next", disabled: body.page >= body.total_pages,
        onclick: function () { filters.page = body.page + 1; loadList(); } });
      pager.replaceChildren(prev, el("span", { class: "fahad-inbox-page",
        text: "Page " + body.page + " of " + Math.max(body.total_pages, 1) }), next);
    }, function (error) { listStatus.textContent = error.message; });
  }

  // -- one conversation --

  function turnDetails(turn, products) {
    var rows = [
      ["Provider", turn.provider + (turn.models && turn.models.length ? " (" + turn.models.join(", ") + ")" : "") +
        (turn.degraded ? ", degraded" : "")],
      ["Tokens", turn.input_tokens + " in, " + turn.output_tokens + " out, " + turn.cached_tokens + " cached"],
      ["Cost", turn.cost_usd === null ? "unknown (no price for this model)" : kit.money(turn.cost_usd, "USD", 4)],
      ["Cart", turn.cart_changed ? "changed in this turn" : "not changed"],
    ];
    if (products && products.length) {
      rows.push(["Products shown", products.map(function (p) { return p.name + " (#" + p.id + ")"; }).join(", ")]);
    }
    var tools = (turn.tools || []).map(function (t) {
      return el("li", { class: t.ok === false ? "fahad-inbox-tool-failed" : null }, [
        el("code", { text: t.name }), " ", el("span", { class: "fahad-admin-muted", text: JSON.stringify(t.args || {}) }),
        t.ok === false ? " failed" : "",
      ]);
    });
    // A caught claim (api-15): what the model wrote, what the store says instead, what was done.
    var claims = (turn.claims || []).map(function (c) {
      if (typeof c === "string") return el("li", { text: c });
      return el("li", { text: (c.claim || "") + " → " + (c.fact || "withheld") +
        " (" + [c.action, c.kind].filter(Boolean).join(", ") + ")" });
    });
    return el("details", { class: "fahad-inbox-turn" }, [
      el("summary", { text: "What the assistant did" + (tools.length ? ": " + tools.length + " tool calls" : "") +
        (claims.length ? ", " + claims.length + " caught claims" : "") }),
      el("dl", {}, rows.map(function (r) { return el("div", {}, [el("dt", { text: r[0] }), el("dd", { text: r[1] })]); })),
      tools.length ? el("ul", { class: "fahad-inbox-tools", "aria-label": "Tool calls" }, tools) : null,
      claims.length ? el("h4", { text: "Claims caught before they reached the shopper" }) : null,
      claims.length ? el("ul", {}, claims) : null,
    ]);
  }

  function messageItem(m) {
    var who = ROLE_TEXT[m.role] || m.role;
    if (m.role === "person" && m.author) who += " (" + m.author + ")";
    return el("li", { class: "fahad-inbox-message", "data-role": m.role, "data-id": String(m.id) }, [
      el("div", { class: "fahad-inbox-line" }, [el("strong", { text: who }), " ",
        el("span", { class: "fahad-admin-muted", text: when(m.created_at) }), " ",
        pill("intent", m.intent), " ", pill("sentiment", m.sentiment)]),
      // The widget draws **bold**; here the words read plainly (text only, never markup).
      el("p", { class: "fahad-inbox-text", text: String(m.content || "").replace(/\*\*/g, "") }),
      m.turn ? turnDetails(m.turn, m.products) : null,
    ]);
  }

  function act(path, body, done) {
    return kit.post(path, body).then(function (answer) {
      kit.setState("ready", done);
      loadList();
      return showConversation(current).then(function () { return answer; });
    }, function (error) {
      kit.setState("error", error.message);
      throw error;
    });
  }

  function author() { return kit.config.userName || sessionStorage.getItem(AUTHOR_KEY) || ""; }

  function actions(c) {
    var id = c.id;
    var reply = el("textarea", { id: "fahad-inbox-reply", rows: "3", maxlength: "4000", required: "" });
    var name = el("input", { id: "fahad-inbox-author", type: "text", maxlength: "80", value: author() });
    var replyForm = el("form", { class: "fahad-inbox-reply", onsubmit: function (event) {
      event.preventDefault();
      var text = reply.value.trim();
      if (!text) return;
      if (!kit.config.userName) sessionStorage.setItem(AUTHOR_KEY, name.value.trim());
      var body = { id: id, text: text };
      if (name.value.trim()) body.author = name.value.trim();
      act("admin/conversation/reply", body, "Reply sent.").then(function (answer) {
        reply.value = "";
        var how = { poll: "The shopper sees it in the chat.", sent: "Sent on WhatsApp.",
          window_closed: "Stored, not sent: WhatsApp's 24-hour window is closed. Wait for the customer to write.",
          failed: "Stored, but sending failed." }[answer.delivery];
        kit.setState(answer.delivery === "failed" || answer.delivery === "window_closed" ? "error" : "ready",
          "Reply saved. " + (how || ""));
      });
    } }, [
      el("label", { for: "fahad-inbox-reply", text: "Reply to the shopper" }), reply,
      kit.config.userName ? null : el("label", { for: "fahad-inbox-author", text: "Your name (shown to the shopper)" }),
      kit.config.userName ? null : name,
      el("button", { type: "submit", text: c.status === "person" ? "Send reply" : "Take over and reply" }),
    ]);
    var summary = el("textarea", { id: "fahad-inbox-summary", rows: "2", maxlength: "2000", required: "" });
    var csat = el("select", { id: "fahad-inbox-csat" }, [el("option", { value: "", text: "not asked" })]
      .concat([5, 4, 3, 2, 1].map(function (n) { return el("option", { value: String(n), text: n + " of 5" }); })));
    var resolveForm = el("form", { class: "fahad-inbox-resolve", onsubmit: function (event) {
      event.preventDefault();
      var body = { id: id, summary: summary.value.trim() };
      if (!body.summary) return;
      if (csat.value) body.csat = Number(csat.value);
      act("admin/conversation/resolve", body, "Resolved.");
    } }, [
      el("label", { for: "fahad-inbox-summary", text: "Summary" }), summary,
      el("label", { for: "fahad-inbox-csat", text: "Shopper's rating (CSAT)" }), csat,
      el("button", { type: "submit", text: "Resolve" }),
    ]);
    var buttons = el("div", { class: "fahad-admin-inline" }, [
      c.status === "person" ? null : el("button", { type: "button", class: "fahad-inbox-take-over", text: "Take over",
        onclick: function () { act("admin/conversation/take-over", author() ? { id: id, author: author() } : { id: id }, "You have the conversation; the assistant is silent."); } }),
      c.status === "escalated" || c.status === "person" ? el("button", { type: "button", class: "fahad-inbox-hand-back",
        text: "Hand back to the assistant", onclick: function () { act("admin/conversation/hand-back", { id: id }, "Handed back to the assistant."); } }) : null,
      el("button", { type: "button", class: "fahad-inbox-erase fahad-admin-danger", text: "Erase (privacy)", onclick: function () {
        if (!window.confirm("Erase this conversation and all its messages? This can't be undone.")) return;
        kit.post("admin/conversation/erase", { id: id }).then(function () {
          current = null;
          detail.replaceChildren(el("p", { text: "Conversation erased." }));
          loadList();
        }, function (error) { kit.setState("error", error.message); });
      } }),
    ]);
    return [buttons, replyForm, c.status === "resolved" ? null : resolveForm];
  }

  function render(body) {
    var c = body.conversation;
    var facts = [
      ["Status", STATUS_TEXT[c.status] || c.status], ["Channel", c.channel], ["Reference", c.handoff_ref || "none"],
      ["Assignee", c.assignee || "nobody"], ["Started", when(c.created_at)], ["Last activity", when(c.updated_at)],
      ["Cost", body.totals.cost_usd === null ? "unknown" : kit.money(body.totals.cost_usd, "USD", 4)],
    ];
    if (c.summary) facts.push(["Summary", c.summary]);
    if (c.csat) facts.push(["CSAT", c.csat + " of 5"]);
    var messages = el("ol", { class: "fahad-inbox-messages", "aria-label": "Messages" }, body.messages.map(messageItem));
    detail.replaceChildren(
      el("h3", { id: "fahad-inbox-title", tabindex: "-1", text: "Conversation " + c.id }),
      el("dl", { class: "fahad-inbox-facts", "data-status": c.status }, facts.map(function (f) {
        return el("div", {}, [el("dt", { text: f[0] }), el("dd", { text: f[1] })]);
      })),
      messages,
      el("div", { class: "fahad-inbox-actions" }, actions(c)),
      kit.deliveryTable(body.deliveries || [], "Webhook deliveries of this conversation")
    );
  }

  function showConversation(id) {
    return kit.api("admin/conversation?id=" + encodeURIComponent(id)).then(function (body) {
      if (id !== current) return;
      var typing = detail.contains(document.activeElement) && /TEXTAREA|INPUT|SELECT/.test(document.activeElement.tagName);
      var seen = detail.querySelectorAll(".fahad-inbox-message").length;
      if (typing && seen === body.messages.length) return; // nothing new: leave the half-typed reply alone
      var kept = typing ? { id: document.activeElement.id, value: document.activeElement.value } : null;
      var opened = Array.prototype.map.call(detail.querySelectorAll("details[open]"), function (d) {
        return d.closest(".fahad-inbox-message").getAttribute("data-id");
      });
      render(body);
      opened.forEach(function (mid) {
        var d = detail.querySelector('.fahad-inbox-message[data-id="' + mid + '"] details');
        if (d) d.open = true;
      });
      if (kept && document.getElementById(kept.id)) {
        var again = document.getElementById(kept.id);
        again.value = kept.value;
        again.focus();
      }
    }, function (error) {
      if (id === current) detail.replaceChildren(el("p", { class: "fahad-admin-error", text: error.message }));
    });
  }

  function openConversation(id) {
    current = id;
    Array.prototype.forEach.call(list.querySelectorAll(".fahad-inbox-open"), function (b) {
      if (b.parentNode.getAttribute("data-id") === id) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    });
    detail.replaceChildren(el("p", { text: "Loading the conversation…" }));
    showConversation(id).then(function () {
      var title = document.getElementById("fahad-inbox-title");
      if (title) title.focus();
    });
    window.clearInterval(timer);
    timer = window.setInterval(function () {
      if (current && !document.hidden && kit.root.querySelector("#fahad-admin-panel-inbox:not([hidden])")) showConversation(current);
    }, REFRESH_MS);
  }

  /** "Inbox (2 waiting)": shoppers who asked for a person and have nobody yet. */
  function countWaiting() {
    return kit.api("admin/conversations?status=escalated&per_page=1").then(function (body) {
      inboxTab.button.textContent = body.total ? "Inbox (" + body.total + " waiting)" : "Inbox";
    }, function () { /* the list says what went wrong */ });
  }

  function refresh() {
    var busy = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest(".fahad-inbox-filters, .fahad-inbox-list");
    if (document.hidden || busy || !kit.root.querySelector("#fahad-admin-panel-inbox:not([hidden])")) return;
    loadList(true);
    countWaiting();
  }

  var inboxTab = kit.addTab("inbox", "Inbox", function (panel) {
    panel.appendChild(el("div", { class: "fahad-inbox" }, [
      el("div", { class: "fahad-admin-card fahad-inbox-side" }, [el("h2", { text: "Conversations" }), filterForm(),
        listStatus, list, pager]),
      el("div", { class: "fahad-admin-card fahad-inbox-main" }, [detail]),
    ]));
    current = null;
    detail.replaceChildren(el("p", { class: "fahad-admin-muted", text: "Choose a conversation to read it turn by turn." }));
    loadList();
    countWaiting();
    if (!refreshing) refreshing = window.setInterval(refresh, LIST_MS);
  });
})();
