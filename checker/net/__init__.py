"""Where the checker's requests may go: the address guard, the pinned transport, the token
policy and the one-file fetch (a remote registry).

Nothing here is imported by an offline check; ``transport`` and ``fetch`` load ``requests``.
The package itself imports nothing, so ``credentials`` and ``guard`` stay cheap to import.
"""
