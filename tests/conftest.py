"""Shared fixtures and hypothesis profiles.

ARGREDUCE_FUZZ=long runs the differential suites with many more examples (tens of thousands in
all); the default profile keeps `make test` to a few minutes on two cores; ARGREDUCE_FUZZ=quick is
the compact run test_isa.py repeats under each instruction set.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=10000, deadline=None, suppress_health_check=list(HealthCheck)
)
# A compact run, for repeating the differential suites under each instruction set (test_isa.py).
settings.register_profile(
    "quick", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_fuzz = os.environ.get("ARGREDUCE_FUZZ", "")
settings.load_profile(_fuzz if _fuzz in ("long", "quick") else "default")
