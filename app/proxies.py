"""Believe ``X-Forwarded-*`` only from the reverse proxies the settings name.

``[site] trusted_proxies`` says how many proxies stand in front (nginx: 1);
``[site] proxy_addresses`` (``BLOG_PROXY_ADDRESSES``) says where they connect
from. A request from any other address is taken as it comes: a reader who
reaches gunicorn directly cannot choose the address their comment is stored
and rate-limited under by writing an ``X-Forwarded-For`` header.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import ip_address
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import IPNetwork


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests from a proxy, nothing for the rest."""

    def __init__(self, app: Any, count: int, networks: Iterable[IPNetwork]) -> None:
        """Wrap ``app``; ``count`` proxies, connecting from ``networks``."""
        self.direct = app
        self.proxied = ProxyFix(
            app, x_for=count, x_proto=count, x_host=count, x_prefix=count
        )
        self.networks = tuple(networks)

    def from_proxy(self, peer: str | None) -> bool:
        """Tell whether the connection comes from one of the trusted proxies."""
        try:
            address = ip_address(peer or "")
        except ValueError:
            # No IP address: a Unix socket, which only this host can reach
            # (gunicorn trusts those too).
            return True
        # A dual-stack socket shows an IPv4 proxy as ::ffff:a.b.c.d.
        mapped = getattr(address, "ipv4_mapped", None)
        return any(
            candidate in network
            for candidate in (address, mapped)
            if candidate is not None
            for network in self.networks
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Serve the request, applying the proxy's headers if it came through one."""
        if self.from_proxy(environ.get("REMOTE_ADDR")):
            return self.proxied(environ, start_response)
        return self.direct(environ, start_response)
