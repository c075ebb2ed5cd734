from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI runs the same number of examples as a developer; derandomized so a CI failure
# reproduces locally.
settings.register_profile(
    "cinq",
    max_examples=int(os.environ.get("CINQ_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("cinq")
