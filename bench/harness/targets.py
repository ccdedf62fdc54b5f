"""The issue's targets: their thresholds, the questions they are about, and the verdicts
(pass, fail, not measured) of a run's results."""

from __future__ import annotations

from dataclasses import dataclass

from .knowledge_base import COMMON_WORD, PAGE_DEPTH, SizeResult
from .wrk import Wrk

# The targets of the issue, measured on the 1,000,000-event knowledge base.
TARGET_N = 1_000_000
FLAT_N = 10_000
DATASETTE_FACTOR = 5.0
FLOOR_FACTOR = 0.35
EVENTS_P99_MS = 15.0
FLAT_RATIO = 0.9
DEEP_PAGE_RATIO = 0.9
DOSSIER_P99_MS = 50.0
LOAD_SECONDS = 90.0
STALL_MS = 2000.0  # wrk's default --timeout: a request slower than this is a timeout error


def _fmt_ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


QUESTIONS = {
    "events": "Entente `GET /api/v1/events?country=RU&country=FR&limit=50`",
    "datasette_events": "Datasette, the equivalent canned query (`_shape=array`)",
    "floor": "Floor: FastAPI constant JSON",
    "events_deep_page": "Entente, the same list, page {page} (via cursor)",
    "relations": "Entente `GET /api/v1/relations/RU/FR` (dossier)",
    "timeline": "Entente `GET /api/v1/relations/RU/FR/timeline`",
    "search": f"Entente `GET /api/v1/search?q={COMMON_WORD}`",
    "events_c256": "Entente events list, 256 connections",
    "floor_c256": "Floor, 256 connections (the same load on the framework alone)",
    "events_c256_t1": "Entente events list, 256 connections, one wrk thread (`-t1`)",
    "floor_c256_t1": "Floor, 256 connections, one wrk thread (`-t1`)",
}
ORDER = list(QUESTIONS)


