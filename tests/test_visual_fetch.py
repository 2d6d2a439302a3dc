"""Product images are fetched only from the store's own host and the merchant's image hosts,
never from an internal address (SSRF): checked after DNS resolution and again on every
redirect, and connected to the very address that was checked. Every server is on loopback:
the fake WooCommerce (the store's own host, so allowed), another loopback port standing for
a service inside the network, and a CDN on 127.0.0.2 that these tests treat as public."""
import logging
import shutil
import socket
import ssl
import subprocess
import threading
import time
from ipaddress import ip_address

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bridge.settings import Settings, SettingsError, load_settings
from bridge.store.demo.images import ImageSpec, render_png
from bridge.visual import outbound
from bridge.visual.loaders import http_loader
from bridge.visual.outbound import Fetcher, Hosts, Refused, public
from conftest import service_missing
from test_visual_woocommerce import full, give_pictures, woo_app, woo_settings  # noqa: F401

PNG = render_png(ImageSpec("beanie", (30, 60, 140), 16))
SECRET = b"instance credentials"

pytestmark = pytest.mark.usefixtures("quick_retries")


class ImageHost:
    """A loopback web server: each path answers an image, a redirect or a slow drip, and
    every request is logged as (path, Host header)."""

    def __init__(self, address: str = "127.0.0.1", port: int = 0, tls=None):
        self.routes: dict[str, Response | tuple] = {}
        self.requests: list[tuple[str, str]] = []
        self.sent: dict[str, int] = {}  # bytes of a drip sent before it ended
        self.ended: dict[str, threading.Event] = {}
        self._server = make_server(address, port, self._app, threaded=True, ssl_context=tls)
        self.address, self.port = address, self._server.server_port
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.address}:{self.port}{path}"

    def image(self, path: str, data: bytes = PNG) -> str:
        self.routes[path] = ("image", data)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = ("redirect", status, location)
        return self.url(path)

    def drip(self, path: str, data: bytes, pause: float) -> str:
        """Send ``data`` a byte at a time, ``pause`` seconds apart (each well inside a read
        timeout, the whole far beyond any)."""
        self.routes[path] = ("drip", data, pause)
        self.sent[path], self.ended[path] = 0, threading.Event()
        return self.url(path)

    def _app(self, environ, start_response):
        request = Request(environ)
        self.requests.append((request.path, request.host))
        route = self.routes.get(request.path)
        if route is None:
            response = Response(b"not found", 404)
        elif route[0] == "image":
            response = Response(route[1], 200, content_type="image/png")
        elif route[0] == "redirect":
            response = Response(b"", route[1], {"Location": route[2]})
        else:
            data, pause, path = route[1], route[2], request.path

            def body():
                try:
                    for i in range(len(data)):
                        time.sleep(pause)
                        yield data[i:i + 1]
                        self.sent[path] += 1
                finally:  # all sent, or the client hung up (the write failed)
                    self.ended[path].set()

            response = Response(body(), 200, {"Content-Length": str(len(data))},
                                content_type="image/png", direct_passthrough=True)
        return response(environ, start_response)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def internal():
    """A service inside the bridge's network, on another loopback port."""
    server = ImageHost()
    server.image("/latest/meta-data/iam", SECRET)
    yield server
    server.stop()


