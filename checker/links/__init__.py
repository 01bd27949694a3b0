"""Live URL checking: is every link on the page still alive, and where does it lead?

``check_urls`` takes the URLs (with the places they are written) and ``LinkOptions`` and returns
one ``checker.model.LinkResult`` per distinct URL. Importing this package imports ``requests``;
nothing else in ``checker`` imports it eagerly, so checks that never go online stay fast.
"""

from checker.links.audit import check_urls, parse_retry_after
from checker.links.options import DEFAULT_USER_AGENT, LinkOptions
from checker.net.credentials import GITHUB_HOSTS, TokenPolicy
from checker.net.guard import BlockedAddressError, Resolver, refusal

__all__ = [
    "DEFAULT_USER_AGENT",
    "GITHUB_HOSTS",
    "BlockedAddressError",
    "LinkOptions",
    "Resolver",
    "TokenPolicy",
    "check_urls",
    "parse_retry_after",
    "refusal",
]