@dataclass
class Verdict:
    target: str
    threshold: str
    measured: str
    passed: bool | None  # None: not measured
    note: str = ""


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def verdicts(results: dict[int, SizeResult]) -> list[Verdict]:
    measured = [n for n, r in results.items() if r.runs]
    big = TARGET_N if TARGET_N in measured else (max(measured) if measured else None)
    loaded = [n for n, r in results.items() if r.load_seconds is not None]
    load_n = TARGET_N if TARGET_N in loaded else (max(loaded) if loaded else None)
    out: list[Verdict] = []

    def note(n: int | None) -> str:
        if n is None:
            return "not measured"
        return "" if n == TARGET_N else f"measured on {n:,} events, not {TARGET_N:,}"

    def run(name: str) -> Wrk | None:
        return results[big].runs.get(name) if big is not None else None

    def clean(*runs: Wrk | None) -> str:
        """What makes these runs' numbers no pass: errors, or no answer at all."""
        bad = []
        for r in runs:
            if r is None:
                continue
            if r.requests == 0:
                bad.append(f"{r.name}: no request completed in {r.seconds} s")
            elif r.errors:
                bad.append(f"{r.name}: {r.errors} error(s)")
        return "; ".join(bad)

    events = run("events")
    for other, label, factor in (
        (run("datasette_events"), "Events pair list vs Datasette (requests/s)", DATASETTE_FACTOR),
        (run("floor"), "Events pair list vs framework floor (requests/s)", FLOOR_FACTOR),
    ):
        if events and other:
            ratio = _ratio(events.rps, other.rps) or 0.0
            errs = clean(events, other)
            out.append(
                Verdict(
                    label,
                    f">= {factor:g}x",
                    f"{ratio:.2f}x",
                    ratio >= factor and not errs,
                    "; ".join(filter(None, [note(big), errs])),
                )
            )
    if events:
        errs = clean(events)
        out.append(
            Verdict(
                "Events pair list p99",
                f"<= {EVENTS_P99_MS:g} ms",
                f"{_fmt_ms(events.p99_ms)} ms" if events.max_ms else "no answer within 2 s",
                events.p99_ms <= EVENTS_P99_MS and not errs,
                "; ".join(filter(None, [note(big), errs])),
            )
        )
    small, large = results.get(FLAT_N), results.get(TARGET_N)
    if small and large and small.runs.get("events") and large.runs.get("events"):
        s, g = small.runs["events"], large.runs["events"]
        ratio = _ratio(g.rps, s.rps) or 0.0
        errs = clean(s, g)
        out.append(
            Verdict(
                f"Flat with size: events list requests/s, {TARGET_N:,} over {FLAT_N:,}",
                f">= {FLAT_RATIO:g}",
                f"{ratio:.2f}",
                ratio >= FLAT_RATIO and not errs,
                errs,
            )
        )
    else:
        out.append(
            Verdict(
                f"Flat with size: events list requests/s, {TARGET_N:,} over {FLAT_N:,}",
                f">= {FLAT_RATIO:g}",
                "-",
                None,
                f"needs both {FLAT_N:,} and {TARGET_N:,} in one run",
            )
        )
    deep = run("events_deep_page")
    if events and deep and big is not None:
        page = results[big].deep_page
        ratio = _ratio(deep.rps, events.rps) or 0.0
        errs = clean(events, deep)
        extra = "" if page >= PAGE_DEPTH else f"only {page} page(s) of RU-FR events"
        out.append(
            Verdict(
                f"Page {PAGE_DEPTH} via cursor costs the first's (requests/s ratio)",
                f">= {DEEP_PAGE_RATIO:g}",
                f"{ratio:.2f} (page {page})",
                (ratio >= DEEP_PAGE_RATIO and not errs) if page >= PAGE_DEPTH else None,
                "; ".join(filter(None, [note(big), extra, errs])),
            )
        )
    for name, label in (
        ("relations", "Relations dossier RU-FR p99"),
        ("timeline", "Relations timeline RU-FR p99"),
        ("search", f"Search `{COMMON_WORD}` p99"),
    ):
        r = run(name)
        if r:
            errs = clean(r)
            out.append(
                Verdict(
                    label,
                    f"<= {DOSSIER_P99_MS:g} ms",
                    f"{_fmt_ms(r.p99_ms)} ms" if r.max_ms else "no answer within 2 s",
                    r.p99_ms <= DOSSIER_P99_MS and not errs,
                    "; ".join(filter(None, [note(big), errs])),
                )
            )
    soak = run("events_c256")
    if soak:
        stalled = soak.max_ms >= STALL_MS or soak.requests == 0
        problems = [f"{soak.errors} error(s)"] if soak.errors else []
        if stalled:
            problems.append(f"stall: max latency {soak.max_ms:.0f} ms")
        if soak.seconds < 30:
            problems.append(f"{soak.seconds} s, not 30 s")
        floor_soak = run("floor_c256")
        if floor_soak:
            problems.append(
                f"the floor under the same load: {floor_soak.errors} error(s), "
                f"max {floor_soak.max_ms:.0f} ms"
            )
        one_thread = run("events_c256_t1")
        if one_thread:
            problems.append(
                f"with one wrk thread (`-t1`, not the issue's setting): "
                f"{one_thread.requests:,} requests, {one_thread.errors} error(s), "
                f"max {one_thread.max_ms:.0f} ms"
            )
        out.append(
            Verdict(
                "256 connections: every request answered, no error, no stall",
                f"0 errors, max latency < {STALL_MS / 1000:g} s",
                f"{soak.requests:,} requests, {soak.errors} errors, max {soak.max_ms:.0f} ms",
                not soak.errors and not stalled,
                "; ".join(filter(None, [note(big), *problems])),
            )
        )
    if load_n is not None:
        seconds = results[load_n].load_seconds or 0.0
        out.append(
            Verdict(
                "Bulk load, every reference and excerpt checked",
                f"<= {LOAD_SECONDS:g} s",
                f"{seconds:.1f} s",
                seconds <= LOAD_SECONDS,
                note(load_n),
            )
        )
    return out
