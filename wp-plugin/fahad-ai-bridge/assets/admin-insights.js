/*
 * fahad-ai admin insights: what shoppers ask and how the assistant does, from
 * /admin/inbox-insights: conversations, automation and escalation rates, intent and
 * sentiment per day, unanswered questions, chat to cart to checkout, cost, CSAT.
 * Each chart has a table of the same figures. Needs admin-kit.js.
 */
(function () {
  "use strict";

  var kit = window.fahadAiAdminKit;
  if (!kit || !kit.root) return;
  var el = kit.el, svg = kit.svg;
  var days = 30;
  var out = el("div", { class: "fahad-admin-sections" });
  var REASONS = { nothing_found: "nothing found", abstained: "the assistant didn't know", caught_claim: "a claim was caught" };

  function label(value) { return String(value).replace(/_/g, " "); }
  function percent(rate) { return rate === null || rate === undefined ? "no conversations" : Math.round(rate * 1000) / 10 + "%"; }

  function card(title, id, children, wide) {
    return el("section", { class: "fahad-admin-card" + (wide ? " fahad-admin-wide" : ""), "aria-labelledby": id },
      [el("h2", { id: id, text: title })].concat(children));
  }

  function figures(data) {
    var rows = [
      ["Conversations", String(data.conversations)],
      ["Handled without a person", percent(data.automation_rate) + " (" + data.automated + ")"],
      ["Asked for a person", percent(data.escalation_rate) + " (" + data.escalated + ")"],
      ["CSAT", data.csat.average === null ? "no ratings yet" : data.csat.average + " of 5 (" + data.csat.count + ")"],
      ["Model cost", kit.money(data.cost_total_usd, "USD", 2)],
    ];
    return el("dl", { class: "fahad-admin-figures", "data-figures": "inbox" }, rows.map(function (r) {
      return el("div", { class: "fahad-admin-figure" }, [el("dt", { text: r[0] }), el("dd", {}, [el("strong", { text: r[1] })])]);
    }));
  }

  /** Conversations per day (bars) and escalations (dots), on one count axis. */
  function daily(data) {
    var rows = data.daily || [];
    var width = 640, height = 200, left = 40, right = 12, bottom = 28, top = 12, plot = height - top - bottom;
    var scale = kit.ticks(Math.max.apply(null, rows.map(function (d) { return d.conversations; }).concat([0])), 4, true);
    var max = scale[scale.length - 1];
    var step = (width - left - right) / Math.max(rows.length, 1);
    var graphic = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", class: "fahad-admin-chart",
      "aria-label": "Conversations per day, and how many asked for a person; the table below has every figure." });
    scale.forEach(function (v) {
      var y = top + plot * (1 - v / max);
      graphic.appendChild(svg("line", { x1: left, x2: width - right, y1: y, y2: y, class: "fahad-admin-grid" }));
      graphic.appendChild(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "fahad-admin-axis", text: String(v) }));
    });
    rows.forEach(function (d, i) {
      var x = left + i * step, h = plot * d.conversations / max;
      graphic.appendChild(svg("rect", { x: x + step * 0.15, y: top + plot - h, width: step * 0.7, height: h, class: "fahad-admin-bar" }));
      graphic.appendChild(svg("circle", { cx: x + step / 2, cy: top + plot * (1 - d.escalated / max), r: 3.5, class: "fahad-admin-dot" }));
      if (rows.length <= 16 || i % Math.ceil(rows.length / 12) === 0) {
        graphic.appendChild(svg("text", { x: x + step / 2, y: height - 8, "text-anchor": "middle", class: "fahad-admin-axis", text: d.date.slice(5) }));
      }
    });
    var intents = Object.keys(data.intents || {});
    return [
      el("p", { class: "fahad-admin-legend" }, [el("span", { class: "fahad-admin-key-bar" }), "Conversations ",
        el("span", { class: "fahad-admin-key-dot" }), "Asked for a person"]),
      graphic,
      el("details", {}, [el("summary", { text: "Show the figures as a table" }), kit.table("Per day, with shopper messages by intent",
        ["Date", "Conversations", "Asked for a person"].concat(intents.map(label)),
        rows.map(function (d) {
          return [d.date, d.conversations, d.escalated].concat(intents.map(function (k) { return (d.intents || {})[k] || 0; }));
        }), [1, 2].concat(intents.map(function (k, i) { return i + 3; })))]),
    ];
  }

  /** Horizontal bars of a {name: count} mapping, largest first, with the counts written out. */
  function bars(caption, counts, kind) {
    var names = Object.keys(counts || {}).sort(function (a, b) { return counts[b] - counts[a]; });
    if (!names.length) return [el("p", { class: "fahad-admin-muted", text: "Nothing yet." })];
    var max = Math.max.apply(null, names.map(function (n) { return counts[n]; }).concat([1]));
    return [el("ul", { class: "fahad-admin-bars", "aria-label": caption, "data-bars": kind }, names.map(function (n) {
      return el("li", {}, [el("span", { class: "fahad-admin-bar-name", text: label(n) }),
        el("span", { class: "fahad-admin-bar-track", "aria-hidden": "true" }, [el("span", { class: "fahad-admin-bar-fill",
          style: "width:" + Math.round(100 * counts[n] / max) + "%" })]),
        el("span", { class: "num", text: String(counts[n]) })]);
    }))];
  }

  function unanswered(data) {
    if (!data.unanswered.length) return [el("p", { class: "fahad-admin-muted", text: "Every question found an answer." })];
    return [kit.table("Questions the assistant couldn't answer, newest first", ["Question", "Why", "When"],
      data.unanswered.map(function (u) { return [u.question, REASONS[u.reason] || label(u.reason), kit.when(u.at)]; }))];
  }

  function funnel(data) {
    var f = data.funnel || {};
    return bars("From chat to checkout", { chats: f.chats || 0, "cart additions": f.cart_adds || 0,
      "checkout link clicks": f.checkout_clicks || 0 }, "funnel");
  }

  function cost(data) {
    if (!data.cost.length) return [el("p", { class: "fahad-admin-muted", text: "No model calls in this window." })];
    return [kit.table("Model cost by day and model (US dollars)", ["Date", "Model", "Turns", "Cost"],
      data.cost.map(function (c) {
        return [c.date, c.model || "unknown", c.turns, c.cost_usd === null ? "unknown" : kit.money(c.cost_usd, "USD", 4)];
      }), [2, 3])];
  }

  function load() {
    kit.setState("loading", "Loading the assistant's insights…");
    kit.api("admin/inbox-insights?days=" + days).then(function (data) {
      out.replaceChildren(
        card("Conversations", "fahad-insights-figures", [figures(data)], true),
        card("Per day", "fahad-insights-daily", daily(data), true),
        card("What shoppers ask", "fahad-insights-intents", bars("Shopper messages by intent", data.intents, "intents")),
        card("How shoppers feel", "fahad-insights-sentiments", bars("Shopper messages by sentiment", data.sentiments, "sentiments")),
        card("Unanswered questions", "fahad-insights-unanswered", unanswered(data), true),
        card("Chat to cart to checkout", "fahad-insights-funnel", funnel(data)),
        card("What the assistant costs", "fahad-insights-cost", cost(data))
      );
      kit.setState("ready", "Insights for the last " + days + " days, read just now.");
    }, function (error) {
      if (error.status !== 403 || kit.config.auth === "nonce") kit.setState("error", error.message);
    });
  }

  kit.addTab("insights", "Insights", function (panel) {
    var select = el("select", { id: "fahad-insights-days" }, [7, 30, 90].map(function (d) {
      return el("option", { value: String(d), text: "Last " + d + " days", selected: d === days });
    }));
    select.addEventListener("change", function () { days = Number(select.value); load(); });
    panel.appendChild(el("div", { class: "fahad-admin-controls" }, [el("label", { for: "fahad-insights-days", text: "Window" }), select]));
    panel.appendChild(out);
    load();
  });
})();
