"""The standalone admin page at /admin: the inbox, insights and store figures for a store
manager who holds the bridge's admin token (in WordPress, the plugin shows the same page in
wp-admin)."""
from __future__ import annotations

from flask import Blueprint, render_template

from bridge.core import current_core
from bridge.routes import NAMESPACE

bp = Blueprint("admin_page", __name__, template_folder="templates")

# The page's scripts in load order: the kit first, then one per tab (the plugin loads the same).
SCRIPTS = ("admin-kit.js", "admin-inbox.js", "admin-insights.js", "admin-copilot.js",
           "admin-webhooks.js", "admin-apikeys.js")


@bp.get("/admin")
def admin():
    settings = current_core().settings
    config = {"restUrl": settings.base_url + NAMESPACE + "/", "auth": "token",
              "storeName": settings.store_name}
    return render_template("admin.html", store_name=settings.store_name, config=config,
                           css="/assets/admin-copilot.css",
                           scripts=["/assets/" + name for name in SCRIPTS])
