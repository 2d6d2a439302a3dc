"""A real WordPress 6.8 on MariaDB served by `php -S`, with the plugin active: set up and torn
down by the tests (docs/wordpress-plugin.md, "Tests"). WordPress's files come from
scripts/system-deps (Debian trixie's package, unpacked)."""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "wp-plugin" / "fahad-ai-bridge"
# Where scripts/system-deps unpacked WordPress (FAHAD_WP_CACHE there too).
DOCROOT = Path(os.environ.get("FAHAD_WP_DOCROOT") or Path(
    os.environ.get("FAHAD_WP_CACHE") or ROOT / ".cache" / "wordpress") / "docroot")
MARIADB = os.environ.get("FAHAD_TEST_MARIADB", "127.0.0.1:3306")
PASSWORD = "correct horse battery staple"

ROUTER = """<?php
// php -S has no rewriting: every path that is not a file goes to WordPress.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path !== '/' && is_file(__DIR__ . $path)) { return false; }
require __DIR__ . '/index.php';
"""

THEME_STYLE = "/*\nTheme Name: fahad test\n*/\n"
THEME_INDEX = """<?php ?><!doctype html><html <?php language_attributes(); ?>><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<?php wp_head(); ?></head><body <?php body_class(); ?>><main><h1><?php bloginfo('name'); ?></h1>
<p>A WordPress storefront.</p></main><?php wp_footer(); ?></body></html>
"""

# A must-use plugin for the tests only: the rate-limit filters from an option, a no-op
# REST route (WordPress's own cost per request, for bench/wordpress.py), and wp_mail kept in
# an option instead of sent (there is no sendmail here), read back at /fahad-test/v1/mail.
MU_PLUGIN = """<?php
add_action('rest_api_init', function () {
    register_rest_route('fahad-test/v1', '/ping', array('methods' => 'GET, POST',
        'callback' => function () { return array('ok' => true); }, 'permission_callback' => '__return_true'));
    register_rest_route('fahad-test/v1', '/mail', array('methods' => 'GET',
        'callback' => function () { return get_option('fahad_test_mail', array()); }, 'permission_callback' => '__return_true'));
});
add_filter('pre_wp_mail', function ($short, $atts) {
    $all = get_option('fahad_test_mail', array());
    $all[] = array('to' => $atts['to'], 'subject' => $atts['subject'], 'message' => $atts['message']);
    update_option('fahad_test_mail', $all);
    return true;
}, 10, 2);
add_filter('fahad_ai_rate_limit', function ($v) { $o = get_option('fahad_test_rate'); return $o ? $o[0] : $v; });
add_filter('fahad_ai_rate_window', function ($v) { $o = get_option('fahad_test_rate'); return $o ? $o[1] : $v; });
"""

SETUP = r"""<?php
$_SERVER['HTTP_HOST'] = $argv[1];
define('WP_INSTALLING', true);
require __DIR__ . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
function wp_new_blog_notification(...$args) {}
wp_install('fahad test shop', 'admin', 'admin@example.com', true, '', $argv[2]);
update_option('permalink_structure', '/%postname%/');
// What WooCommerce does on install: the capability, and the shop manager role.
get_role('administrator')->add_cap('manage_woocommerce');
add_role('shop_manager', 'Shop manager', array('read' => true, 'manage_woocommerce' => true));
$ids = array('admin' => 1);
foreach (array('shopper' => 'subscriber', 'manager' => 'shop_manager') as $login => $role) {
    $ids[$login] = wp_insert_user(array('user_login' => $login, 'user_pass' => $argv[2],
        'user_email' => $login . '@example.com', 'role' => $role));
}
switch_theme('fahad-test');
$result = activate_plugin('fahad-ai-bridge/fahad-ai-bridge.php');
if (is_wp_error($result)) { fwrite(STDERR, $result->get_error_message()); exit(1); }
echo json_encode($ids);
"""

OPTION = r"""<?php
$_SERVER['HTTP_HOST'] = $argv[1];
require __DIR__ . '/wp-load.php';
$value = json_decode($argv[3], true);
if ($value === null) { delete_option($argv[2]); } else { update_option($argv[2], $value); }
"""

CREATE_DB = r"""<?php
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
[$host, $port] = explode(':', $argv[1]);
$db = new mysqli($host, 'root', '', '', (int) $port);
$db->query($argv[2] === 'create' ? "CREATE DATABASE `{$argv[3]}`" : "DROP DATABASE IF EXISTS `{$argv[3]}`");
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def php_run(*args: str, cwd: Path | None = None, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(["php", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=check)


def wp_config(db: str, port: int) -> str:
    salts = "\n".join(f"define('{k}', '{secrets.token_hex(32)}');" for k in (
        "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
        "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"))
    host, db_port = MARIADB.split(":")
    return f"""<?php
