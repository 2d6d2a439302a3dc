"""The client's address behind reverse proxies the settings trust, and nothing else.

``TrustedProxies`` is WSGI middleware: when the direct peer is one of ``trusted_proxies``,
it walks ``X-Forwarded-For`` from the right past the trusted hops and takes the first address
that isn't one as ``REMOTE_ADDR``, and believes ``X-Forwarded-Proto``. A peer that isn't
trusted keeps its own address, whatever it sends. ``X-Forwarded-Host`` and ``Host`` are never
used for anything: every absolute link is built from configured URLs.
"""
from __future__ import annotations

import ipaddress
from typing import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDRs or single addresses as networks; ValueError names the first bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or CIDR network") from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:5000"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address  # "::ffff:10.0.0.1" is 10.0.0.1 to a v4 network


def _trusted(address: Address | None, networks: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(peer: str, forwarded_for: str, networks: Sequence[Network]) -> str:
    """Who sent the request: ``peer`` unless it is a trusted proxy; then, from the right of
    ``forwarded_for``, the first address no trusted proxy has.

    An entry that isn't an address ends the walk at the hop that reported it, since nothing
    to its left can be believed; when every entry is trusted, the leftmost is the client.
    """
    client = _address(peer)
    if not _trusted(client, networks):
        return peer
    reported = str(client)
    for entry in reversed([e for e in forwarded_for.split(",") if e.strip()]):
        address = _address(entry)
        if address is None:
            return reported
        reported = str(address)
        if not _trusted(address, networks):
            return reported
    return reported


class TrustedProxies:
    """Set ``REMOTE_ADDR`` and the URL scheme from forwarded headers of trusted peers only."""

    def __init__(self, app, networks: Sequence[Network]):
        self.app = app
        self.networks = tuple(networks)

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR", "")
        if self.networks and _trusted(_address(peer), self.networks):
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded:
                environ["REMOTE_ADDR"] = client_address(peer, forwarded, self.networks)
            # The proxy next to the bridge sets or appends the scheme it was reached by.
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        return self.app(environ, start_response)
