"""Writes a SYNTHETIC knowledge base of N events as NDJSON seed bundles, for benchmarks.

    python bench/generate.py --events 1000000 --out bench/out/kb-1000000

Nothing in it is real: one source, `synthetic-benchmark` ("Synthetic benchmark data (not
real)"), whose text is made of generated sentences, states the events, mechanisms and
assessments, and dispatches of 500 records each (`synthetic-benchmark-dispatch-NNNN`) the
figures and statements, each in a sentence of its own; every record id starts with
`syn-`; people, places and topics are invented. Only the country codes are
real (ISO 3166-1 alpha-2), so that the API's country filters work on it. Keep it out of
`seed/`: it lives under `bench/out/`, which git ignores.

The output folder holds:

- `synthetic-benchmark.txt`: the source text, a few thousand generated sentences;
- `00-source.ndjson`: the source (its `text_file` is the file above);
- `10-reference.ndjson`: people, places and topics;
- `20-events-NNN.ndjson`: the events, 100,000 a file (a parent before its children);
- `30-facts.ndjson`: mechanisms and assessments;
- `40-dispatch-NNNN.ndjson` and `synthetic-benchmark-dispatch-NNNN.txt`: a dispatch source,
  its text, and the figures and statements it states;
- `manifest.json`: what was asked and how many records of each kind were written.

Every line is `{"<section>": <record>}` in the shape of a YAML bundle's list item, and
every file starts with its `{"default_source": ...}` so that a bare-string citation is an
excerpt of that source, the source that claims the file's records. Every excerpt is one
sentence of the source text. The same arguments always give the same files (seeded random numbers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

SOURCE_ID = "synthetic-benchmark"
SOURCE_TITLE = "Synthetic benchmark data (not real)"
SOURCE_FILE = "synthetic-benchmark.txt"
EVENTS_PER_FILE = 100_000
GENERATOR_VERSION = 3  # bump when the output changes for the same arguments
# Records (figures, statements) a dispatch source states: about an article's worth of text.
DISPATCH_RECORDS = 500

# Real ISO 3166-1 alpha-2 codes and short names (60 countries; 200 pairs are drawn from them).
COUNTRIES = {
    "RU": "Russia", "FR": "France", "DE": "Germany", "GB": "United Kingdom",
    "US": "United States", "CN": "China", "JP": "Japan", "IN": "India", "BR": "Brazil",
    "IT": "Italy", "ES": "Spain", "PL": "Poland", "TR": "Turkey", "EG": "Egypt",
    "ZA": "South Africa", "NG": "Nigeria", "KE": "Kenya", "SA": "Saudi Arabia",
    "IR": "Iran", "IL": "Israel", "UA": "Ukraine", "BY": "Belarus", "KZ": "Kazakhstan",
    "UZ": "Uzbekistan", "VN": "Viet Nam", "TH": "Thailand", "ID": "Indonesia",
    "MY": "Malaysia", "PH": "Philippines", "KR": "South Korea", "AU": "Australia",
    "NZ": "New Zealand", "CA": "Canada", "MX": "Mexico", "AR": "Argentina", "CL": "Chile",
    "CO": "Colombia", "PE": "Peru", "VE": "Venezuela", "CU": "Cuba", "SE": "Sweden",
    "NO": "Norway", "FI": "Finland", "DK": "Denmark", "NL": "Netherlands", "BE": "Belgium",
    "AT": "Austria", "CH": "Switzerland", "CZ": "Czechia", "HU": "Hungary", "RO": "Romania",
    "GR": "Greece", "RS": "Serbia", "PT": "Portugal", "IE": "Ireland", "DZ": "Algeria",
    "MA": "Morocco", "ET": "Ethiopia", "PK": "Pakistan", "AE": "United Arab Emirates",
}  # fmt: skip
N_PAIRS = 200
BUSY_PAIRS = 10  # the first pairs (RU-FR first) get mechanisms and a larger share of events
RU_FR_SHARE = 0.02  # of all events
PEOPLE_PER_COUNTRY = 50  # 3,000 people
PLACES_PER_COUNTRY = 8
N_TOPICS = 300
N_SENTENCES = 4000
STATEMENT_EVERY = 20  # one statement per ~20 events
FIRST_YEAR, LAST_YEAR = 1990, 2024

# app/events/models.py EventKind
EVENT_KINDS = [
    "state_visit", "official_visit", "working_visit", "visit", "bilateral_meeting",
    "summit", "phone_call", "press_conference", "ministerial_meeting", "committee_session",
]  # fmt: skip
VISIT_KINDS = {"state_visit", "official_visit", "working_visit", "visit"}
CHILD_KINDS = ["bilateral_meeting", "press_conference", "ministerial_meeting"]
KIND_WORDS = {
    "state_visit": "State visit",
    "official_visit": "Official visit",
    "working_visit": "Working visit",
    "visit": "Visit",
    "bilateral_meeting": "Bilateral talks",
    "summit": "Summit",
    "phone_call": "Phone call",
    "press_conference": "Joint press conference",
    "ministerial_meeting": "Ministerial meeting",
    "committee_session": "Intergovernmental committee session",
}
TOPIC_CATEGORIES = ["crisis", "security", "economy", "global_issue", "diplomacy", "agreement"]
TOPIC_FIELDS = [
    "energy", "trade", "security", "climate", "transport", "investment", "agriculture",
    "health", "education", "culture", "science", "space", "cyber", "maritime", "border",
    "migration", "finance", "industry", "tourism", "water", "nuclear", "arms control",
    "counterterrorism", "fisheries", "telecommunications", "customs", "aviation",
    "railways", "humanitarian aid", "sanctions",
]  # fmt: skip
TOPIC_ASPECTS = [
    "cooperation", "dialogue", "agreement", "crisis", "partnership", "disputes",
    "initiative", "programme", "framework", "talks",
]  # fmt: skip
POSITIONS = [
    "President", "Prime Minister", "Minister of Foreign Affairs", "Minister of Trade",
    "Minister of Defence", "Minister of Energy", "Ambassador", "Deputy Prime Minister",
]  # fmt: skip
PLACE_KINDS = ["city", "residence", "palace", "conference centre", "fortress"]
FIRST_NAMES = [
    "Alder", "Brina", "Cassian", "Dara", "Elio", "Fenna", "Garon", "Hesta", "Ilan", "Jorun",
    "Kael", "Liora", "Mirek", "Nadia", "Oren", "Petra", "Quill", "Rhea", "Soren", "Talia",
    "Ulric", "Vesna", "Wren", "Xenia", "Yorick", "Zora",
]  # fmt: skip
SYLLABLES = ["va", "ren", "tol", "mar", "kes", "lin", "dor", "sav", "bel", "nov", "rik", "tan"]
PLACE_WORDS = ["Harbour", "Palace", "Hall", "Castle", "Gardens", "Forum", "House", "Lodge"]

# Sentence parts of the source text; common words ("cooperation", "talks", "relations",
# "security", "trade") occur in most of them, so a search for one has many hits.
SUBJECTS = [
    "The two delegations", "The ministers", "The leaders", "Both sides", "The officials",
    "The heads of state", "The negotiators", "The parties", "The working group",
    "The commission",
]  # fmt: skip
VERBS = [
    "discussed", "reviewed", "welcomed progress on", "agreed to deepen", "held talks on",
    "signed a memorandum on", "expressed concern about", "pledged to expand",
    "called for closer", "stressed the importance of",
]  # fmt: skip
OBJECTS = [
    "bilateral cooperation in {f}", "relations and {f} cooperation", "security and {f}",
    "trade and {f} investment", "the {f} partnership", "regional security and {f}",
    "economic cooperation in {f}", "the {f} dialogue", "joint projects in {f}",
    "the state of relations in {f}",
]  # fmt: skip
CLOSINGS = [
    "during the talks", "at the meeting", "in a joint statement", "after lengthy talks",
    "at the plenary session", "in a telephone conversation", "before the press",
    "at the closing ceremony",
]  # fmt: skip


def _country_pairs(rng: random.Random) -> list[tuple[str, str]]:
    """200 unordered pairs of distinct countries, RU-FR first; then 9 other busy pairs."""
    codes = list(COUNTRIES)
    pairs = [("RU", "FR")]
    seen = {frozenset(pairs[0])}
    while len(pairs) < N_PAIRS:
        a, b = rng.sample(codes, 2)
        if frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            pairs.append((a, b))
    return pairs


def _pair_weights(n_pairs: int) -> list[float]:
    """RU-FR 2% of events; pairs 2..10 busy (about 3% each); the rest share what is left."""
    weights = [RU_FR_SHARE] + [0.03] * (BUSY_PAIRS - 1)
    rest = 1.0 - sum(weights)
    tail = [1.0 / (rank + 1) ** 0.5 for rank in range(n_pairs - BUSY_PAIRS)]
    total = sum(tail)
    return weights + [rest * t / total for t in tail]


def _code(number: int) -> str:
    """A record number in letters (`bac`): digits in an excerpt would be read as a year or
    an amount by the loader's semantic checks."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if number == 0:
            return letters


