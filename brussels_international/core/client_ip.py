"""The visitor's IP address behind reverse proxies.

Behind a TLS-terminating proxy (nginx, a load balancer) ``REMOTE_ADDR`` is the proxy's address.
With ``TRUSTED_PROXY_COUNT`` = N (environment; default 0: no proxy), the client is the address that
the N-th proxy from us appended to ``X-Forwarded-For`` (the N-th item from the right), which a
visitor cannot forge: items further left are the visitor's own claims and are ignored. Used where
an address is recorded or counted (newsletter consent, the subscription throttle).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``X-Forwarded-For``'s N-th item from the right when
    ``TRUSTED_PROXY_COUNT`` = N > 0 and the header has that many valid items, else ``REMOTE_ADDR``;
    ``None`` when neither is a valid IP address."""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    candidates: list[str] = []
    if count > 0:
        forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()]
        if len(forwarded) >= count:
            candidates.append(forwarded[-count])
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def ip_group(address: str | None) -> str:
    """The unit a rate limit counts: the address itself for IPv4, its /64 network for IPv6 (one
    household or office usually holds a whole /64); ``"-"`` when unknown."""
    if not address:
        return "-"
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
