"""A terminal progress bar for long management commands (no dependency, works in CI logs)."""

import sys
from collections.abc import Iterable, Iterator


class Progress:
    """`with Progress(total, out) as bar: bar.step("stations")` draws `[#####.....] 50% stations`.

    On a terminal the bar redraws in place; in a log file each step is one line.
    """

    WIDTH = 30

    def __init__(self, total: int, out=None):
        self.total = max(total, 1)
        self.done = 0
        self.out = out or sys.stdout
        self.inline = getattr(self.out, "isatty", lambda: False)()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None and self.done < self.total:
            self.step("done", self.total - self.done)  # estimates may overshoot; finishing is finishing
        if self.inline:
            self.out.write("\n")
        self.out.flush()

    def step(self, label: str, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        filled = self.WIDTH * self.done // self.total
        line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {100 * self.done // self.total:3d}% {label}"
        self.out.write(f"\r{line:<80}" if self.inline else f"{line}\n")
        self.out.flush()

    def iterate(self, items: Iterable, label: str) -> Iterator:
        for item in items:
            yield item
            self.step(label)
