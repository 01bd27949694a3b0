"""Shared test settings and fixtures: hypothesis runs a bounded number of examples unless asked
for more; ``host`` and ``home`` serve every test that runs the action.

``HYPOTHESIS_PROFILE=long`` (see ``scripts/fuzz.sh``) runs the fuzz tests for much longer
(``FUZZ_EXAMPLES`` per property, default 5000).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.action_support import Host

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def host(tmp_path: Path) -> Host:
    """The runner's side of an action test: its temp folders and how it starts the action."""
    return Host(tmp_path / "runner")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A HOME for git in a test (no user config leaks in)."""
    path = tmp_path / "home"
    path.mkdir()
    return path
