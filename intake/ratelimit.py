"""Per-address rate limits (the `limits` library, in memory) and who the client is behind a proxy."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address from text (a bracketed or zoned IPv6 too), None if it is not one."""
    text = text.strip().strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    """True when `address` is one of the reverse proxies whose X-Forwarded-For is believed."""
    ip = _address(address)
    return ip is not None and any(ip in net for net in proxies)


def client_address(peer: str, forwarded_for: str, proxies: Sequence[Network]) -> str:
    """The address to limit: the peer, or behind trusted proxies the last hop they did not add.

    X-Forwarded-For is read right to left and only while each hop is a trusted proxy, so a
    client cannot pick its own address by sending the header itself.
    """
    if not proxies or not forwarded_for or not _trusted(peer, proxies):
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        if _address(hop) is None:
            break  # a garbled hop: trust nothing before it
        client = hop.strip().strip("[]")
        if not _trusted(client, proxies):
            break
    return client


def limit_key(address: str) -> str:
    """What one person is counted as: the address, or its /64 for IPv6 (one household's block)."""
    ip = _address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else ip or address)


class RateLimiter:
    """Moving-window limits per address, all in this process's memory (nothing on disk)."""

    def __init__(self, spec: str) -> None:
        """spec: limits notation such as '2/minute;20/hour'."""
        self.items: list[RateLimitItem] = parse_many(spec)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, key: str) -> RateLimitItem | None:
        """Count one post for `key`; the limit it would exceed (then nothing is counted), else None."""
        for item in self.items:
            if not self._limiter.test(item, key):
                return item
        for item in self.items:
            self._limiter.hit(item, key)
        return None

    def retry_after(self, item: RateLimitItem, key: str) -> int:
        """Seconds until `key` may post again under `item`."""
        import time

        reset, _remaining = self._limiter.get_window_stats(item, key)
        return max(1, int(reset - time.time()) + 1)
