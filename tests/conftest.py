"""Shared fixtures and hypothesis profiles.

ARGREDUCE_FUZZ=long runs the differential suites with many more examples (tens of thousands in
all); the default profile keeps `make test` to a few minutes on two cores.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=10000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile("long" if os.environ.get("ARGREDUCE_FUZZ") == "long" else "default")
