"""Settings of the live link check."""

from __future__ import annotations

from dataclasses import dataclass, field

from checker import __version__
from checker.net.credentials import TokenPolicy

DEFAULT_USER_AGENT = (
    f"subprocessor-check/{__version__} (+https://github.com/subprocessor-check/subprocessor-check)"
)


@dataclass(slots=True)
class LinkOptions:
    """How the live link check behaves. The defaults suit a CI run over one page."""

    concurrency: int = 64
    """Requests in flight at once, across all hosts (worker threads)."""
    per_host: int = 4
    """Requests in flight at once to one host name; politeness towards a single server."""
    connect_timeout: float = 5.0
    """Seconds to wait for a TCP (and TLS) connection."""
    read_timeout: float = 12.0
    """Seconds to wait for the response headers (and between received packets). Generous
    because many vendor pages are slow to render; the budget bounds the whole run."""
    retries: int = 3
    """Extra attempts after a timeout, connection error, 429 or 5xx."""
    backoff_base: float = 0.5
    """First retry delay in seconds; doubles per retry, with jitter."""
    backoff_cap: float = 8.0
    """Longest backoff delay in seconds."""
    retry_after_cap: float = 30.0
    """Longest wait honoured from a ``Retry-After`` header, in seconds."""
    max_redirects: int = 10
    """Redirect hops followed before the URL is reported broken."""
    budget: float = 120.0
    """Seconds for the whole run; URLs not finished by then are reported unreachable."""
    allow_private: bool = False
    """Turn the network guard off: allow loopback, private, link-local… addresses."""
    allow_networks: list[str] = field(default_factory=list)
    """CIDR ranges the guard lets through although they are not public (an intranet docs
    host, a test server); everything else stays guarded."""
    exclude: list[str] = field(default_factory=list)
    """Patterns (RE2 syntax, searched anywhere in the URL); a matching URL is not requested
    (``excluded``)."""
    accept: dict[str, set[int]] = field(default_factory=dict)
    """Pattern (RE2) -> extra status codes that count as ok for matching URLs (e.g.
    ``{"linkedin\\\\.com": {999}, "example\\\\.org": {403}}`` for sites that refuse robots)."""
    cache_path: str | None = None
    """JSON file remembering good results between runs; ``None`` disables the cache."""
    cache_ttl: float = 86400.0
    """Seconds a remembered ok/redirected result stays valid."""
    token: TokenPolicy = field(default_factory=TokenPolicy)
    """The token and where it may go (``Authorization: Bearer``, GitHub hosts over https
    only), decided by the transport for every request and every redirect hop."""
    user_agent: str = DEFAULT_USER_AGENT
    """The ``User-Agent`` header; names the tool and where to read about it."""

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        if self.retries < 0 or self.max_redirects < 0:
            raise ValueError("retries and max_redirects must not be negative")
        if min(self.connect_timeout, self.read_timeout, self.budget) <= 0:
            raise ValueError("timeouts and budget must be positive")
