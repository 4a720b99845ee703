"""A progress bar on standard error: bytes done, rate and time left, redrawn at most 10 times a
second, and only once a read has lasted half a second (short reads stay silent)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class Progress:
    WIDTH = 24

    def __init__(self, total: int | None, stream: TextIO | None = None, delay: float = 0.5):
        self.total, self.stream, self.delay = total, stream or sys.stderr, delay
        self.start = self.last = time.monotonic()
        self.position = 0
        self.drawn = False
        self.width = 0

    def update(self, position: int) -> None:
        self.position = position
        now = time.monotonic()
        if now - self.start >= self.delay and (now - self.last >= 0.1 or not self.drawn):
            self._draw(now)

    def _draw(self, now: float) -> None:
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = self.position / elapsed
        done = f"{human_bytes(self.position)}"
        if self.total:
            frac = min(1.0, self.position / self.total)
            fill = int(frac * self.WIDTH)
            left = (self.total - self.position) / rate if rate > 0 else 0
            line = (f"[{'#' * fill}{'.' * (self.WIDTH - fill)}] {done} / {human_bytes(self.total)}"
                    f"  {human_bytes(rate)}/s  {_clock(left)} left")
        else:
            line = f"{done}  {human_bytes(rate)}/s  {_clock(elapsed)}"
        # Spaces, not an escape code, wipe a longer previous line: logs of a forced bar stay readable.
        self.stream.write(f"\r{line}{' ' * max(0, self.width - len(line))}")
        self.stream.flush()
        self.width = len(line)
        self.drawn = True

    def close(self, completed: bool) -> None:
        """Leaves a finished bar on its line; wipes an unfinished one (an error message follows)."""
        if completed and (self.drawn or self.delay == 0):
            self._draw(time.monotonic())
            self.stream.write("\n")
        elif self.drawn:
            self.stream.write(f"\r{' ' * self.width}\r")
        self.stream.flush()
