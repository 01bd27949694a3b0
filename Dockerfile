# The action's image. GitHub builds it at the start of every job that uses the action
# (action.yml: runs.image: Dockerfile), with the action's folder as the build context.
#
# The base is python:3.12-slim (Debian bookworm) pinned to the digest of its multi-platform
# index, so every job builds on the same bytes. To move it, read the current digest with
#   docker buildx imagetools inspect python:3.12-slim
# A build may pass another base with --build-arg BASE_IMAGE=... (it needs python3 with venv).
ARG BASE_IMAGE=python:3.12-slim@sha256:2fe5997d249a808b8eeea52c58a1dbffbba28754dc11699ef5c029f2d818ce79
FROM ${BASE_IMAGE}

# git reads the pull request's base commit and fetches it into shallow checkouts. GitHub mounts
# the workspace owned by the runner's user (uid 1001) while the container runs as root, and git
# refuses such a repository ("detected dubious ownership") unless it is marked safe.
# The Debian package follows the base image's release; pinning its version would break the
# build at the next point release.
# hadolint ignore=DL3008
RUN if ! command -v git >/dev/null; then \
        apt-get update \
        && apt-get install -y --no-install-recommends git \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && git config --system --add safe.directory '*'

# The checker in its own virtualenv, from this repository's sources only.
COPY pyproject.toml README.md /src/
COPY checker /src/checker
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check /src \
    && rm -rf /src

# -I: the workspace is the working directory, and a folder named "checker" in a checked
# repository must not be imported in place of the action's own code.
ENTRYPOINT ["/opt/venv/bin/python", "-I", "-m", "checker.action"]
