/*
 * fahad-ai admin page kit: what the copilot's tabs share (no build step). Loaded first; the
 * tab scripts (admin-inbox.js, admin-insights.js, admin-copilot.js) each call addTab().
 *
 * Config (window.fahadAiAdmin): restUrl (ends with fahad-ai/v1/), auth ("token" standalone,
 * "nonce" in wp-admin), nonce (wp-admin), userName (wp-admin). Store and shopper text only
 * ever goes in through textContent, so a message or a review can't inject markup.
 */
window.fahadAiAdminKit = (function () {
  "use strict";

  var config = window.fahadAiAdmin || {};
  var root = document.getElementById("fahad-ai-admin");
  var TOKEN_KEY = "fahadAiAdminToken";
  var token = sessionStorage.getItem(TOKEN_KEY) || "";
  var tabs = [];
  var started = false;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child != null) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    return node;
  }

  function money(amount, currency, digits) {
    if (amount === null || amount === undefined) return "unknown";
    var options = { style: "currency", currency: currency || "USD" };
    if (digits !== undefined) { options.minimumFractionDigits = digits; options.maximumFractionDigits = digits; }
    try {
      return new Intl.NumberFormat(undefined, options).format(Number(amount));
    } catch (e) {
      return amount + " " + (currency || "");
    }
  }

  /** Axis ticks from 0 at a 1, 2 or 5 step: [0, step, ...] reaching at least max; whole
   * steps when `integer` (counts). */
  function ticks(max, count, integer) {
    max = Math.max(Number(max) || 0, 1);
    var raw = max / (count || 4);
    var magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (f) { return f * magnitude; })
      .filter(function (s) { return s >= raw; })[0];
    if (integer && step < 1) step = 1;
    var out = [];
    for (var v = 0; v < max + step * 0.999; v += step) out.push(Math.round(v * 1e6) / 1e6);
    return out;
  }

  function when(iso) {
    if (!iso) return "";
    var date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  /** A query string from {name: value}. */
  function query(params) {
    return Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
  }

  /** A table: the first cell of each row is its header; `numeric` lists right-aligned columns. */
  function table(caption, head, rows, numeric) {
    var nums = numeric || [];
    return el("table", {}, [
      el("caption", { text: caption }),
      el("thead", {}, [el("tr", {}, head.map(function (h, i) {
        return el("th", { scope: "col", class: nums.indexOf(i) >= 0 ? "num" : null, text: h });
      }))]),
      el("tbody", {}, rows.map(function (r) {
        return el("tr", {}, r.map(function (cell, i) {
          var text = cell === null || cell === undefined ? "" : String(cell);
          return i ? el("td", { class: nums.indexOf(i) >= 0 ? "num" : null, text: text })
            : el("th", { scope: "row", text: text });
        }));
      })),
    ]);
  }

  /** Webhook deliveries (the inbox's conversation and the Webhooks tab show them alike). */
  function deliveryTable(deliveries, caption) {
    if (!deliveries.length) return el("p", { class: "fahad-admin-muted", text: "No webhook deliveries." });
    var out = table(caption, ["Event", "Endpoint", "Status", "Attempts", "Answer", "Created", "Next or done"],
      deliveries.map(function (d) {
        return [d.event, d.endpoint, d.status, d.attempts, d.response_status ? d.response_status : (d.error || ""),
          when(d.created_at), when(d.delivered_at || d.next_attempt_at)];
      }), [3]);
    out.classList.add("fahad-inbox-deliveries");
    Array.prototype.forEach.call(out.tBodies[0].rows, function (row, i) { row.setAttribute("data-status", deliveries[i].status); });
    return out;
  }

  function request(method, path, body) {
    var headers = { Accept: "application/json" };
    if (config.auth === "nonce") headers["X-WP-Nonce"] = config.nonce;
    else headers.Authorization = "Bearer " + token;
    var init = { method: method, headers: headers, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(config.restUrl + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok) return answer;
        var error = new Error(answer.message || "The bridge answered " + response.status + ".");
        error.status = response.status;
        if (response.status === 403 && config.auth !== "nonce") lock("That token wasn't accepted. " + error.message);
        throw error;
      });
    });
  }

  function api(path) { return request("GET", path); }
  function post(path, body) { return request("POST", path, body); }

  // -- the frame: token form (standalone), tab bar, status line --

  var status = el("p", { class: "fahad-admin-status", role: "status", "aria-live": "polite" });
  var tabList = el("div", { class: "fahad-admin-tabs", role: "tablist", "aria-label": "Copilot" });
  var tokenForm = null;

  function setState(name, message) {
    if (!root) return;
    root.setAttribute("data-state", name);
    status.textContent = message || "";
    status.classList.toggle("fahad-admin-error", name === "error");
  }

  function lock(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    token = "";
    tabs.forEach(function (tab) { tab.loaded = false; tab.panel.hidden = true; });
    tabList.hidden = true;
    if (tokenForm) { tokenForm.hidden = false; tokenForm.querySelector("input").focus(); }
    setState("locked", message);
  }

  function buildTokenForm() {
    var input = el("input", { id: "fahad-admin-token", type: "password", autocomplete: "off",
      required: "", spellcheck: "false", "aria-describedby": "fahad-admin-token-help" });
    tokenForm = el("form", { class: "fahad-admin-card fahad-admin-token", onsubmit: function (event) {
      event.preventDefault();
      token = input.value.trim();
      sessionStorage.setItem(TOKEN_KEY, token);
      unlock();
    } }, [
      el("label", { for: "fahad-admin-token", text: "Admin token" }),
      el("p", { class: "fahad-admin-muted", id: "fahad-admin-token-help",
        text: "The bridge's FAHAD_ADMIN_TOKEN. It stays in this browser tab only." }),
      input,
      el("button", { type: "submit", text: "Open the copilot" }),
    ]);
    return tokenForm;
  }

  function select(tab, focus) {
    tabs.forEach(function (other) {
      var on = other === tab;
      other.button.setAttribute("aria-selected", on ? "true" : "false");
      other.button.tabIndex = on ? 0 : -1;
      other.panel.hidden = !on;
    });
    if (focus) tab.button.focus();
    if (!tab.loaded) {
      tab.loaded = true;
      tab.panel.replaceChildren(); // after a new token, the tab is built afresh
      tab.load(tab.panel);
    }
  }

  /** A tab: load(panel) fills its panel the first time it is shown (and after an unlock);
   * tabs stand in the order of `weight` (default: the order they are added, 10 apart). */
  function addTab(id, title, load, weight) {
    var button = el("button", { type: "button", role: "tab", id: "fahad-admin-tab-" + id,
      "aria-controls": "fahad-admin-panel-" + id, "aria-selected": "false", text: title });
    var panel = el("section", { id: "fahad-admin-panel-" + id, role: "tabpanel", class: "fahad-admin-panel",
      "aria-labelledby": button.id, hidden: true });
    var tab = { id: id, button: button, panel: panel, load: load, loaded: false,
      weight: weight === undefined ? tabs.length * 10 : weight };
    button.addEventListener("click", function () { select(tab); });
    button.addEventListener("keydown", function (event) {
      var i = tabs.indexOf(tab);
      if (event.key === "ArrowRight") select(tabs[(i + 1) % tabs.length], true);
      else if (event.key === "ArrowLeft") select(tabs[(i + tabs.length - 1) % tabs.length], true);
      else return;
      event.preventDefault();
    });
    tabs.push(tab);
    tabList.appendChild(button);
    if (root) root.appendChild(panel);
    return tab;
  }

  function unlock() {
    if (tokenForm) tokenForm.hidden = true;
    tabList.hidden = false;
    setState("ready", "");
    var wanted = tabs.filter(function (t) { return "#" + t.id === window.location.hash; })[0];
    select(wanted || tabs[0]);
  }

  function start() {
    if (started || !root || !tabs.length) return;
    started = true;
    tabs.sort(function (a, b) { return a.weight - b.weight; });
    tabs.forEach(function (tab) { tabList.appendChild(tab.button); root.appendChild(tab.panel); });
    var header = root.querySelector(".fahad-admin-header");
    var after = header ? header.nextSibling : root.firstChild;
    root.insertBefore(status, after);
    root.insertBefore(tabList, status);
    if (config.auth !== "nonce") root.insertBefore(buildTokenForm(), tabList);
    if (config.auth === "nonce" || token) unlock();
    else {
      tabList.hidden = true;
      setState("locked", "Enter the admin token to open the copilot.");
    }
  }

  // Every tab script has run by DOMContentLoaded (they load after this one, deferred or in the
  // footer). A deferred script runs while readyState is already "interactive", and a timer set
  // then could fire between two deferred scripts, before every tab exists; `load` is the backstop.
  if (document.readyState !== "complete") {
    document.addEventListener("DOMContentLoaded", start);
    window.addEventListener("load", start);
  } else {
    window.setTimeout(start, 0);
  }

  return { config: config, root: root, el: el, svg: svg, money: money, ticks: ticks, when: when,
    query: query, table: table, deliveryTable: deliveryTable, api: api, post: post, addTab: addTab, setState: setState };
})();