@pytest.fixture
def names(monkeypatch):
    """Host names this test makes resolve (name -> address), for every lookup in the
    process; other names resolve as usual."""
    table: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            family = socket.AF_INET6 if ":" in table[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (table[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


CDN_ADDRESS = ip_address("127.0.0.2")


def treat_as_public(monkeypatch, address=CDN_ADDRESS):
    """Let one loopback address stand for a public one; every other stays internal."""
    real = outbound.public
    monkeypatch.setattr(outbound, "public", lambda a: a == address or real(a))


@pytest.fixture
def cdn(monkeypatch, names):
    """cdn.test: a CDN on 127.0.0.2, treated as a public address."""
    server = ImageHost(str(CDN_ADDRESS))
    names["cdn.test"] = str(CDN_ADDRESS)
    treat_as_public(monkeypatch)
    yield server
    server.stop()


def loader(fake, *image_hosts, timeout=0.5):
    return http_loader(Hosts.of(fake.url, image_hosts), timeout)


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]


# -- the store's own host ------------------------------------------------------------------

def test_the_stores_own_images_are_fetched_though_it_is_on_loopback(fake):
    assert loader(fake)(1, fake.upload("a.png", PNG)) == PNG
    # Redirects inside the store are followed.
    moved = fake.redirect("old.png", fake.upload("new.png", PNG), 301)
    assert loader(fake)(1, moved) == PNG


def test_an_image_on_another_loopback_port_is_refused_and_never_asked_for(
        fake, internal, caplog):
    with caplog.at_level(logging.WARNING, "bridge.visual"):
        assert loader(fake)(7, internal.url("/latest/meta-data/iam")) is None
    assert internal.requests == []
    [message] = refusals(caplog)
    assert "product 7" in message and "127.0.0.1" in message and "internal" in message


def test_other_names_for_loopback_are_refused(fake, internal, names):
    fake.upload("a.png", PNG)
    names["assets.test"] = "127.0.0.1"
    url = f"http://assets.test:{internal.port}/latest/meta-data/iam"
    assert loader(fake)(1, url) is None  # not an allowed host
    assert loader(fake, "assets.test")(1, url) is None  # allowed, but internal
    assert loader(fake, "*.test")(1, url) is None
    store_port = fake.url.rsplit(":", 1)[1]
    for host in ("localhost", "127.1", "[::1]", "0.0.0.0"):
        assert loader(fake)(1, f"http://{host}:{store_port}/wp-content/uploads/a.png") is None
    assert internal.requests == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_from_the_store_to_another_loopback_port_is_not_followed(
        fake, internal, status):
    url = fake.redirect("moved.png", internal.url("/latest/meta-data/iam"), status)
    assert loader(fake)(1, url) is None
    assert internal.requests == []


def test_cloud_metadata_addresses_are_refused_even_for_an_allowed_host(fake, names, caplog):
    assert loader(fake)(1, "http://169.254.169.254/latest/meta-data/") is None
    names["cdn.test"] = "169.254.169.254"
    names["v6.test"] = "fd00:ec2::254"
    assert loader(fake, "cdn.test", "v6.test")(1, "http://cdn.test/latest/meta-data/") is None
    assert loader(fake, "cdn.test", "v6.test")(1, "http://v6.test/latest/meta-data/") is None
    assert loader(fake)(1, fake.redirect("m.png", "http://169.254.169.254/latest/")) is None
    # The store's own host too: no store lives at a metadata address.
    names["shop.test"] = "169.254.169.254"
    with pytest.raises(Refused, match="internal"):
        Fetcher(Hosts.of("http://shop.test"), 0.5, 1000).check("http://shop.test/a.png")
    assert len(refusals(caplog)) == 4


# -- the merchant's image hosts ----------------------------------------------------------------

@pytest.mark.parametrize("allowed", ["cdn.test", "CDN.test.", "*.test"])
def test_an_allowed_cdn_is_fetched_with_its_host_name_kept(fake, cdn, allowed):
    url = cdn.image("/img/a.png")
    assert loader(fake, allowed)(1, url.replace(cdn.address, "cdn.test")) == PNG
    assert cdn.requests == [("/img/a.png", f"cdn.test:{cdn.port}")]


def test_a_host_not_in_image_hosts_is_refused(fake, cdn):
    url = cdn.image("/img/a.png").replace(cdn.address, "cdn.test")
    assert loader(fake)(1, url) is None
    assert loader(fake, "other.test", "*.cdn.test")(1, url) is None
    assert cdn.requests == []


def test_redirects_between_allowed_hosts_are_followed_and_checked_again(fake, cdn, internal):
    on_cdn = cdn.image("/img/a.png").replace(cdn.address, "cdn.test")
    assert loader(fake, "cdn.test")(1, fake.redirect("to-cdn.png", on_cdn)) == PNG
    # The CDN sending the fetch inside the network is refused at that hop.
    bounce = cdn.redirect("/bounce.png", internal.url("/latest/meta-data/iam"))
    assert loader(fake, "cdn.test")(1, bounce.replace(cdn.address, "cdn.test")) is None
    # Relative redirects resolve against the hop that sent them.
    cdn.redirect("/relative.png", "/img/a.png")
    assert loader(fake, "cdn.test")(1, f"http://cdn.test:{cdn.port}/relative.png") == PNG
    assert internal.requests == []


def test_at_most_three_redirects_are_followed(fake):
    url = fake.upload("end.png", PNG)
    for hop in range(4):
        url = fake.redirect(f"hop{hop}.png", url)
        assert (loader(fake)(1, url) == PNG) is (hop < 3)


def test_the_connection_goes_to_the_address_that_was_checked(fake, monkeypatch):
    """DNS rebinding: the name answers a public address for the check, then an internal one;
    a fetch that looked the name up again to connect would reach the internal service."""
    inside = ImageHost("127.0.0.1")
    outside = ImageHost(str(CDN_ADDRESS), inside.port)  # the same port on both addresses
    inside.image("/a.png", SECRET)
    outside.image("/a.png", PNG)
    treat_as_public(monkeypatch)
    answers = iter(["127.0.0.2"] + ["127.0.0.1"] * 10)
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    try:
        assert loader(fake, "rebind.test")(1, f"http://rebind.test:{inside.port}/a.png") == PNG
        assert inside.requests == [] and outside.requests == [("/a.png",
                                                               f"rebind.test:{inside.port}")]
    finally:
        inside.stop()
        outside.stop()


@pytest.fixture
def tls_cdn(tmp_path, monkeypatch, names):
    """An https CDN on 127.0.0.2 with a certificate for cdn.test, trusted through
    SSL_CERT_FILE; it records the name each client asked for (SNI)."""
    if shutil.which("openssl") is None:
        service_missing("the openssl command")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=cdn.test", "-addext", "subjectAltName=DNS:cdn.test",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    asked: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: asked.append(name)
    server = ImageHost(str(CDN_ADDRESS), tls=context)
    server.asked = asked
    for name in ("cdn.test", "mirror.test"):
        names[name] = str(CDN_ADDRESS)
    treat_as_public(monkeypatch)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    yield server
    server.stop()


def test_https_connects_to_the_checked_address_with_sni_and_the_name_in_the_certificate(
        fake, tls_cdn, monkeypatch):
    url = tls_cdn.image("/a.png").replace(tls_cdn.address, "cdn.test")
    assert loader(fake, "cdn.test")(1, url) == PNG
    assert tls_cdn.asked == ["cdn.test"]
    assert tls_cdn.requests == [("/a.png", f"cdn.test:{tls_cdn.port}")]
    # The same server under a name its certificate doesn't carry: the handshake fails.
    other = url.replace("cdn.test", "mirror.test")
    assert loader(fake, "mirror.test")(1, other) is None
    # Nor is a certificate trusted that no authority signed.
    monkeypatch.delenv("SSL_CERT_FILE")
    assert loader(fake, "cdn.test")(1, url) is None
    assert len(tls_cdn.requests) == 1


# -- what is fetched at all, and how long and how much -----------------------------------------

@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://127.0.0.1/a.png", "gopher://127.0.0.1:70/_x",
    "//127.0.0.1/a.png", "http:///a.png", "http://127.0.0.1:99999/a.png", "not a url",
])
def test_only_http_and_https_urls_with_a_host_are_fetched(fake, url):
    assert loader(fake)(1, url) is None


