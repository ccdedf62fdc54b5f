"""The issue's targets: their thresholds, the questions they are about, and the verdicts
(pass, fail, not measured) of a run's results."""

from __future__ import annotations

from dataclasses import dataclass

from .knowledge_base import COMMON_WORD, PAGE_DEPTH, WORKERS_CONNECTIONS, SizeResult
from .wrk import Wrk

# The targets of the issue, measured on the 1,000,000-event knowledge base.
TARGET_N = 1_000_000
FLAT_N = 10_000
DATASETTE_FACTOR = 4.0  # against the canned query of the same documents
EVENTS_P99_MS = 20.0  # at 32 connections
FLAT_RATIO = 0.85
DEEP_PAGE_LATENCY = 1.2  # page 100's p50 latency over page 1's, at 32 connections
LOAD_SECONDS = 120.0
STALL_MS = 1000.0  # 256 connections: no request over this
DETAIL_RATIO = 1.0  # the event detail's requests/s over the events page's
WORKERS_RATIO = 1.0  # `--workers N` requests/s over `--workers 1`
POSTGRES_RATIO = 0.4  # PostgreSQL's events page requests/s over SQLite's
POSTGRES_LOAD_SECONDS = 180.0


def _fmt_ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


_PAGE = "`GET /api/v1/events?country=RU&country=FR&limit=50`"
QUESTIONS = {
    "events": f"Entente {_PAGE}",
    "datasette_documents": "Datasette, the canned query of the same event documents",
    "datasette_rows": "Datasette, the canned query of the same events' bare rows",
    "floor": "Floor: FastAPI constant JSON",
    "events_deep_page": "Entente, the same list, page {page} (via cursor)",
    "event_detail": "Entente `GET /api/v1/events/{{id}}` (the first event of the page)",
    "relations": "Entente `GET /api/v1/relations/RU/FR` (dossier)",
    "timeline": "Entente `GET /api/v1/relations/RU/FR/timeline`",
    "search": f"Entente `GET /api/v1/search?q={COMMON_WORD}`",
    "postgres_events": "Entente on PostgreSQL, the events list",
    "postgres_event_detail": "Entente on PostgreSQL, the event detail",
    "events_c256": "Entente events list, 256 connections",
    "floor_c256": "Floor, 256 connections (the same load on the framework alone)",
    "events_c256_t1": "Entente events list, 256 connections, one wrk thread (`-t1`)",
    "floor_c256_t1": "Floor, 256 connections, one wrk thread (`-t1`)",
}
WORKERS_QUESTION = "Entente `serve --workers {workers}`, the events list"
BASELINE = "baseline_"  # the baseline's run of a question is "baseline_<question>"


def question(name: str, page: int) -> str:
    if name.startswith("workers_"):
        return WORKERS_QUESTION.format(workers=name.removeprefix("workers_"))
    return QUESTIONS[name].format(page=page)


def order(runs: dict[str, Wrk]) -> list[str]:
    """The rows of the results table: the questions in QUESTIONS' order, then the workers'."""
    workers = sorted(
        (name for name in runs if name.startswith("workers_")),
        key=lambda name: int(name.removeprefix("workers_")),
    )
    return [name for name in QUESTIONS if name in runs] + workers


@dataclass
class Verdict:
    target: str
    threshold: str
    measured: str
    passed: bool | None  # None: not measured
    note: str = ""


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _clean(*runs: Wrk | None) -> str:
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


