"""Fetching product images without letting an image URL reach into the bridge's network
(SSRF): only from the store's own host and the merchant's ``image_hosts``; never from a
loopback, private, link-local, multicast, reserved or cloud-metadata address (the store's
own host and port excepted, metadata never); every redirect checked again; and each
connection made to the very address that was checked, the host name kept for the Host
header, TLS's SNI and the certificate, so a second DNS answer can't move it elsewhere.

``Fetcher(hosts, timeout, max_bytes).get(url)`` returns the body or raises ``Refused`` (the
policy said no) or ``FetchFailed`` (the host said no, or too slowly, or too much).
"""
from __future__ import annotations

import ipaddress
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Enough for a moved upload or an http -> https hop; more is a loop or a maze.
MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024
POOLS = 16  # keep-alive connection pools kept, one per (address, port, host)
USER_AGENT = "fahad-ai-bridge visual-search"
DEFAULT_PORTS = {"http": 80, "https": 443}
# Instance metadata services (AWS, GCP, Azure and Oracle; AWS ECS tasks; AWS over IPv6;
# Alibaba): refused even when the store's own host resolves there.
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # IPv6 addresses that stand for IPv4 ones


class Refused(Exception):
    """The URL may not be fetched: its scheme, host or address is outside the policy."""


class FetchFailed(Exception):
    """The fetch was allowed but gave no image: a status, a network error, too big or slow."""


@dataclass(frozen=True)
class Hosts:
    """Where product images may come from: the store's host (any port; its own port also on
    an internal address) and the merchant's image hosts (``*.example.com`` for subdomains)."""

    store: tuple[str, int] | None  # the store's host and port
    names: frozenset[str] = frozenset()
    suffixes: tuple[str, ...] = ()  # ".example.com" for "*.example.com"

    @classmethod
    def of(cls, store_url: str, image_hosts: tuple[str, ...] = ()) -> "Hosts":
        parts = urlsplit(store_url)
        host = _plain(parts.hostname or "")
        store = (host, parts.port or DEFAULT_PORTS.get(parts.scheme, 80)) if host else None
        names = {_plain(h) for h in image_hosts if not h.startswith("*.")}
        suffixes = tuple(_plain(h)[1:] for h in image_hosts if h.startswith("*."))
        return cls(store, frozenset(names | ({host} if host else set())), suffixes)

    def allows(self, host: str) -> bool:
        return host in self.names or any(host.endswith(s) for s in self.suffixes)

    def is_store(self, host: str, port: int) -> bool:
        return (host, port) == self.store


def _plain(host: str) -> str:
    return host.strip().lower().rstrip(".")


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (IPv6 scope ids dropped)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def public(address: Address) -> bool:
    """Whether ``address`` is on the public internet: not loopback, private, shared (CGNAT),
    link-local, multicast, reserved or unspecified, nor an IPv6 form of such an address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in NAT64 else None)
        if embedded is not None:
            return public(embedded)
        if address.is_site_local:
            return False
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    address: Address
    path: str

    @property
    def origin(self) -> str:  # for logs: no path or query (they may carry signed tokens)
        return f"{self.scheme}://{self.host}:{self.port}"


class Fetcher:
    """GET image URLs under ``hosts``: ``timeout`` seconds to connect and between bytes,
    twice that for the whole fetch (redirects included), at most ``max_bytes`` read."""

    def __init__(self, hosts: Hosts, timeout: float, max_bytes: int):
        self.hosts = hosts
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._pools: OrderedDict[tuple, urllib3.HTTPConnectionPool] = OrderedDict()

    def get(self, url: str) -> bytes:
        deadline = time.monotonic() + 2 * self.timeout
        for _ in range(MAX_REDIRECTS + 1):
            target = self.check(url)
            if time.monotonic() > deadline:
                raise FetchFailed(f"{target.origin}: slower than {2 * self.timeout:g} s")
            response = self._open(target)
            done = False
            try:
                if response.status in REDIRECTS and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    continue
                if response.status != 200:
                    raise FetchFailed(f"{target.origin} answered {response.status}")
                body = self._body(response, target, deadline)
                done = True
                return body
            finally:
                if not done:  # a connection with unread bytes can't be used again
                    response.close()
                response.release_conn()
        raise Refused(f"more than {MAX_REDIRECTS} redirects")

    def check(self, url: str) -> _Target:
        """The URL's target, with the address to connect to; ``Refused`` if not allowed."""
        try:
            parts = urlsplit(url)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
        except ValueError:
            raise Refused("not a URL") from None
        host = _plain(parts.hostname or "")
        if parts.scheme not in DEFAULT_PORTS or not host:
            raise Refused(f"not an http(s) URL ({parts.scheme or 'no'} scheme)")
        if parts.username is not None or parts.password is not None:
            raise Refused(f"{host}: a URL with credentials")
        if not self.hosts.allows(host):
            raise Refused(f"{host} is neither the store's host nor in image_hosts")
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError, ValueError) as exc:
            raise FetchFailed(f"{host} does not resolve ({type(exc).__name__})") from None
        store = self.hosts.is_store(host, port)
        for address in addresses:
            if address in METADATA or not (store or public(address)):
                raise Refused(f"{host}:{port} resolves to {address}, an internal address")
        if not addresses:
            raise FetchFailed(f"{host} does not resolve")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return _Target(parts.scheme, host, port, addresses[0], path)

    def _open(self, target: _Target) -> urllib3.BaseHTTPResponse:
        host = f"[{target.host}]" if ":" in target.host else target.host
        if target.port != DEFAULT_PORTS[target.scheme]:
            host += f":{target.port}"
        try:
            return self._pool(target).urlopen(
                "GET", target.path, headers={"Host": host, "User-Agent": USER_AGENT},
                redirect=False, retries=False, preload_content=False,
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout))
        except urllib3.exceptions.HTTPError as exc:
            raise FetchFailed(f"{target.origin}: {type(exc).__name__}") from None

    def _pool(self, target: _Target) -> urllib3.HTTPConnectionPool:
        """A connection pool to the checked address; TLS checks the certificate against the
        host name, which also goes out as SNI."""
        key = (target.scheme, target.address, target.port, target.host)
        pool = self._pools.get(key)
        if pool is None:
            if target.scheme == "https":
                pool = urllib3.HTTPSConnectionPool(
                    str(target.address), target.port, maxsize=1, cert_reqs="CERT_REQUIRED",
                    server_hostname=target.host, assert_hostname=target.host)
            else:
                pool = urllib3.HTTPConnectionPool(str(target.address), target.port, maxsize=1)
            self._pools[key] = pool
            if len(self._pools) > POOLS:
                self._pools.popitem(last=False)[1].close()
        self._pools.move_to_end(key)
        return pool

    def _body(self, response, target: _Target, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchFailed(f"{target.origin}: {declared} bytes")
        data = bytearray()
        try:
            while chunk := response.read1(CHUNK):  # one read at a time: a drip is cut
                data += chunk
                if len(data) > self.max_bytes:
                    raise FetchFailed(f"{target.origin}: more than {self.max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise FetchFailed(f"{target.origin}: slower than {2 * self.timeout:g} s")
        except urllib3.exceptions.HTTPError as exc:
            raise FetchFailed(f"{target.origin}: {type(exc).__name__}") from None
        return bytes(data)
