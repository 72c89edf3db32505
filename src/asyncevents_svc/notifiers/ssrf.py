"""The SSRF guard: webhooks only go to globally routable addresses unless allow-listed.

A recipient whose host is, or resolves to, a loopback, private (RFC 1918, CGNAT
100.64.0.0/10, IPv6 unique local fc00::/7), link-local (169.254.0.0/16, fe80::/10, cloud
metadata endpoints), multicast, reserved, unspecified or otherwise non-global address is
refused. IPv4 addresses embedded in IPv6 (``::ffff:127.0.0.1``, ``::127.0.0.1``, NAT64
``64:ff9b::/96``, 6to4 ``2002::/16``) are unwrapped first.

Escapes, from ``settings.security``:

- ``recipient_allowlist``: CIDRs (a bare address is a /32 or /128) and exact host names that
  are let through whatever they resolve to.
- ``allow_loopback_in_development``: with ``env == "development"`` loopback (only) is
  allowed, so a local receiver works out of the box.
- ``https_only``: ``http://`` recipients are refused.

The same guard protects the payload fetches of ``asyncevents.http_fetch``
(:data:`FETCHES`, see :mod:`asyncevents_svc.catalogue.fetch`): a fetch normally targets an
internal service, so fetches have their own allow-list, ``fetch_allowlist`` (allowing an
internal host for fetches must not open it to subscribers' recipients); the development
loopback exemption applies alike; ``https_only`` does not (the operator writes the scheme
of a fetch template, nobody else does).

The guard runs twice:

- at create/update (:meth:`RecipientPolicy.check_url`): IP literals in a refused range and
  names that resolve to a refused address are refused. A name that does not resolve is
  accepted there (``allow_unresolved=True``): its DNS may be internal or not set up yet,
  and it cannot be proven private; the send-time check decides.
- at send time: :meth:`RecipientPolicy.precheck` (scheme, ``https_only``, IP literals,
  which aiohttp never hands to a resolver) and :class:`GuardedResolver`, which the
  connector uses for every name, so the address that was checked is the address that is
  connected to (no DNS-rebinding window). A refusal raises :class:`RecipientRefused`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from asyncevents_svc.notifiers.urls import NOT_HTTP, split_http
from asyncevents_svc.settings import SecuritySettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

LOOPBACK = "loopback"

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_RFC1918 = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_ULA = ipaddress.IPv6Network("fc00::/7")
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, ...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)


@dataclass(frozen=True)
class GuardedUse:
    """What a policy guards: the word its refusals use, its allow-list and whether
    ``https_only`` applies."""

    noun: str
    allowlist_setting: str
    https_only_applies: bool

    @property
    def hint(self) -> str:
        return f"allow-list it with ASYNCEVENTS_SECURITY__{self.allowlist_setting.upper()}"


RECIPIENTS = GuardedUse("recipient", "recipient_allowlist", https_only_applies=True)
FETCHES = GuardedUse("fetch", "fetch_allowlist", https_only_applies=False)
ALLOWLIST_HINT = RECIPIENTS.hint


class AllowlistError(ValueError):
    """An allow-list entry is neither a host name nor a valid CIDR; start-up stops with it."""


class RecipientRefused(OSError):
    """Raised by :class:`GuardedResolver`; aiohttp wraps it in a ``ClientConnectorError``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), else ``ip``."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    embedded = ipaddress.IPv4Address(ip.packed[-4:])
    if ip in _NAT64_WELL_KNOWN or ip in _IPV4_TRANSLATED:
        return embedded
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:  # not "::" nor "::1", which are themselves
        return embedded
    return ip


def classify(ip: IPAddress) -> str | None:
    """Why ``ip`` (already unwrapped) is not a public address, or ``None`` if it is."""
    category = _category(ip)
    if category is not None and ip in _METADATA:
        return f"{category} (a cloud metadata endpoint)"
    return category


def _category(ip: IPAddress) -> str | None:
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return LOOPBACK
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address):
        if ip in _CGNAT:
            return "private (shared address space, CGNAT 100.64.0.0/10)"
        if any(ip in net for net in _RFC1918):
            return "private (RFC 1918)"
    else:
        if ip in _ULA:
            return "private (unique local, fc00::/7)"
        if ip.is_site_local:
            return "private (site-local, fec0::/10)"
        if ip in _NAT64_LOCAL:
            return "reserved (local-use NAT64, 64:ff9b:1::/48)"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "not globally routable"
    return None


def parse_address(text: str) -> IPAddress | None:
    """An IP address from a URL host or a resolver answer (``[::1]``, ``fe80::1%eth0``), else None."""
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def display(ip: IPAddress) -> str:
    """``ip`` as text, IPv4-mapped ones as ``::ffff:127.0.0.1`` on every Python version."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return f"::ffff:{ip.ipv4_mapped}"
    return str(ip)


def looks_numeric(host: str) -> bool:
    """aiohttp's test for an IP-literal host: such hosts never reach a resolver."""
    return ":" in host or host.replace(".", "").isdigit()


def normalize_host(host: str) -> str:
    """Lower case, no trailing dot, IDNA-encoded (as the client sends it)."""
    host = host.strip().rstrip(".").lower()
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return host