def verdicts(results: dict[int, SizeResult]) -> list[Verdict]:
    measured = [n for n, r in results.items() if r.runs]
    big = TARGET_N if TARGET_N in measured else (max(measured) if measured else None)
    out: list[Verdict] = []

    def note(n: int | None, *more: str) -> str:
        where = (
            "not measured"
            if n is None
            else ("" if n == TARGET_N else f"measured on {n:,} events, not {TARGET_N:,}")
        )
        return "; ".join(filter(None, [where, *more]))

    def run(name: str) -> Wrk | None:
        return results[big].runs.get(name) if big is not None else None

    def ratio_verdict(
        label: str, a: Wrk | None, b: Wrk | None, factor: float, unit: str, why: str = ""
    ) -> None:
        if a is None or b is None:
            out.append(Verdict(label, f">= {factor:g}{unit}", "-", None, why or note(None)))
            return
        ratio = _ratio(a.rps, b.rps) or 0.0
        errs = _clean(a, b)
        out.append(
            Verdict(
                label,
                f">= {factor:g}{unit}",
                f"{ratio:.2f}{unit} ({a.rps:,.0f} / {b.rps:,.0f})",
                ratio >= factor and not errs,
                note(big, errs),
            )
        )

    events = run("events")
    ratio_verdict(
        "Events pair list vs Datasette's canned query of the same documents (requests/s)",
        events,
        run("datasette_documents"),
        DATASETTE_FACTOR,
        "x",
    )
    if events:
        errs = _clean(events)
        out.append(
            Verdict(
                "Events pair list p99, 32 connections",
                f"<= {EVENTS_P99_MS:g} ms",
                f"{_fmt_ms(events.p99_ms)} ms" if events.max_ms else "no answer within 2 s",
                events.p99_ms <= EVENTS_P99_MS and not errs,
                note(big, errs),
            )
        )
    soak = run("events_c256")
    label = "256 connections: every request answered, none over 1 s"
    threshold = f"0 errors, max latency < {STALL_MS / 1000:g} s"
    if soak:
        stalled = soak.max_ms >= STALL_MS or soak.requests == 0
        problems = []
        if soak.seconds < 30:
            problems.append(f"{soak.seconds} s, not 30 s")
        for other, what in (
            ("floor_c256", "the floor under the same load"),
            ("events_c256_t1", "with one wrk thread (`-t1`, not the issue's setting)"),
            (BASELINE + "events_c256", "the baseline"),
        ):
            if r := run(other):
                problems.append(
                    f"{what}: {r.requests:,} requests, {r.errors} error(s), max {r.max_ms:,.0f} ms"
                )
        out.append(
            Verdict(
                label,
                threshold,
                f"{soak.requests:,} requests, {soak.errors} errors, max {soak.max_ms:,.0f} ms",
                not soak.errors and not stalled,
                note(big, *problems),
            )
        )
    else:
        out.append(Verdict(label, threshold, "-", None, note(None)))
    flat = f"Flat with size: events list requests/s, {TARGET_N:,} over {FLAT_N:,}"
    small, large = results.get(FLAT_N), results.get(TARGET_N)
    if small and large and small.runs.get("events") and large.runs.get("events"):
        s, g = small.runs["events"], large.runs["events"]
        ratio = _ratio(g.rps, s.rps) or 0.0
        errs = _clean(s, g)
        out.append(
            Verdict(
                flat, f">= {FLAT_RATIO:g}", f"{ratio:.2f}", ratio >= FLAT_RATIO and not errs, errs
            )
        )
    else:
        out.append(
            Verdict(
                flat,
                f">= {FLAT_RATIO:g}",
                "-",
                None,
                f"needs both {FLAT_N:,} and {TARGET_N:,} in one run",
            )
        )
    deep = run("events_deep_page")
    label = f"Page {PAGE_DEPTH} via cursor: p50 latency over page 1's, 32 connections"
    if events and deep and big is not None:
        page = results[big].deep_page
        latency = _ratio(deep.p50_ms, events.p50_ms) or 0.0
        rps = _ratio(deep.rps, events.rps) or 0.0
        errs = _clean(events, deep)
        extra = "" if page >= PAGE_DEPTH else f"only {page} page(s) of RU-FR events"
        out.append(
            Verdict(
                label,
                f"<= {DEEP_PAGE_LATENCY:g}x",
                f"{latency:.2f}x (page {page}: p50 {_fmt_ms(deep.p50_ms)} against "
                f"{_fmt_ms(events.p50_ms)} ms)",
                (latency <= DEEP_PAGE_LATENCY and not errs) if page >= PAGE_DEPTH else None,
                note(big, extra, f"requests/s {rps:.2f}x page 1's", errs),
            )
        )
    else:
        out.append(Verdict(label, f"<= {DEEP_PAGE_LATENCY:g}x", "-", None, note(None)))
    ratio_verdict(
        "Event detail vs the events page (requests/s)",
        run("event_detail"),
        events,
        DETAIL_RATIO,
        "x",
    )
    one = run("workers_1")
    runs = results[big].runs if big is not None else {}
    several = sorted(
        int(name.removeprefix("workers_"))
        for name in runs
        if name.startswith("workers_") and name != "workers_1"
    )
    if not several:
        several = [2]
    for workers in several:
        ratio_verdict(
            f"`serve --workers {workers}` vs `--workers 1`, events list, "
            f"{WORKERS_CONNECTIONS} connections (requests/s)",
            run(f"workers_{workers}"),
            one,
            WORKERS_RATIO,
            "x",
        )
    pg_load = results[big].loads.get("postgres") if big is not None else None
    ratio_verdict(
        "PostgreSQL vs SQLite, events list (requests/s, the same run)",
        run("postgres_events"),
        events,
        POSTGRES_RATIO,
        "x",
        f"the PostgreSQL load failed: {pg_load.failure}" if pg_load and pg_load.failure else "",
    )
    for key, label, limit in (
        ("entente", "Bulk load (SQLite), every reference and excerpt checked", LOAD_SECONDS),
        ("postgres", "Bulk load (PostgreSQL)", POSTGRES_LOAD_SECONDS),
    ):
        loaded = [n for n, r in results.items() if key in r.loads and r.loads[key].seconds]
        load_n = TARGET_N if TARGET_N in loaded else (max(loaded) if loaded else None)
        if load_n is None:
            failures = [r.loads[key].failure for r in results.values() if key in r.loads]
            out.append(
                Verdict(
                    label,
                    f"<= {limit:g} s",
                    "-",
                    None,
                    "; ".join(filter(None, failures)) or "not measured",
                )
            )
            continue
        load = results[load_n].loads[key]
        seconds = load.seconds or 0.0
        reused = "loaded by an earlier run (--reuse-db)" if load.reused else ""
        out.append(
            Verdict(
                label, f"<= {limit:g} s", f"{seconds:.1f} s", seconds <= limit, note(load_n, reused)
            )
        )
    return out
