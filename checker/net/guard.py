"""The network guard: which addresses the link checker may talk to.

A page under review is untrusted input, and the checker runs inside CI where the cloud metadata
service (169.254.169.254), the runner's own services on loopback and the company network are a
request away. So, unless ``allow_private`` is set, every host is resolved by us, every resolved
address is vetted, and the connection is then made to exactly the vetted address (see
``transport``), which closes the gap a DNS-rebinding server would use between "check" and
"connect".

Only the resolved addresses are trusted, never the spelling in the URL: ``2130706433``,
``0x7f.1``, ``0177.0.0.1`` and ``127.1`` all reach 127.0.0.1 through ``getaddrinfo`` (glibc follows
``inet_aton``), so they are caught because we vet what ``getaddrinfo`` returns, for the very host
string the HTTP library is about to connect to.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class BlockedAddressError(Exception):
    """A host resolved to an address the guard refuses.

    Deliberately not an ``OSError``: urllib3 and requests wrap and retry ``OSError``s, and a
    refusal must travel up unchanged so it becomes a ``blocked`` verdict rather than a retry.
    """


# Ranges refused on top of ``not is_global``. The stdlib's lists changed across 3.11/3.12
# patch releases, and ``is_global`` is True for multicast, so the explicit list keeps the
# policy the same on every interpreter.
_FORBIDDEN_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255
        "::/128",
        "::1/128",
        "::/96",  # IPv4-compatible (deprecated); the embedded address is vetted too
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, Teredo included
        "2001:db8::/32",
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_V4_COMPAT = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries and may be routed to (mapped, 6to4, NAT64…)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64 or ip in _V4_COMPAT:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def refusal(ip: IPAddress) -> str | None:
    """Why the guard refuses ``ip``, or ``None`` when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return f"{ip} has a zone id (link-local scope)"
        for inner in _embedded_ipv4(ip):
            why = refusal(inner)
            if why is not None:
                return f"{ip} embeds {inner}: {why}"
        if ip.ipv4_mapped is not None:
            # A mapped public IPv4 address is that public address; nothing else to check.
            return None
    for net in _FORBIDDEN_NETWORKS:
        if ip.version == net.version and ip in net:
            return f"{ip} is in {net} ({_describe(ip)})"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        return f"{ip} is not a public address ({_describe(ip)})"
    return None


def _describe(ip: IPAddress) -> str:
    for name in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    return "non-global"


_NUMERIC_HOST = re.compile(r"[0-9a-fA-FxX.]+")


def numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a numeric host spelling stands for in ``inet_aton`` terms.

    Catches the forms ``ipaddress`` rejects but C resolvers accept: ``127.1``,
    ``2130706433``, ``0x7f.1``, ``0177.0.0.1``. ``None`` when ``host`` is not such a spelling.
    """
    if not _NUMERIC_HOST.fullmatch(host.rstrip(".")) or not any(c.isdigit() for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
    except (OSError, ValueError):
        return None


@dataclass(slots=True, frozen=True)
class Resolved:
    """The addresses a host resolved to, as ``getaddrinfo`` tuples ready for ``connect``."""

    host: str
    addresses: tuple[tuple[socket.AddressFamily, tuple[object, ...]], ...]


class Resolver:
    """Resolves and vets hosts once per run, and remembers the answer.

    The remembered answer is the pin: the pre-flight check and every connection of the run use
    the same addresses, so a DNS server cannot answer "public" to the check and "private" to
    the connection.
    """

    def __init__(self, allow_private: bool = False, allow_networks: Iterable[str] = ()) -> None:
        self.allow_private = allow_private
        self.allow_networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in allow_networks
        )
        self._lock = threading.Lock()
        self._host_locks: dict[tuple[str, int], threading.Lock] = {}
        self._cache: dict[tuple[str, int], Resolved | BaseException] = {}

    def check_address(self, ip: IPAddress) -> str | None:
        """Why ``ip`` is refused under this resolver's policy, or ``None``."""
        if self.allow_private:
            return None
        if any(ip.version == net.version and ip in net for net in self.allow_networks):
            return None
        return refusal(ip)

    def resolve(self, host: str, port: int) -> Resolved:
        """Resolve ``host`` and vet every address; raise ``BlockedAddressError`` or ``OSError``.

        ANY refused address refuses the host: with several A/AAAA records we cannot know which
        one a later connection would pick, and a public record next to a private one is a
        classic rebinding setup.
        """
        key = (host.strip("[]").lower().rstrip(".") or host, port)
        with self._lock:
            lock = self._host_locks.setdefault(key, threading.Lock())
        with lock:  # one lookup per host even when many workers ask at once
            cached = self._cache.get(key)
            if cached is None:
                try:
                    cached = self._lookup(host, port)
                except (OSError, BlockedAddressError, UnicodeError) as exc:
                    cached = exc
                self._cache[key] = cached
        if isinstance(cached, BaseException):
            raise cached
        return cached

    def _lookup(self, host: str, port: int) -> Resolved:
        bare = host.strip("[]")
        if not bare:
            raise BlockedAddressError("empty host")
        numeric = numeric_ipv4(bare)
        if numeric is not None:
            # Vet the inet_aton reading ourselves: whether getaddrinfo accepts "0x7f.1" or
            # "2130706433" depends on the C library, and such a host must never come out as
            # a mere DNS failure when it really names a refused address.
            why = self.check_address(numeric)
            if why is not None:
                raise BlockedAddressError(f"{host} is a refused address: {why}")
        infos = socket.getaddrinfo(bare, port, type=socket.SOCK_STREAM)
        addresses: list[tuple[socket.AddressFamily, tuple[object, ...]]] = []
        for family, _type, _proto, _canon, sockaddr in infos:
            if family not in (socket.AF_INET, socket.AF_INET6):
                raise BlockedAddressError(f"{host} resolved to a non-IP address family")
            ip = ipaddress.ip_address(str(sockaddr[0]))
            if family == socket.AF_INET6 and len(sockaddr) >= 4 and sockaddr[3]:
                ip = ipaddress.IPv6Address(f"{ip}%{sockaddr[3]}")
            why = self.check_address(ip)
            if why is not None:
                raise BlockedAddressError(f"{host} resolves to a refused address: {why}")
            entry = (family, tuple(sockaddr))
            if entry not in addresses:
                addresses.append(entry)
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, f"no address for {host}")
        return Resolved(host, tuple(addresses))

    def check_peer(self, peer: Sequence[object]) -> None:
        """Re-vet the address a socket actually connected to (defence in depth)."""
        ip = ipaddress.ip_address(str(peer[0]))
        why = self.check_address(ip)
        if why is not None:
            raise BlockedAddressError(f"connected to a refused address: {why}")
