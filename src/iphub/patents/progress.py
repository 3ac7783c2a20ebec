"""A plain progress bar for the command line (no dependency, works in any terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.label, self.stream, self.width = label, stream, width
        self.started = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self._last < 0.2 and not (total and done >= total):
            return
        self._last = now
        rate = done / max(now - self.started, 1e-6)
        if total:
            frac = min(1.0, done / total)
            bar = "#" * int(frac * self.width)
            self.stream.write(
                f"\r{self.label} [{bar:<{self.width}}] {frac:6.1%} {done}/{total} ({rate:,.0f}/s)"
            )
        else:
            self.stream.write(f"\r{self.label} {done} ({rate:,.0f}/s)")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
