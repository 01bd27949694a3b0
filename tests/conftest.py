"""Shared test settings: hypothesis runs a bounded number of examples unless asked for more.

``HYPOTHESIS_PROFILE=long`` (see ``scripts/fuzz.sh``) runs the fuzz tests for much longer
(``FUZZ_EXAMPLES`` per property, default 5000).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
