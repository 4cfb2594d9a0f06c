"""How long a progress card and a weekly recap take to draw, and whether memory stays flat.

Draws the card of a pair whose names mix scripts and emoji (so every shipped font and
the emoji scaling are used), the way `/progress` does but without Discord: the first
draw (which loads the fonts), then the median of 200, against the 50 ms target. Then
1,000 more draws, reading the process's resident memory every 100: flat means the
fonts and emoji tiles are loaded once and every image is released. Last, a recap.

Run from the repository root: `python bench/pictures.py`; `--save DIR` also writes the
card and the recap drawn here as PNGs (the README's pictures are made this way).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.progress import Cell, MemberProgress, ProgressCard, grid_weeks
from bot.schedule import WeeklyTime
from bot.store.leaderboard import Ranked
from bot.store.recaps import Confirmed, Recap, Week
from cogs.leaderboard.recap import Shown, draw_recap
from cogs.progress.card import Person, draw_card

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)  # simulated time; never the wall clock
TARGET_MS = 50
SAMPLES = 200
LONG_RUN = 1_000
PAGE = 4096
C = Cell


def card() -> ProgressCard:
    weeks = grid_weeks(WeeklyTime(0, 18 * 60, "Europe/Berlin"), NOW)
    first = (C.BEFORE, C.CHECKED, C.CHECKED, C.MISSED, C.CHECKED, C.PAUSED)
    mentor = (C.BEFORE,) + (C.NOT_ASKED,) * 11  # a mentor is never asked to check in
    return ProgressCard(
        partnership_id=1,
        course="Introduction to Machine Learning 機械学習",
        weeks=weeks,
        members=(
            MemberProgress(1, first + (C.CHECKED,) * 5 + (C.DUE,), 6, 4),
            MemberProgress(2, mentor, 0, 0, checks_in=False),
        ),
        pool=1_250,
        currency="points",
        started=NOW - timedelta(days=80),
        now=NOW,
    )


PEOPLE = {1: Person("Ana 李小龍 😀👩‍💻", "🌱 mentee"), 2: Person("Дмитрий Ωμέγα", "🧭 mentor")}


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def timed_ms(draw: object) -> float:
    start = time.perf_counter()
    draw()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> None:
    shown = card().focused_on(2)  # a mentor's card: their mentee's weeks and figures
    save = Path(sys.argv[sys.argv.index("--save") + 1]) if "--save" in sys.argv else None
    print(f"first card (loads the fonts): {timed_ms(lambda: draw_card(shown, PEOPLE)):.1f} ms")
    samples = [timed_ms(lambda: draw_card(shown, PEOPLE)) for _ in range(SAMPLES)]
    median = statistics.median(samples)
    print(
        f"card: median {median:.1f} ms, p95 {statistics.quantiles(samples, n=20)[-1]:.1f} ms"
        f" over {SAMPLES} draws (target < {TARGET_MS} ms: {'met' if median < TARGET_MS else 'MISSED'})"
    )
    gc.collect()
    readings = [resident_mib()]
    for done in range(1, LONG_RUN + 1):
        draw_card(shown, PEOPLE)
        if done % 100 == 0:
            gc.collect()
            readings.append(resident_mib())
    growth = readings[-1] - readings[1]
    print(
        f"resident memory over {LONG_RUN} more draws (MiB, every 100): "
        + " ".join(f"{r:.1f}" for r in readings)
        + f"; growth after the first 100: {growth:+.1f} MiB"
    )
    recap = Recap(1, 1, NOW - timedelta(days=7), NOW, "Europe/Berlin")
    confirmed = [Confirmed(n, f"Chapter {n} exercises") for n in range(1, 6)]
    week = Week(40, 12, confirmed, [Ranked(n, 6 - n, n) for n in range(1, 6)], longest_streak=9)
    names = Shown({n: f"member {n} 😀" for n in range(1, 6)}, {1: " · 🌱 mentee"}, {5})
    picture = draw_recap(recap, week, names)
    if save is not None:
        (save / "progress-card.png").write_bytes(draw_card(shown, PEOPLE))
        (save / "weekly-recap.png").write_bytes(picture)
        print(f"saved progress-card.png and weekly-recap.png in {save}")
    recap_ms = statistics.median(
        timed_ms(lambda: draw_recap(recap, week, names)) for _ in range(50)
    )
    print(f"weekly recap: median {recap_ms:.1f} ms over 50 draws")


if __name__ == "__main__":
    main()
