/*
 * fahad-ai admin "API keys" tab: a store manager's server-side keys for apps and headless
 * shops (/admin/api-keys): list, make one (the key is shown once, here only), revoke, and
 * link an app's user to a store customer. Needs admin-kit.js.
 */
(function () {
  "use strict";

  var kit = window.fahadAiAdminKit;
  if (!kit || !kit.root) return;
  var el = kit.el;

  function field(id, label, input) {
    input.id = id;
    return el("div", { class: "fahad-admin-inline" }, [el("label", { for: id, text: label }), input]);
  }

  function keysTab(panel) {
    var list = el("div", {});
    var made = el("div", { "aria-live": "polite" });
    var scopes = el("fieldset", {}, [el("legend", { text: "Scopes" })]);

    function load() {
      kit.api("admin/api-keys").then(function (body) {
        if (scopes.children.length === 1) {
          body.scopes.forEach(function (scope) {
            var box = el("input", { type: "checkbox", value: scope, id: "fahad-scope-" + scope.replace(":", "-"), checked: scope === "chat" });
            scopes.appendChild(el("label", { for: box.id }, [box, " " + scope]));
          });
        }
        if (!body.keys.length) { list.replaceChildren(el("p", { class: "fahad-admin-muted", text: "No API keys yet." })); return; }
        list.replaceChildren(el("table", {}, [
          el("caption", { text: body.keys.length + (body.keys.length === 1 ? " key" : " keys") + ", newest first" }),
          el("thead", {}, [el("tr", {}, ["Name", "Id", "Mode", "Key starts", "Scopes", "Limit", "Last used", "State", ""].map(function (h) {
            return el("th", { scope: "col", text: h });
          }))]),
          el("tbody", {}, body.keys.map(function (key) {
            var revoke = key.active ? el("button", { type: "button", text: "Revoke", onclick: function () {
              if (!window.confirm("Revoke " + key.name + "? Apps using it stop working at once.")) return;
              kit.post("admin/api-keys/revoke", { id: key.id }).then(load, function (error) { made.replaceChildren(el("p", { class: "fahad-admin-error", text: error.message })); });
            } }) : null;
            return el("tr", { "data-key": key.id }, [
              el("th", { scope: "row", text: key.name }), el("td", { text: key.id }), el("td", { text: key.mode }),
              el("td", { text: key.prefix + "…" }), el("td", { text: key.scopes.join(", ") }),
              el("td", { text: key.rate_limit + " per " + key.rate_window + " s" }),
              el("td", { text: key.last_used_at ? kit.when(key.last_used_at) : "never" }),
              el("td", { text: key.active ? "active" : "revoked" }), el("td", {}, [revoke]),
            ]);
          })),
        ]));
      }, function (error) { list.replaceChildren(el("p", { class: "fahad-admin-error", text: error.message })); });
    }

    var name = el("input", { type: "text", maxlength: "100", required: "" });
    var mode = el("select", {}, [el("option", { value: "live", text: "live" }), el("option", { value: "test", text: "test (never changes a live store's cart)" })]);
    var limit = el("input", { type: "number", min: "1", max: "100000", placeholder: "default" });
    var create = el("form", { class: "fahad-admin-card", onsubmit: function (event) {
      event.preventDefault();
      var chosen = Array.prototype.filter.call(scopes.querySelectorAll("input"), function (box) { return box.checked; })
        .map(function (box) { return box.value; });
      var body = { name: name.value, mode: mode.value, scopes: chosen };
      if (limit.value) body.rate_limit = Number(limit.value);
      kit.post("admin/api-keys", body).then(function (key) {
        var shown = el("input", { type: "text", readonly: "", value: key.key, size: "48", "aria-label": "The new key" });
        made.replaceChildren(el("div", { class: "fahad-admin-card" }, [
          el("p", { text: key.note }), shown,
        ]));
        shown.select();
        name.value = "";
        load();
      }, function (error) { made.replaceChildren(el("p", { class: "fahad-admin-error", text: error.message })); });
    } }, [
      el("h2", { text: "Make a key" }),
      el("p", { class: "fahad-admin-muted", text: "For your app's or headless shop's server only: the bridge refuses a key sent from a browser." }),
      field("fahad-key-name", "Name", name), field("fahad-key-mode", "Mode", mode), scopes,
      field("fahad-key-limit", "Requests per minute", limit),
      el("button", { type: "submit", text: "Make the key" }),
    ]);

    var keyId = el("input", { type: "text", required: "", placeholder: "ak_..." });
    var user = el("input", { type: "text", required: "", maxlength: "64" });
    var customer = el("input", { type: "number", min: "0", required: "" });
    var linked = el("p", { "aria-live": "polite" });
    var link = el("form", { class: "fahad-admin-card", onsubmit: function (event) {
      event.preventDefault();
      kit.post("admin/api-keys/customer", { key_id: keyId.value.trim(), app_user: user.value.trim(), customer_id: Number(customer.value) })
        .then(function (body) {
          linked.className = "fahad-admin-muted";
          linked.textContent = body.app_user + (body.customer_id ? " is customer " + body.customer_id : " is linked to no customer") + ".";
        }, function (error) { linked.className = "fahad-admin-error"; linked.textContent = error.message; });
    } }, [
      el("h2", { text: "Link an app user to a customer" }),
      el("p", { class: "fahad-admin-muted", text: "Their orders and saved addresses become readable with the key's orders:read scope (0 unlinks)." }),
      field("fahad-link-key", "Key id", keyId), field("fahad-link-user", "App user", user),
      field("fahad-link-customer", "Customer id", customer),
      el("button", { type: "submit", text: "Link" }), linked,
    ]);

    panel.appendChild(el("div", { class: "fahad-admin-card" }, [el("h2", { text: "API keys" }), list]));
    panel.appendChild(create);
    panel.appendChild(made);
    panel.appendChild(link);
    load();
  }

  kit.addTab("api-keys", "API keys", keysTab, 110); // after the webhooks
})();
