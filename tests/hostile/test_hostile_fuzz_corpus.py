"""The fuzz target (tests/fuzz/fuzz_headers.py) as a regression test, without atheris: every file of
its kept corpus, and deterministic mutations of each (truncations, flipped and overwritten bytes),
must give an answer or a user error, never another exception."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "fuzz"))
from fuzz_headers import CORPUS, FORMATS, one_input

SEEDS = [(fmt, f) for fmt in FORMATS for f in sorted((CORPUS / fmt).iterdir())]


def _mutations(data: bytes, rng: random.Random, count: int):
    interesting = [b"\x00", b"\xff", b"-", b"9", b"(", b"]", b"\"", b"'", b"\x7f"]
    for _ in range(count):
        d = bytearray(data)
        kind = rng.randrange(3)
        if kind == 0 and d:
            d = d[: rng.randrange(len(d))]
        elif kind == 1 and d:
            for _ in range(rng.randint(1, 4)):
                d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)
        elif d:
            at = rng.randrange(min(len(d), 160))  # mostly inside the header
            piece = rng.choice(interesting) * rng.randint(1, 3)
            d[at:at + len(piece)] = piece
        yield bytes(d)


def test_the_corpus_covers_every_format():
    assert {fmt for fmt, _ in SEEDS} == set(FORMATS)


@pytest.mark.parametrize(("fmt", "seed"), SEEDS, ids=[f"{fmt}-{f.stem}" for fmt, f in SEEDS])
def test_seed_and_its_mutations_give_an_answer_or_a_user_error(fmt, seed):
    data = seed.read_bytes()
    one_input(fmt, data)
    rng = random.Random(seed.name)
    for mutated in _mutations(data, rng, 40):
        one_input(fmt, mutated)
