"""Checks of the plugin's source that need no PHP: text domain, escaping habits, files."""
import re

from .site import PLUGIN

CALL = re.compile(r"\b(__|_e|_x|_n|esc_html__|esc_attr__|esc_html_e|esc_attr_e)\(")
WITH_DOMAIN = re.compile(
    r"\b(?:__|_e|esc_html__|esc_attr__|esc_html_e|esc_attr_e)\(\s*"
    r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\s*,\s*'([^']+)'\s*\)")


def php_sources():
    return {p: p.read_text() for p in sorted(PLUGIN.rglob("*.php"))}


def test_every_translated_string_uses_the_plugins_text_domain():
    for path, source in php_sources().items():
        calls = len(CALL.findall(source))
        domains = WITH_DOMAIN.findall(source)
        assert len(domains) == calls, path
        assert set(domains) <= {"fahad-ai-bridge"}, path


def test_every_php_file_refuses_to_run_outside_wordpress():
    for path, source in php_sources().items():
        if path.name == "index.php":
            continue
        assert re.search(r"defined\( '(ABSPATH|WP_UNINSTALL_PLUGIN)' \)", source), path


def test_the_plugin_ships_what_wordpress_expects():
    header = (PLUGIN / "fahad-ai-bridge.php").read_text()[:1500]
    for field in ("Plugin Name:", "Requires at least: 6.0", "Requires PHP:      8.0",
                  "Text Domain:       fahad-ai-bridge", "License:"):
        assert field in header
    readme = (PLUGIN / "readme.txt").read_text()
    assert readme.startswith("=== fahad-ai Bridge ===") and "== Installation ==" in readme
    assert "fastcgi_buffering off" in readme and "output_buffering" in readme
    assert (PLUGIN / "uninstall.php").exists()
    assert (PLUGIN / "languages" / "fahad-ai-bridge.pot").exists()


def test_the_widget_never_writes_markup_from_strings():
    widget = (PLUGIN / "assets" / "chat-widget.js").read_text()
    assert not re.search(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML\(|document\.write", widget)
