"""``config.trusted_proxies``: the peers whose ``X-Forwarded-*`` headers are believed.

With ``config.proxy`` on, ``ctx.ip``, ``ctx.ips``, ``ctx.protocol`` and
``ctx.host`` read the forwarded headers only when the connection's peer is one
of these addresses or networks (default loopback: ``["127.0.0.1", "::1"]``).
The list is parsed once per app (:func:`trusted_proxies`) into a set of exact
addresses, answered by one ``in``, and a list of CIDR networks, tested only
when there are any.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Iterable, Optional, Union

from eggfast.errors import ConfigError

__all__ = ["TrustedProxies", "trusted_proxies", "DEFAULT_TRUSTED_PROXIES"]

#: the default: a reverse proxy on the same machine.
DEFAULT_TRUSTED_PROXIES = ("127.0.0.1", "::1")

_Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


class TrustedProxies:
    """A parsed ``trusted_proxies`` list: exact addresses and CIDR networks."""

    __slots__ = ("exact", "networks")

    def __init__(self, entries: Iterable[str] = DEFAULT_TRUSTED_PROXIES) -> None:
        exact: set[str] = set()
        networks: list[_Network] = []
        if isinstance(entries, str):
            entries = [part for part in entries.split(",")]
        for entry in entries:
            text = str(entry).strip()
            if not text:
                continue
            try:
                if "/" in text:
                    network = ipaddress.ip_network(text, strict=False)
                    if network.num_addresses == 1:
                        exact.add(str(network.network_address))
                    else:
                        networks.append(network)
                else:
                    exact.add(str(ipaddress.ip_address(text)))
            except ValueError as exc:
                raise ConfigError(f"config.trusted_proxies: {text!r} is not an IP address or a CIDR network "
                                  f"such as '10.0.0.0/8': {exc}") from None
        self.exact = frozenset(exact)
        self.networks = tuple(networks)

    def contains(self, address: str) -> bool:
        """Whether the peer ``address`` is a trusted proxy (``::ffff:``-mapped IPv4 counts as IPv4)."""
        if address in self.exact:
            return True
        if address[:7] == "::ffff:" and address[7:] in self.exact:
            return True
        if not self.networks:
            return False
        try:
            ip: Any = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped is not None:
            ip = mapped
        for network in self.networks:
            if ip.version == network.version and ip in network:
                return True
        return False


def trusted_proxies(app: Any) -> TrustedProxies:
    """The app's parsed ``config.trusted_proxies``, parsed again only when the value is replaced."""
    config = getattr(app, "config", None)
    value: Optional[Any] = config.get("trusted_proxies") if config is not None and hasattr(config, "get") else None
    if value is None:
        value = DEFAULT_TRUSTED_PROXIES
    store = getattr(app, "__dict__", None)
    cached = store.get("_eggfast_trusted_proxies") if store is not None else None
    if cached is not None and cached[0] is value:
        return cached[1]
    parsed = TrustedProxies(value)
    if store is not None:
        store["_eggfast_trusted_proxies"] = (value, parsed)
    return parsed