def test_credentials_in_a_url_are_refused_and_never_logged(fake, caplog):
    url = fake.upload("a.png", PNG).replace("http://", "http://admin:hunter2@") + "?token=s3cr3t"
    with caplog.at_level(logging.INFO, "bridge.visual"):
        assert loader(fake)(1, url) is None
        assert loader(fake)(2, "http://169.254.169.254/x?token=s3cr3t") is None
    assert len(refusals(caplog)) == 2
    assert "hunter2" not in caplog.text and "s3cr3t" not in caplog.text


def test_a_slow_drip_is_cut_at_twice_the_timeout(fake, cdn):
    data = PNG[:200]
    url = cdn.drip("/slow.png", data, 0.05).replace(cdn.address, "cdn.test")
    # Each byte comes well inside the 0.3 s read timeout; all of them would take 10 s.
    assert loader(fake, "cdn.test", timeout=0.3)(1, url) is None
    assert cdn.ended["/slow.png"].wait(30)
    assert cdn.sent["/slow.png"] < len(data)  # the fetch hung up; it did not wait it out


def test_an_image_over_the_size_limit_is_not_read(fake, cdn):
    big = cdn.image("/big.png", PNG + bytes(5000)).replace(cdn.address, "cdn.test")
    fetch = http_loader(Hosts.of(fake.url, ("cdn.test",)), 0.5, max_bytes=len(PNG) + 4999)
    assert fetch(1, big) is None
    assert http_loader(Hosts.of(fake.url, ("cdn.test",)), 0.5, len(PNG) + 5000)(1, big)


