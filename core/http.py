"""The client's address: the one function that rate limits, sign-in lock-outs and the audit trail ask.

Behind the TLS terminator every request arrives from the proxy, which appends the address it saw to
X-Forwarded-For. That header is believed only when the request comes from a proxy named in
TRUSTED_PROXIES, and it is read from the right: each hop that is itself a trusted proxy is skipped,
and the first one that is not is the client. Everything further left was written by the client and
may be forged. (django-ipware reads the header whoever sends it, so a visitor could pick their own
address and slip past every limit; hence these few lines of our own.)
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def _trusted(proxies: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, trusted: tuple[_Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def client_address(request) -> str:
    """The address of the person (or machine) at the other end, as a string ("" when unknown)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    trusted = _trusted(tuple(settings.TRUSTED_PROXIES))
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:  # not written by a proxy of ours: stop believing the header here
            return peer
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer  # proxies all the way: the earliest one is the closest we know


def ratelimit_ip(request) -> str:
    """django-ratelimit's RATELIMIT_IP_META_KEY: key="ip" counts by client_address."""
    return client_address(request) or "0.0.0.0"