def _sentences(rng: random.Random) -> list[str]:
    """N_SENTENCES distinct sentences (each named by its code, so that each is unique)."""
    out = []
    for number in range(1, N_SENTENCES + 1):
        field = rng.choice(TOPIC_FIELDS)
        obj = rng.choice(OBJECTS).format(f=field)
        out.append(
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {obj} {rng.choice(CLOSINGS)} "
            f"(synthetic record {_code(number)})."
        )
    return out


def _source_text(sentences: list[str]) -> str:
    header = (
        "SYNTHETIC BENCHMARK DATA - NOT REAL. This text was generated by bench/generate.py "
        "for Entente's benchmarks; no sentence in it reports a real event."
    )
    paragraphs = [header]
    for start in range(0, len(sentences), 8):
        paragraphs.append(" ".join(sentences[start : start + 8]))
    return "\n\n".join(paragraphs) + "\n"


def _name(rng: random.Random) -> str:
    last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return f"{rng.choice(FIRST_NAMES)} {last.capitalize()}"


def _random_day(rng: random.Random) -> dt.date:
    start = dt.date(FIRST_YEAR, 1, 1).toordinal()
    end = dt.date(LAST_YEAR, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


class Writer:
    """One NDJSON bundle file: `default_source` first, then one record a line."""

    def __init__(self, path: Path, source_id: str = SOURCE_ID) -> None:
        self.path = path
        self.file = path.open("w", encoding="utf-8")
        self.line("default_source", source_id)

    def line(self, section: str, record: Any) -> None:
        self.file.write(json.dumps({section: record}, ensure_ascii=False, separators=(",", ":")))
        self.file.write("\n")

    def close(self) -> None:
        self.file.close()


def generate(events: int, out: Path, seed: int = 1) -> dict[str, Any]:
    """Writes the bundles for `events` events into `out`; returns the manifest."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.ndjson"), *out.glob(f"{SOURCE_ID}*.txt")]:
        old.unlink()
    counts: dict[str, int] = {}

    def count(kind: str, n: int = 1) -> None:
        counts[kind] = counts.get(kind, 0) + n

    sentences = _sentences(rng)
    # Sentences that state one record each (a figure's amount, a statement's words): the
    # loader checks that an excerpt gives what its record says.
    stated: list[str] = []

    def cite() -> str:
        return rng.choice(sentences)

    def state(words: str) -> str:
        sentence = f"{words} (synthetic record {_code(N_SENTENCES + len(stated) + 1)})."
        stated.append(sentence)
        return sentence

    # Records that state their own sentence (figures, statements), reported by dispatches
    # of their own (`_write_dispatches`).
    dispatched: list[tuple[str, dict[str, Any]]] = []

    # -- the source
    w = Writer(out / "00-source.ndjson")
    w.line("sources", _source(SOURCE_ID, SOURCE_TITLE, SOURCE_FILE))
    w.close()
    count("sources")

    # -- people, places, topics
    pairs = _country_pairs(rng)
    pair_countries = sorted({c for pair in pairs for c in pair})
    w = Writer(out / "10-reference.ndjson")
    people: dict[str, list[str]] = {}
    places: dict[str, list[str]] = {}
    for code in pair_countries:
        low = code.lower()
        people[code] = []
        for i in range(1, PEOPLE_PER_COUNTRY + 1):
            pid = f"syn-p-{low}-{i:03d}"
            people[code].append(pid)
            title = POSITIONS[(i - 1) % len(POSITIONS)]
            w.line(
                "people",
                {
                    "id": pid,
                    "name": _name(rng),
                    "country": code,
                    "positions": [
                        {
                            "title": f"{title} of {COUNTRIES[code]}",
                            "country": code,
                            "held_on": str(rng.randint(FIRST_YEAR, LAST_YEAR)),
                            "citations": [cite()],
                        }
                    ],
                    "citations": [cite()],
                },
            )
            count("people")
        places[code] = []
        for i in range(1, PLACES_PER_COUNTRY + 1):
            plid = f"syn-pl-{low}-{i}"
            places[code].append(plid)
            w.line(
                "places",
                {
                    "id": plid,
                    "name": f"{COUNTRIES[code]} {rng.choice(PLACE_WORDS)} {i} (synthetic)",
                    "country": code,
                    "kind": rng.choice(PLACE_KINDS),
                    "lat": round(rng.uniform(-60, 70), 4),
                    "lon": round(rng.uniform(-170, 170), 4),
                    "citations": [cite()],
                },
            )
            count("places")
    topics: list[str] = []
    topic_names: dict[str, str] = {}
    for i in range(N_TOPICS):
        field = TOPIC_FIELDS[i % len(TOPIC_FIELDS)]
        aspect = TOPIC_ASPECTS[(i // len(TOPIC_FIELDS)) % len(TOPIC_ASPECTS)]
        tid = f"syn-t-{i + 1:03d}"
        name = f"{field.capitalize()} {aspect}"
        topics.append(tid)
        topic_names[tid] = name
        w.line(
            "topics",
            {
                "id": tid,
                "name": name,
                "category": TOPIC_CATEGORIES[i % len(TOPIC_CATEGORIES)],
                "description": f"Synthetic topic: {field} {aspect} between countries.",
                "citations": [cite()],
            },
        )
        count("topics")
    w.close()

    # -- events (and one statement per ~STATEMENT_EVERY events, kept for the facts file)
    weights = _pair_weights(len(pairs))
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    statements: list[dict[str, Any]] = []
    pair_events: dict[int, int] = {}
    ew: Writer | None = None
    last_visit: dict[int, tuple[str, str, list[str], str, str]] = {}
    for n in range(events):
        if n % EVENTS_PER_FILE == 0:
            if ew is not None:
                ew.close()
            ew = Writer(out / f"20-events-{n // EVENTS_PER_FILE:03d}.ndjson")
            last_visit = {}  # a parent is always in its child's file, before it
        assert ew is not None
        pair_index = rng.choices(range(len(pairs)), cum_weights=cumulative)[0]
        pair_events[pair_index] = pair_events.get(pair_index, 0) + 1
        a, b = pairs[pair_index]
        eid = f"syn-e-{n + 1:07d}"
        parent = last_visit.get(pair_index) if rng.random() < 0.15 else None
        if parent is not None:
            kind = rng.choice(CHILD_KINDS)
            _, start, participant_ids, host, _ = parent
        else:
            kind = rng.choice(EVENT_KINDS)
            day = _random_day(rng)
            start = day.isoformat() if rng.random() < 0.9 else day.isoformat()[:7]
            host = rng.choice((a, b))
            guest = b if host == a else a
            participant_ids = [rng.choice(people[host]), rng.choice(people[guest])]
            if rng.random() < 0.5:
                extra = rng.choice(people[rng.choice((a, b))])
                if extra not in participant_ids:
                    participant_ids.append(extra)
        guest = b if host == a else a
        event_topics = rng.sample(topics, rng.randint(1, 3))
        main_topic = topic_names[event_topics[0]]
        record: dict[str, Any] = {
            "id": eid,
            "kind": kind,
            "title": f"{KIND_WORDS[kind]} of {COUNTRIES[a]} and {COUNTRIES[b]} on "
            f"{main_topic.lower()} (synthetic)",
            "start": start,
            "place": rng.choice(places[host]),
            "host_country": host,
            "countries": [a, b],
            "participants": [
                {"person": pid, "role": ("host", "guest", "participant")[min(i, 2)]}
                for i, pid in enumerate(participant_ids)  # host's, guest's, then either's
            ],
            "topics": event_topics,
            "citations": [cite()],
        }
        if parent is not None:
            record["part_of"] = parent[0]
        if rng.random() < 0.3:
            record["notes"] = (
                f"Synthetic note: the talks on {main_topic.lower()} covered relations, "
                f"security and trade cooperation between {COUNTRIES[host]} and "
                f"{COUNTRIES[guest]}."
            )
        if kind == "bilateral_meeting" and rng.random() < 0.3:
            minutes = rng.choice((60, 90, 120, 180, 240))
            record["duration"] = {"value": minutes, "unit": "minute", "qualifier": "exact"}
            record["outcomes"] = {"joint_statement": rng.random() < 0.5}
        if parent is None and kind in VISIT_KINDS:
            last_visit[pair_index] = (eid, start, participant_ids, host, kind)
        ew.line("events", record)
        count("events")
        if rng.random() < 1 / STATEMENT_EVERY:
            speaker = rng.choice(participant_ids)
            words = (
                f"Cooperation on {main_topic.lower()} and security must deepen for the sake "
                "of good relations."
            )
            mode = rng.choice(("direct_quote", "paraphrase"))
            statements.append(
                {
                    "id": f"syn-s-{len(statements) + 1:07d}",
                    "speaker": speaker,
                    "event": eid,
                    "date": start,
                    "text": words,
                    "mode": mode,
                    "topics": event_topics[: rng.randint(1, len(event_topics))],
                    "citations": [
                        state(f'A speaker said: "{words}"')
                        if mode == "direct_quote"
                        else state(f"A speaker said that {words[0].lower()}{words[1:-1]}")
                    ],
                }
            )
    if ew is not None:
        ew.close()

    # -- figures, mechanisms, statements, assessments
    w = Writer(out / "30-facts.ndjson")
    for pair_index, (a, b) in enumerate(pairs):
        low = f"{a.lower()}-{b.lower()}"
        trade = rng.uniform(1e8, 3e10)
        previous_year = None
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            new_trade = round(trade * rng.uniform(0.8, 1.25) / 1e9, 1) * 1e9 or 1e8
            text = f"about US${new_trade / 1e9:.1f} billion"
            said = f"Two-way trade between {COUNTRIES[a]} and {COUNTRIES[b]} was {text}"
            change = round((new_trade / trade - 1) * 100, 1) if previous_year else None
            if change is not None:
                said += f", {'up' if change >= 0 else 'down'} {abs(change)}% on the year before"
            figure: dict[str, Any] = {
                "id": f"syn-f-{low}-bilateral-trade-{year}",
                "metric": "bilateral_trade",
                "country": a,
                "partner": b,
                "period": str(year),
                "value": {
                    "value": new_trade,
                    "unit": "USD",
                    "qualifier": "approximately",
                    "text": text,
                },
                "label": "two-way trade (synthetic)",
                "citations": [state(said)],
            }
            if change is not None:
                figure["change"] = {"percent": change, "relative_to": str(previous_year)}
            dispatched.append(("figures", figure))
            count("figures")
            trade, previous_year = new_trade, year
            if pair_index < BUSY_PAIRS:
                dispatched.append(
                    (
                        "figures",
                        {
                            "id": f"syn-f-{low}-leader-meetings-{year}",
                            "metric": "leader_meetings",
                            "country": a,
                            "partner": b,
                            "period": str(year),
                            "value": {"value": (meetings := rng.randint(2, 9)), "unit": "count"},
                            "citations": [
                                state(
                                    f"The leaders of {COUNTRIES[a]} and {COUNTRIES[b]} met "
                                    f"{meetings} times"
                                )
                            ],
                        },
                    )
                )
                count("figures")
        if pair_index < BUSY_PAIRS:
            for m, (kind, theme) in enumerate(
                (("commission", "Trade"), ("committee", "Security"), ("dialogue", "Energy"))
            ):
                established = rng.randint(FIRST_YEAR, 2005)
                history: list[dict[str, Any]] = [
                    {"status": "established", "date": str(established), "citations": [cite()]}
                ]
                if rng.random() < 0.6:
                    suspended = rng.randint(established + 1, 2018)
                    history.append(
                        {"status": "suspended", "date": str(suspended), "citations": [cite()]}
                    )
                    history.append(
                        {
                            "status": "resumed",
                            "date": str(rng.randint(suspended + 1, LAST_YEAR)),
                            "citations": [cite()],
                        }
                    )
                w.line(
                    "mechanisms",
                    {
                        "id": f"syn-m-{low}-{m + 1}",
                        "name": f"{COUNTRIES[a]}-{COUNTRIES[b]} {theme} Cooperation "
                        f"{kind.capitalize()} (synthetic)",
                        "kind": kind,
                        "countries": [a, b],
                        "status_history": history,
                        "citations": [cite()],
                    },
                )
                count("mechanisms")
        for year in range(FIRST_YEAR, LAST_YEAR + 1, 5):
            w.line(
                "assessments",
                {
                    "id": f"syn-a-{low}-{year}",
                    "countries": [a, b],
                    "period": str(year),
                    "period_end": str(min(year + 4, LAST_YEAR)),
                    "stance": rng.choice(("cold", "cooling", "stable", "warming", "warm")),
                    "holder": "author",
                    "text": f"Synthetic assessment: relations between {COUNTRIES[a]} and "
                    f"{COUNTRIES[b]} in security and trade cooperation.",
                    "citations": [cite()],
                },
            )
            count("assessments")
    w.close()
    dispatched += [("statements", statement) for statement in statements]
    count("statements", len(statements))
    count("sources", _write_dispatches(out, dispatched))

    (out / SOURCE_FILE).write_text(_source_text(sentences), encoding="utf-8")
    manifest = {
        "synthetic": True,
        "note": "SYNTHETIC benchmark data, not real; generated by bench/generate.py",
        "events": events,
        "seed": seed,
        "generator": generator_fingerprint(),
        "counts": counts,
        "pairs": len(pairs),
        "busiest_pair": list(pairs[0]),
        "pair_events": {f"{pairs[i][0]}-{pairs[i][1]}": c for i, c in sorted(pair_events.items())},
        "files": sorted(p.name for p in out.glob("*.ndjson")),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def _source(source_id: str, title: str, text_file: str) -> dict[str, Any]:
    """A synthetic source's record, its text in `text_file` beside its bundle."""
    return {
        "id": source_id,
        "title": title,
        "publisher": "Entente benchmark generator (bench/generate.py)",
        "published": "2024",
        "published_note": "Synthetic: generated for benchmarks; states nothing real.",
        "language": "en",
        "text_file": text_file,
    }


def _write_dispatches(out: Path, records: list[tuple[str, dict[str, Any]]]) -> int:
    """Writes the records that state their own sentence as the claims of dispatches: each
    `DISPATCH_RECORDS` of them a source of its own, whose text is their sentences, in a
    bundle file whose `default_source` it is. A large knowledge base is told by many
    sources of an article's size, not by one text of megabytes. Returns how many."""
    dispatches = 0
    for start in range(0, len(records), DISPATCH_RECORDS):
        dispatches += 1
        chunk = records[start : start + DISPATCH_RECORDS]
        source_id = f"{SOURCE_ID}-dispatch-{dispatches:04d}"
        text_file = f"{source_id}.txt"
        sentences = [record["citations"][0] for _, record in chunk]
        (out / text_file).write_text(_source_text(sentences), encoding="utf-8")
        w = Writer(out / f"40-dispatch-{dispatches:04d}.ndjson", source_id)
        title = f"Synthetic dispatch {dispatches} (not real)"
        w.line("sources", _source(source_id, title, text_file))
        for section, record in chunk:
            w.line(section, record)
        w.close()
    return dispatches


def generator_fingerprint() -> str:
    """Changes whenever this file does: cached output made by another version is redone."""
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return f"v{GENERATOR_VERSION}-{digest}"


def is_current(out: Path, events: int, seed: int = 1) -> bool:
    """Whether `out` already holds the output of these arguments and this generator."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        manifest.get("events") == events
        and manifest.get("seed") == seed
        and manifest.get("generator") == generator_fingerprint()
        and all((out / name).is_file() for name in manifest.get("files", []))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="number of events")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--force", action="store_true", help="regenerate even when the output is current"
    )
    args = parser.parse_args(argv)
    if args.events < 1:
        parser.error("--events must be at least 1")
    if not args.force and is_current(args.out, args.events, args.seed):
        print(f"{args.out}: already generated ({args.events:,} events)")
        return 0
    started = time.monotonic()
    manifest = generate(args.events, args.out, args.seed)
    took = time.monotonic() - started
    summary = ", ".join(f"{n:,} {kind}" for kind, n in manifest["counts"].items())
    print(f"{args.out}: {summary} in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
