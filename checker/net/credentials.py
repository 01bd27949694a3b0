"""Where a token may go: one decision, on the URL exactly as the HTTP client connects to it.

A pull request chooses the registry URL and every link on the page, and the job's token is in
the environment. Deciding "is this GitHub?" with ``urlsplit`` is not enough: urllib3 reads
``https://attacker\\@github.com/`` as a request to ``attacker`` while ``urlsplit`` sees
``github.com``. So the transport asks ``TokenPolicy.header`` on every request it sends (every
redirect hop included), with the URL requests prepared, and the answer is "yes" only when
every parser agrees on a plain host name from the list: https, port 443, no user info, only
printable ASCII, no backslash, no percent-encoded or bracketed host. Anything ambiguous gets
no token; the request itself may still go out (the link is then checked anonymously).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

GITHUB_HOSTS: frozenset[str] = frozenset(
    {
        "github.com",
        "api.github.com",
        "raw.githubusercontent.com",
        "gist.github.com",
        "gist.githubusercontent.com",
    }
)
"""Hosts that receive the token (over https only). Deliberately not the CDN hosts
(``objects.githubusercontent.com``, ``codeload.github.com``) that GitHub redirects downloads
to with signed URLs: they need no token and should not see one."""

_PLAIN_URL = re.compile(r"[\x21-\x7e]+")
"""Printable ASCII without space: a URL with a control character, a space or a non-ASCII
character is read differently by different parsers (WHATWG drops tabs and newlines)."""

_PLAIN_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")


class Origin(NamedTuple):
    """A host and port that may receive the token, over https."""

    host: str
    """Lower-case host name, as urllib3 connects to it."""
    port: int = 443
    """TCP port; a URL without one means 443."""


GITHUB_ORIGINS: frozenset[Origin] = frozenset(Origin(host) for host in GITHUB_HOSTS)


@dataclass(slots=True, frozen=True)
class TokenPolicy:
    """A token and the places it may be sent to."""

    token: str | None = None
    """The secret; ``None`` sends nothing anywhere."""
    origins: frozenset[Origin] = field(default=GITHUB_ORIGINS)
    """Where it may go: GitHub's hosts on 443, plus the workflow's own server."""

    def header(self, url: str) -> str | None:
        """The ``Authorization`` value for a request to ``url``, or ``None``.

        >>> policy = TokenPolicy("s3cret")
        >>> policy.header("https://raw.githubusercontent.com/o/r/main/subprocessors.yml")
        'Bearer s3cret'
        >>> policy.header("https://attacker.example\\\\@github.com/x") is None
        True
        >>> policy.header("http://github.com/x") is None
        True
        """
        if not self.token or refusal(url, self.origins) is not None:
            return None
        return f"Bearer {self.token}"


def refusal(url: str, origins: frozenset[Origin]) -> str | None:
    """Why a token may not go to ``url``, or ``None`` when it may.

    >>> refusal("https://github.com/o/r", GITHUB_ORIGINS) is None
    True
    >>> refusal("https://github.com:8443/o/r", GITHUB_ORIGINS)
    "'github.com' on port 8443 does not receive the token"
    >>> refusal("https://user@github.com/o/r", GITHUB_ORIGINS)
    'the URL has user info'
    >>> refusal("https://github.com.attacker.example/", GITHUB_ORIGINS)
    "'github.com.attacker.example' on port 443 does not receive the token"
    """
    if not _PLAIN_URL.fullmatch(url):
        return "the URL has a space, a control or a non-ASCII character"
    if "\\" in url:
        return "the URL has a backslash"
    # Imported here: urllib3 comes with requests, which an offline check never loads.
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    try:
        theirs = parse_url(url)
        ours = urlsplit(url)
        our_port = ours.port
    except (LocationParseError, ValueError):
        return "the URL cannot be parsed"
    authority = ours.netloc
    if "@" in authority or theirs.auth is not None or ours.username is not None:
        return "the URL has user info"
    scheme = (theirs.scheme or "").lower()
    if scheme != "https" or ours.scheme.lower() != "https":
        return f"the scheme is {scheme or 'missing'}, not https"
    host = theirs.host or ""
    if host != (ours.hostname or "") or host != authority.lower().rsplit(":", 1)[0]:
        return "the URL's host reads differently to different parsers"
    if not _PLAIN_HOST.fullmatch(host):
        return f"{host!r} is not a plain host name"
    if our_port != theirs.port:
        return "the URL's port reads differently to different parsers"
    port = theirs.port if theirs.port is not None else 443
    if Origin(host, port) not in origins:
        return f"{host!r} on port {port} does not receive the token"
    return None


def token_policy(token: str | None, env: Mapping[str, str]) -> TokenPolicy:
    """The policy for ``token``: GitHub's hosts, plus the server the workflow runs on.

    ``GITHUB_SERVER_URL`` is set by the runner (GitHub Enterprise Server names its own host
    there), not by the repository, so its origin is trusted as much as github.com is.

    >>> policy = token_policy("t", {"GITHUB_SERVER_URL": "https://ghe.example.com"})
    >>> policy.header("https://ghe.example.com/api/v3/repos/o/r/contents/x.yml")
    'Bearer t'
    >>> token_policy("t", {"GITHUB_SERVER_URL": "http://ghe.example.com"}).origins == GITHUB_ORIGINS
    True
    """
    server = (env.get("GITHUB_SERVER_URL") or "").rstrip("/")
    origins = GITHUB_ORIGINS
    try:
        parts = urlsplit(server)
        origin = Origin((parts.hostname or "").lower(), parts.port or 443)
    except ValueError:
        return TokenPolicy(token, origins)
    if refusal(server + "/", frozenset({origin})) is None:
        origins = origins | {origin}
    return TokenPolicy(token, origins)