class RecipientPolicy:
    """Decides which addresses webhooks — or, with ``use=FETCHES``, payload fetches — may go
    to (see the module doc)."""

    def __init__(
        self,
        security: SecuritySettings,
        env: str,
        *,
        resolve_timeout: float = 5.0,
        use: GuardedUse = RECIPIENTS,
    ) -> None:
        self.use = use
        self.https_only = security.https_only and use.https_only_applies
        self.loopback_allowed = env == "development" and security.allow_loopback_in_development
        self.resolve_timeout = resolve_timeout
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        allowlist: list[str] = getattr(security, use.allowlist_setting)
        for entry in allowlist:
            entry = entry.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                if "/" in entry or ":" in entry or entry.replace(".", "").isdigit():
                    raise AllowlistError(
                        f"{use.allowlist_setting} entry {entry!r} is not a valid CIDR "
                        f"(ASYNCEVENTS_SECURITY__{use.allowlist_setting.upper()})"
                    ) from None
                hosts.add(normalize_host(entry))
        self.allowed_networks = tuple(networks)
        self.allowed_hosts = frozenset(hosts)

    # --- addresses -------------------------------------------------------------------------

    def is_allowlisted(self, ip: IPAddress) -> bool:
        return any(ip in net or unwrap(ip) in net for net in self.allowed_networks)

    def refused_category(self, ip: IPAddress) -> str | None:
        """Why ``ip`` is refused under this policy (allow-list and exemptions applied), or None."""
        if self.is_allowlisted(ip):
            return None
        category = classify(unwrap(ip))
        if category == LOOPBACK and self.loopback_allowed:
            return None
        return category

    def check_address(self, ip: IPAddress | str) -> str | None:
        """``None`` if webhooks may go to ``ip``, else the reason (for an attempt record or a 422)."""
        address = parse_address(ip) if isinstance(ip, str) else ip
        if address is None:
            return f"{self.use.noun} address {ip!r} is not an IP address"
        category = self.refused_category(address)
        if category is None:
            return None
        inner = unwrap(address)
        shown = ip.strip("[]") if isinstance(ip, str) else display(address)
        if inner != address:
            shown = f"{shown} ({inner})"
        return f"{self.use.noun} address {shown} is {category}; {self.use.hint}"

    # --- hosts and URLs ---------------------------------------------------------------------

    def is_host_allowlisted(self, host: str) -> bool:
        return normalize_host(host) in self.allowed_hosts

    def precheck(self, url: str) -> str | None:
        """Everything that needs no DNS: the scheme, ``https_only`` and IP-literal hosts."""
        split = split_http(url)
        if split is None:
            return NOT_HTTP
        parts, host = split
        if self.https_only and parts.scheme != "https":
            return "must use https (ASYNCEVENTS_SECURITY__HTTPS_ONLY is set)"
        if self.is_host_allowlisted(host) or not looks_numeric(host):
            return None
        return self._check_literal(host)

    def _check_literal(self, host: str) -> str | None:
        address = parse_address(host)
        if address is None:
            return f"{self.use.noun} host {host} is not a canonical IP address"
        return self.check_address(address)

    async def check_url(self, url: str, *, allow_unresolved: bool = False) -> str | None:
        """``None`` if webhooks may go to ``url``, else why not (see :meth:`check_host`)."""
        problem = self.precheck(url)
        if problem is not None:
            return problem
        host = urlsplit(url).hostname
        assert host is not None  # precheck refuses URLs without one
        return await self.check_host(host, allow_unresolved=allow_unresolved)

    async def check_host(self, host: str, *, allow_unresolved: bool = False) -> str | None:
        """``None`` if notifications may go to ``host``, else why not.

        An IP literal is judged as it is. A host name is resolved with the event loop's
        ``getaddrinfo`` and refused if ANY of its addresses is refused (unless the name is
        allow-listed). A name that does not resolve is refused, or accepted with
        ``allow_unresolved`` (create time: see the module doc)."""
        if self.is_host_allowlisted(host):
            return None
        if looks_numeric(host):
            return self._check_literal(host)
        try:
            async with asyncio.timeout(self.resolve_timeout):
                infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, TimeoutError, UnicodeError) as exc:
            if allow_unresolved:
                return None
            why = "timed out" if isinstance(exc, TimeoutError) else str(exc)
            return f"{self.use.noun} host {host} does not resolve ({why})"
        for info in infos:
            address = parse_address(str(info[4][0]))
            if address is None:
                return f"{self.use.noun} host {host} resolves to {info[4][0]!r}, which is not an IP address"
            category = self.refused_category(address)
            if category is not None:
                shown, use = display(address), self.use
                return f"{use.noun} host {host} resolves to {shown}, which is {category}; {use.hint}"
        return None

    def resolver(self, inner: AbstractResolver | None = None) -> GuardedResolver:
        """An aiohttp resolver enforcing this policy (create it inside the running loop)."""
        return GuardedResolver(self, inner)


class GuardedResolver(AbstractResolver):
    """Wraps aiohttp's :class:`ThreadedResolver` and drops every address the policy refuses.

    The connector connects to what this returns, so there is no second lookup an attacker's
    DNS could answer differently. When nothing is left it raises :class:`RecipientRefused`.
    """

    def __init__(self, policy: RecipientPolicy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self.inner = inner if inner is not None else ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        if self.policy.is_host_allowlisted(host):
            return results
        kept: list[ResolveResult] = []
        reasons: list[str] = []
        for result in results:
            address = parse_address(result["host"])
            category = "not an IP address" if address is None else self.policy.refused_category(address)
            if category is None:
                kept.append(result)
            else:
                reasons.append(f"{result['host']}, which is {category}")
        if not kept:
            found = "; ".join(reasons) or "no address"
            use = self.policy.use
            raise RecipientRefused(f"{use.noun} host {host} resolves to {found}; {use.hint}")
        return kept

    async def close(self) -> None:
        await self.inner.close()
