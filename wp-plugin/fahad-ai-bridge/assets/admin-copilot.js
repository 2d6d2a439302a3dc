/*
 * fahad-ai admin copilot, the "Store figures" tab: sales insights with a daily chart, sale
 * candidates, review drafts and a product lookup, all read from the bridge's /admin/* routes.
 * No build step; needs admin-kit.js (config, token, requests). Text from the store (names,
 * reviews) only ever goes in through textContent, so a review can't inject markup.
 */
(function () {
  "use strict";

  var kit = window.fahadAiAdminKit;
  if (!kit || !kit.root) return;
  var el = kit.el, svg = kit.svg, money = kit.money, api = kit.api, setState = kit.setState;
  var state = { days: 7 };

  function change(value) {
    if (value === null || value === undefined) return "no earlier figure";
    return (value > 0 ? "+" : "") + value + "% on the previous " + state.days + " days";
  }

  // -- the tab: window picker, sections --

  var sections = el("div", { class: "fahad-admin-sections fahad-admin-store" });

  function buildControls() {
    var select = el("select", { id: "fahad-admin-days", onchange: function () {
      state.days = Number(select.value);
      load();
    } }, [7, 30, 90].map(function (days) {
      return el("option", { value: String(days), text: "Last " + days + " days" });
    }));
    return el("div", { class: "fahad-admin-controls" }, [
      el("label", { for: "fahad-admin-days", text: "Window" }), select,
    ]);
  }

  function section(title, id, children) {
    return el("section", { class: "fahad-admin-card", "aria-labelledby": id }, [
      el("h2", { id: id, text: title }),
    ].concat(children));
  }

  // -- sections --

  function figures(data) {
    var change_ = data.change_percent || {};
    var rows = [
      ["Orders", String(data.orders), change_.orders],
      ["Gross revenue", money(data.gross_revenue, data.currency), change_.gross_revenue],
      ["Refunds", money(data.refund_total, data.currency) + " (" + data.refund_count + ")", change_.refund_total],
      ["Net revenue", money(data.net_revenue, data.currency), change_.net_revenue],
      ["Average order", money(data.average_order_value, data.currency), change_.average_order_value],
    ];
    return el("dl", { class: "fahad-admin-figures", "data-figures": "sales" }, rows.map(function (row) {
      return el("div", { class: "fahad-admin-figure" }, [
        el("dt", { text: row[0] }),
        el("dd", {}, [el("strong", { text: row[1] }),
          el("span", { class: "fahad-admin-muted", text: change(row[2]) })]),
      ]);
    }));
  }

  function chart(data) {
    var days = data.daily || [];
    var width = 640, height = 220, left = 64, right = 40, bottom = 28, top = 12;
    // Revenue on the left axis in the store's currency; cart additions (a count) on their own
    // right axis, so neither is read against the other's scale.
    var revenueTicks = kit.ticks(Math.max.apply(null, days.map(function (d) { return Number(d.gross_revenue) || 0; }).concat([0])));
    var cartTicks = kit.ticks(Math.max.apply(null, days.map(function (d) { return d.chat_cart_actions; }).concat([0])), 4, true);
    var maxRevenue = revenueTicks[revenueTicks.length - 1], maxCarts = cartTicks[cartTicks.length - 1];
    var whole = revenueTicks.every(function (t) { return t === Math.round(t); });
    var step = (width - left - right) / Math.max(days.length, 1);
    var plot = height - bottom - top;
    var graphic = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
      "aria-labelledby": "fahad-admin-chart-title fahad-admin-chart-desc", class: "fahad-admin-chart" });
    graphic.appendChild(svg("title", { id: "fahad-admin-chart-title", text: "Daily revenue and chat-driven carts" }));
    graphic.appendChild(svg("desc", { id: "fahad-admin-chart-desc",
      text: "Bars: gross revenue per day, left axis in " + (data.currency || "USD") + ", up to " +
        money(maxRevenue, data.currency) + ". Dots: cart additions made from chat, right axis, up to " + maxCarts +
        ". The table below has every figure." }));
    revenueTicks.forEach(function (value) {
      var y = top + plot * (1 - value / maxRevenue);
      graphic.appendChild(svg("line", { x1: left, x2: width - right, y1: y, y2: y, class: "fahad-admin-grid" }));
      graphic.appendChild(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "fahad-admin-axis fahad-admin-axis-revenue",
        text: money(value, data.currency, whole ? 0 : 2) }));
    });
    cartTicks.forEach(function (value) {
      var y = top + plot * (1 - value / maxCarts);
      graphic.appendChild(svg("text", { x: width - right + 6, y: y + 4, "text-anchor": "start",
        class: "fahad-admin-axis fahad-admin-axis-carts", text: String(value) }));
    });
    var points = [];
    days.forEach(function (day, i) {
      var x = left + i * step;
      var barHeight = plot * (Number(day.gross_revenue) || 0) / maxRevenue;
      graphic.appendChild(svg("rect", { x: x + step * 0.15, y: top + plot - barHeight, width: step * 0.7,
        height: Math.max(barHeight, 0), class: "fahad-admin-bar" }));
      var cy = top + plot * (1 - day.chat_cart_actions / maxCarts);
      points.push((x + step / 2) + "," + cy);
      graphic.appendChild(svg("circle", { cx: x + step / 2, cy: cy, r: 4, class: "fahad-admin-dot" }));
      if (days.length <= 16 || i % Math.ceil(days.length / 12) === 0) {
        graphic.appendChild(svg("text", { x: x + step / 2, y: height - 8, "text-anchor": "middle",
          class: "fahad-admin-axis", text: day.date.slice(5) }));
      }
    });
    if (points.length > 1) {
      graphic.insertBefore(svg("polyline", { points: points.join(" "), class: "fahad-admin-line" }),
        graphic.querySelector("circle"));
    }
    var table = el("table", {}, [
      el("caption", { text: "Daily figures" }),
      el("thead", {}, [el("tr", {}, ["Date", "Orders", "Gross revenue", "Chat carts"].map(function (h) {
        return el("th", { scope: "col", text: h });
      }))]),
      el("tbody", {}, days.map(function (day) {
        return el("tr", {}, [el("th", { scope: "row", text: day.date }), el("td", { class: "num", text: String(day.orders) }),
          el("td", { class: "num", text: money(day.gross_revenue, data.currency) }),
          el("td", { class: "num", text: String(day.chat_cart_actions) })]);
      })),
    ]);
    return [
      el("p", { class: "fahad-admin-legend" }, [el("span", { class: "fahad-admin-key-bar" }), "Gross revenue (left axis, " + (data.currency || "USD") + ") ",
        el("span", { class: "fahad-admin-key-dot" }), "Cart additions from chat (right axis, count)"]),
      graphic,
      el("details", {}, [el("summary", { text: "Show the figures as a table" }), table]),
    ];
  }

  function topProducts(data) {
    if (!data.top_products.length) return [el("p", { class: "fahad-admin-muted", text: "No sales in this window." })];
    return [el("table", {}, [
      el("caption", { class: "fahad-admin-sr", text: "Top products by revenue" }),
      el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: "Product" }),
        el("th", { scope: "col", class: "num", text: "Units" }), el("th", { scope: "col", class: "num", text: "Revenue" })])]),
      el("tbody", {}, data.top_products.map(function (p) {
        return el("tr", {}, [el("th", { scope: "row" }, [productLink(p.product_id, p.name)]),
          el("td", { class: "num", text: String(p.units) }), el("td", { class: "num", text: money(p.revenue, data.currency) })]);
      })),
    ])];
  }

  function assistant(data) {
    var a = data.assistant;
    var channels = Object.keys(a.conversations_by_channel).map(function (c) {
      return c + " " + a.conversations_by_channel[c];
    }).join(", ");
    return [el("dl", { class: "fahad-admin-figures", "data-figures": "assistant" }, [
      ["Conversations", a.conversations + (channels ? " (" + channels + ")" : ""), a.previous.conversations],
      ["Cart additions from chat", a.chat_cart_actions, a.previous.chat_cart_actions],
      ["Feedback", a.feedback_up + " up, " + a.feedback_down + " down",
        a.previous.feedback_up + " up, " + a.previous.feedback_down + " down"],
    ].map(function (row) {
      return el("div", { class: "fahad-admin-figure" }, [el("dt", { text: row[0] }), el("dd", {}, [
        el("strong", { text: String(row[1]) }),
        el("span", { class: "fahad-admin-muted", text: "previous " + state.days + " days: " + row[2] })])]);
    }))];
  }

  function candidates(data) {
    if (!data.candidates.length) return [el("p", { class: "fahad-admin-muted", text: "Nothing stands out as slow-selling." })];
    return [el("ul", { class: "fahad-admin-list" }, data.candidates.map(function (c) {
      var e = c.evidence;
      return el("li", { class: "fahad-admin-candidate" }, [
        el("h3", {}, [productLink(c.product_id, c.name), " ",
          el("span", { class: "fahad-admin-pill", text: "suggest " + c.suggested_discount_percent + "% off" })]),
        el("p", { class: "fahad-admin-muted", text: money(c.price, data.currency) + " · " + e.stock_on_hand +
          " in stock · " + e.units_sold + " sold in " + data.window_days + " days · last sale " +
          (e.days_since_last_sale === null ? "unknown" : e.days_since_last_sale + " days ago") + " · rating " +
          (e.rating === null ? "none yet" : e.rating + " (" + e.rating_count + ")") }),
        el("ul", {}, c.reasons.map(function (r) { return el("li", { text: r }); })),
      ]);
    }))];
  }

  function drafts(data) {
    if (!data.reviews.length) return [el("p", { class: "fahad-admin-muted", text: "No unanswered reviews." })];
    return [el("ul", { class: "fahad-admin-list" }, data.reviews.map(function (r) {
      var id = "fahad-admin-draft-" + r.review_id;
      var area = el("textarea", { id: id, rows: "4" });
      area.value = r.draft;
      return el("li", { class: "fahad-admin-review" }, [
        el("h3", { text: r.reviewer + " on " + r.product_name + ", " + r.rating + " of 5" }),
        el("blockquote", { text: r.text }),
        el("label", { for: id, text: "Draft reply (" + (r.drafted_by === "template" ? "template" : "by " + r.drafted_by) +
          "); edit it, then post it in your store" }),
        area,
        el("button", { type: "button", onclick: function () {
          (navigator.clipboard ? navigator.clipboard.writeText(area.value) : Promise.reject())
            .then(function () { setState("ready", "Draft copied."); },
              function () { area.select(); setState("ready", "Press Ctrl+C to copy the selected draft."); });
        }, text: "Copy draft" }),
      ]);
    }))];
  }

  function productLink(id, name) {
    return el("button", { type: "button", class: "fahad-admin-link", onclick: function () { lookup(id); }, text: name });
  }

  var productOut = el("div", { class: "fahad-admin-product", "aria-live": "polite" });

  function productForm() {
    var input = el("input", { id: "fahad-admin-product-id", type: "number", min: "1", required: "", inputmode: "numeric" });
    return el("form", { class: "fahad-admin-inline", onsubmit: function (event) {
      event.preventDefault();
      lookup(input.value);
    } }, [el("label", { for: "fahad-admin-product-id", text: "Product id" }), input,
      el("button", { type: "submit", text: "Look up" })]);
  }

  function lookup(id) {
    productOut.textContent = "Loading product " + id + "…";
    api("admin/product-context?id=" + encodeURIComponent(id)).then(function (p) {
      var attrs = Object.keys(p.attributes).map(function (k) { return k + ": " + p.attributes[k].join(", "); });
      var sales = Object.keys(p.sales).map(function (k) {
        return k.replace(/_/g, " ") + ": " + p.sales[k].units + " sold, " + money(p.sales[k].revenue, p.currency);
      });
      productOut.replaceChildren.apply(productOut, [
        el("h3", { text: p.name + " (#" + p.product_id + ")" }),
        el("p", { text: money(p.price, p.currency) + (p.on_sale ? " on sale, regular " + money(p.regular_price, p.currency) : "") +
          " · " + (p.stock_on_hand === null ? "stock not tracked" : p.stock_on_hand + " in stock") +
          " · " + (p.rating === null ? "no rating yet" : "rated " + p.rating + " of 5 (" + p.rating_count + ")") +
          " · price history " + (p.price_history === null ? "unknown" : "below") }),
        el("ul", {}, attrs.concat(sales).map(function (t) { return el("li", { text: t }); })),
        p.shopper_questions.length ? el("h4", { text: "What shoppers asked the assistant" }) : null,
        p.shopper_questions.length ? el("ul", {}, p.shopper_questions.map(function (q) {
          return el("li", { text: q.question });
        })) : null,
      ].filter(Boolean));
      productOut.querySelector("h3").setAttribute("tabindex", "-1");
      productOut.querySelector("h3").focus();
    }, function (error) {
      productOut.textContent = error.message;
    });
  }

  // -- loading --

  function load() {
    setState("loading", "Loading your store's figures…");
    Promise.all([
      api("admin/insights?days=" + state.days),
      api("admin/sale-candidates?days=" + Math.max(state.days, 30) + "&limit=5"),
      api("admin/review-drafts?limit=5"),
    ]).then(function (answers) {
      var insights = answers[0];
      sections.replaceChildren(
        section("Sales", "fahad-admin-sales", [figures(insights)]),
        section("Daily revenue and chat carts", "fahad-admin-daily", chart(insights)),
        section("Top products", "fahad-admin-top", topProducts(insights)),
        section("The assistant", "fahad-admin-assistant", assistant(insights)),
        section("Worth discounting", "fahad-admin-candidates", candidates(answers[1])),
        section("Reviews waiting for a reply", "fahad-admin-reviews", drafts(answers[2])),
        section("Product lookup", "fahad-admin-lookup", [productForm(), productOut])
      );
      setState("ready", "Figures for the last " + state.days + " days, read just now.");
    }, function (error) {
      if (error.status === 403 && kit.config.auth !== "nonce") return; // the kit asks for the token again
      setState("error", error.message);
    });
  }

  kit.addTab("store", "Store figures", function (panel) {
    panel.appendChild(buildControls());
    panel.appendChild(sections);
    load();
  });
})();
