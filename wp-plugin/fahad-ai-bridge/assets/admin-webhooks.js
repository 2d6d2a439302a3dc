/*
 * fahad-ai admin "Webhooks" tab: the delivery log of the bridge's signed outbound webhooks
 * (/admin/webhook-deliveries), filterable by status and paged. Needs admin-kit.js.
 */
(function () {
  "use strict";

  var kit = window.fahadAiAdminKit;
  if (!kit || !kit.root) return;
  var el = kit.el;

    function deliveries(panel) {
    var out = el("div", {});
    var status = el("select", { id: "fahad-deliveries-status" }, ["", "pending", "delivered", "failed"].map(function (s) {
      return el("option", { value: s, text: s || "any status" });
    }));
    var page = 1;
    function load() {
      var params = { page: page, per_page: 50 };
      if (status.value) params.status = status.value;
      kit.api("admin/webhook-deliveries?" + kit.query(params)).then(function (body) {
        out.replaceChildren(kit.deliveryTable(body.deliveries, body.total + " deliveries, newest first"),
          el("div", { class: "fahad-admin-inline" }, [
            el("button", { type: "button", text: "Previous", disabled: page <= 1, onclick: function () { page -= 1; load(); } }),
            el("span", { text: "Page " + body.page + " of " + Math.max(body.total_pages || 1, 1) }),
            el("button", { type: "button", text: "Next", disabled: page >= (body.total_pages || 1), onclick: function () { page += 1; load(); } }),
          ]));
      }, function (error) { out.replaceChildren(el("p", { class: "fahad-admin-error", text: error.message })); });
    }
    status.addEventListener("change", function () { page = 1; load(); });
    panel.appendChild(el("div", { class: "fahad-admin-card" }, [
      el("h2", { text: "Webhook deliveries" }),
      el("p", { class: "fahad-admin-muted", text: "What the bridge told your endpoints, with retries." }),
      el("div", { class: "fahad-admin-inline" }, [el("label", { for: "fahad-deliveries-status", text: "Status" }), status]),
      out,
    ]));
    load();
  }

  kit.addTab("deliveries", "Webhooks", deliveries, 100); // after the other tabs
})();
