"""How often one client may post or report: a counter per network in the shared cache."""

import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_network(address):
    """The network a client address stands for: an IPv4 address itself, or the /64 an IPv6 address belongs to."""
    # One IPv6 subscriber gets a whole /64 and can pick any address in it, so it counts as one client.
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or ""
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return ipaddress.ip_network(f"{ip}/64", strict=False).compressed
    return str(ip)


def is_rate_limited(*, client_ip, action="post"):
    """Count one attempt to post (or report) from `client_ip`'s network and say whether it went over the limit."""
    network = client_network(client_ip)
    key = f"comments:rate:{network}" if action == "post" else f"comments:rate:{action}:{network}"
    try:
        attempts = _count_attempt(key, settings.COMMENTS_RATE_PERIOD)
    except Exception as error:  # noqa: BLE001 - any cache backend's outage: a reader's comment matters more
        # Failing open loses a limit for the length of the outage; failing closed would lose every comment.
        logger.warning("Rate limit not checked, the cache is unavailable: %s", type(error).__name__)
        return False
    return attempts > settings.COMMENTS_RATE_LIMIT


def _count_attempt(key, period):
    if cache.add(key, 1, timeout=period):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.add(key, 1, timeout=period)
        return 1
