"""Result rows, the run's context and the one table the harness prints; progress lines on stderr."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field


@dataclass
class Row:
    """One figure: ours against the baseline measured in the same run.

    `fmt` formats both values ("{:,.0f} req/s"); `better` says which way is good ("higher"/"lower") and
    only decorates the ratio. The ratio is always ours / baseline.

    `goal` states the target in words ("≥ 0.5×", "< 1 s"); `met` says whether this run reached it
    (None when the row has no goal, or the run was too small to judge, as in --short).
    """

    figure: str
    ours: float | None
    baseline: float | None
    fmt: str = "{:,.1f}"
    better: str = "higher"
    note: str = ""
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline


@dataclass
class Context:
    duration: float = 10.0  # seconds of measured load per server
    warmup: float = 2.0
    threads: int = 2
    connections: int = 16
    repeat: int = 1  # interleaved runs per server; the table shows medians
    loadgen: str = "auto"  # "auto" (wrk when installed), "wrk" or "python"
    # --short: every benchmark runs end to end on small data with short load, so a broken bench fails CI;
    # its figures prove the code path, not the goal (Row.met is left None).
    short: bool = False
    notes: list[str] = field(default_factory=list)

    def scaled(self, full: int, short: int) -> int:
        """`full` normally, `short` under --short: the size of a benchmark's data."""
        return short if self.short else full

    def judge(self, reached: bool) -> bool | None:
        """Whether a goal was met — unjudged under --short, where the data is too small to say."""
        return None if self.short else reached

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _cell(value: float | None, fmt: str) -> str:
    return "—" if value is None else fmt.format(value)


def _goal_cell(row: Row) -> str:
    if not row.goal:
        return ""
    return row.goal + {True: " ✓", False: " ✗", None: ""}[row.met]


def format_table(rows: list[Row]) -> str:
    """A Markdown table: figure | ours | baseline | ratio (ours / baseline; ↑ higher is better, ↓ lower)
    | goal (✓ met in this run, ✗ missed)."""
    header = ("figure", "ours", "baseline", "ratio", "goal")
    body = []
    for row in rows:
        arrow = {"higher": " ↑", "lower": " ↓"}.get(row.better, "")
        figure = row.figure + arrow + (f" ({row.note})" if row.note else "")
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
        body.append((figure, _cell(row.ours, row.fmt), _cell(row.baseline, row.fmt), ratio, _goal_cell(row)))
    widths = [max(len(cells[i]) for cells in [header, *body]) for i in range(len(header))]

    def line(cells):
        return (
            "| "
            + " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), rule, *(line(cells) for cells in body)])