define('DB_NAME', '{db}');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', '{host}:{db_port}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
{salts}
$table_prefix = 'wp_';
define('WP_HOME', 'http://127.0.0.1:{port}');
define('WP_SITEURL', 'http://127.0.0.1:{port}');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_ACCESSIBLE_HOSTS', '127.0.0.1,localhost');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', __DIR__ . '/debug.log');
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
"""


class WordPressSite:
    """The running site: its URL, users and helpers to log in and change options."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.docroot = workdir / "wordpress"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.rest = self.url + "/wp-json/fahad-ai/v1"
        self.db = "fahad_wp_" + secrets.token_hex(4)
        self.users: dict[str, int] = {}
        self.server: subprocess.Popen | None = None

    # -- lifecycle --

    def install(self, bridge_url: str, secret: str) -> "WordPressSite":
        # Hard links: a private tree in a blink, the cached one untouched (core is never written).
        result = subprocess.run(["cp", "-al", str(DOCROOT), str(self.docroot)], capture_output=True)
        if result.returncode != 0:
            shutil.copytree(DOCROOT, self.docroot)
        content = self.docroot / "wp-content"
        shutil.copytree(PLUGIN, content / "plugins" / "fahad-ai-bridge")
        theme = content / "themes" / "fahad-test"
        theme.mkdir(parents=True)
        (theme / "style.css").write_text(THEME_STYLE)
        (theme / "index.php").write_text(THEME_INDEX)
        (content / "mu-plugins").mkdir(exist_ok=True)
        (content / "mu-plugins" / "fahad-test.php").write_text(MU_PLUGIN)
        (self.docroot / "router.php").write_text(ROUTER)
        (self.docroot / "wp-config.php").write_text(wp_config(self.db, self.port))
        for name, code in (("setup", SETUP), ("option", OPTION), ("createdb", CREATE_DB)):
            (self.docroot / f"fahad-{name}.php").write_text(code)
        php_run("fahad-createdb.php", MARIADB, "create", self.db, cwd=self.docroot)
        result = php_run("fahad-setup.php", f"127.0.0.1:{self.port}", PASSWORD,
                         cwd=self.docroot, check=False)
        if result.returncode != 0:
            raise RuntimeError("WordPress setup failed: " + result.stdout[-2000:] + result.stderr[-2000:])
        self.users = json.loads(result.stdout.strip().splitlines()[-1])
        self.set_option("fahad_ai_bridge_url", bridge_url)
        self.set_option("fahad_ai_secret", secret)
        return self

    def serve(self, workers: int = 6) -> "WordPressSite":
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": str(workers)}
        self.server = subprocess.Popen(
            ["php", "-d", "opcache.enable_cli=1", "-d", "upload_max_filesize=6M",
             "-d", "post_max_size=8M", "-d", "output_buffering=0",
             "-S", f"127.0.0.1:{self.port}", "-t", str(self.docroot),
             str(self.docroot / "router.php")],
            cwd=self.docroot, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                requests.get(self.url + "/wp-json/", timeout=5)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("php -S did not start")

    def stop(self) -> None:
        if self.server is not None:
            # Workers are the master's children and keep listening if only it dies.
            children = subprocess.run(["pgrep", "-P", str(self.server.pid)], capture_output=True,
                                      text=True).stdout.split()
            for pid in [self.server.pid, *map(int, children)]:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            self.server.wait(timeout=10)
            self.server = None
        php_run("fahad-createdb.php", MARIADB, "drop", self.db, cwd=self.docroot, check=False)

    # -- helpers --

    def set_option(self, name: str, value) -> None:
        php_run("fahad-option.php", f"127.0.0.1:{self.port}", name, json.dumps(value),
                cwd=self.docroot)

    def login(self, user: str) -> tuple[requests.Session, str]:
        """A browser-like session logged in as `user`, and its wp_rest nonce."""
        session = requests.Session()
        session.cookies.set("wordpress_test_cookie", "WP Cookie check", domain="127.0.0.1")
        response = session.post(self.url + "/wp-login.php", allow_redirects=False, timeout=30,
                                data={"log": user, "pwd": PASSWORD, "wp-submit": "Log In",
                                      "testcookie": "1"})
        assert response.status_code == 302, response.text[:500]
        nonce = session.get(self.url + "/wp-admin/admin-ajax.php?action=rest-nonce",
                            timeout=30).text.strip()
        assert re.fullmatch(r"[0-9a-f]{10}", nonce), nonce
        return session, nonce

    def guest(self) -> tuple[requests.Session, dict]:
        """A visitor's session and the widget configuration embedded in the home page."""
        session = requests.Session()
        html = session.get(self.url + "/", timeout=30).text
        match = re.search(r"window\.fahadAiChatbot = (\{.*?\});", html)
        assert match, "the widget configuration is not on the page"
        return session, json.loads(match.group(1))

    def debug_log(self) -> str:
        path = self.docroot / "debug.log"
        return path.read_text() if path.exists() else ""