# -- at sync: unusable, logged, never fatal ------------------------------------------------------

def test_at_sync_a_refused_image_counts_as_unusable_and_the_rest_are_described(
        fake, woo_app, internal, caplog):
    give_pictures(fake)
    fake.update_product(31, images=[{"id": 970, "src": internal.url(
        "/latest/meta-data/iam?token=s3cr3t"), "name": "", "alt": ""}])
    with caplog.at_level(logging.INFO, "bridge.visual"):
        counts = full(woo_app)
    assert counts == {"computed": 5, "failed": 2, "removed": 0, "left": 0}
    assert internal.requests == []
    [message] = refusals(caplog)
    assert "product 31" in message and "s3cr3t" not in caplog.text


# -- the pieces ----------------------------------------------------------------------------------

@pytest.mark.parametrize("address, expected", [
    ("93.184.216.34", True), ("2606:4700::1111", True), ("::ffff:8.8.8.8", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("100.100.100.200", False),
    ("0.0.0.0", False), ("224.0.0.1", False), ("239.255.255.250", False),
    ("240.0.0.1", False), ("255.255.255.255", False), ("192.0.2.1", False),
    ("::1", False), ("::", False), ("fe80::1", False), ("fc00::1", False),
    ("fd00:ec2::254", False), ("ff02::1", False), ("fec0::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:169.254.169.254", False),
    ("64:ff9b::7f00:1", False), ("2002:7f00:1::", False), ("2002:a00:1::", False),
])
def test_which_addresses_count_as_public(address, expected):
    assert public(ip_address(address)) is expected


def test_image_hosts_is_a_comma_list_of_host_names(tmp_path):
    settings = load_settings({"FAHAD_IMAGE_HOSTS": " CDN.Example.com, *.wp.com ,",
                              "FAHAD_DATA_DIR": str(tmp_path)})
    assert settings.image_hosts == ("cdn.example.com", "*.wp.com")
    hosts = Hosts.of("https://shop.example.com", settings.image_hosts)
    assert hosts.allows("shop.example.com") and hosts.allows("cdn.example.com")
    assert hosts.allows("i0.wp.com") and not hosts.allows("wp.com")
    assert not hosts.allows("evilwp.com") and not hosts.allows("example.com")
    assert hosts.is_store("shop.example.com", 443) and not hosts.is_store("shop.example.com", 80)
    assert Settings().image_hosts == ()
    for bad in ("https://cdn.example.com", "cdn.example.com:8080", "cdn.example.com/img",
                "*", "user@cdn.example.com", "a..b"):
        with pytest.raises(SettingsError, match="FAHAD_IMAGE_HOSTS"):
            Settings(image_hosts=(bad,))
