"""Scoring a draft against hand-written facts: a draft fact counts when its kind, dates,
countries, participants, values and speaker match one expected fact (each matched once).

`python -m app.extract.score` prints recall and precision per fact type over the seed's
sources and the test articles (docs/EXTRACTION.md)."""

import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

TYPES = ("people", "events", "figures", "statements", "mechanisms", "assessments")


def _surnames(bundle: dict[str, Any]) -> dict[str, str]:
    return {p["id"]: p["name"].split()[-1].lower() for p in bundle.get("people", [])}


def facts(bundle: dict[str, Any]) -> dict[str, list[Any]]:
    """The facts of a seed bundle, in the expected-facts form of tests/extract/articles."""
    names = _surnames(bundle)
    return {
        "people": [p["name"] for p in bundle.get("people", [])],
        "events": [
            {
                "kind": e["kind"],
                "start": e["start"],
                "countries": e["countries"],
                "participants": [names[p["person"]] for p in e.get("participants", [])],
            }
            for e in bundle.get("events", [])
        ],
        "figures": [
            {k: f[k] for k in ("metric", "period")} | {k: f["value"][k] for k in ("value", "unit")}
            for f in bundle.get("figures", [])
        ],
        "statements": [
            {"speaker": names[s["speaker"]], "mode": s["mode"]}
            for s in bundle.get("statements", [])
        ],
        "mechanisms": [
            {"name": m["name"], "status": m["status_history"][-1]["status"]}
            for m in bundle.get("mechanisms", [])
        ],
        "assessments": [
            {"stance": a["stance"], "holder": a["holder"], "countries": a["countries"]}
            for a in bundle.get("assessments", [])
        ],
    }


def _key(kind: str, fact: Any) -> Any:
    if isinstance(fact, str):
        return fact.lower()
    key = dict(fact)
    for field in ("countries", "participants"):
        if field in key:
            key[field] = tuple(sorted(str(v).lower() for v in key[field]))
    for field in ("name", "speaker"):
        if field in key:
            key[field] = str(key[field]).lower()
    if "value" in key:
        key["value"] = float(key["value"])
    return tuple(sorted((k, str(v)) for k, v in key.items()))


def compare(draft: dict[str, list[Any]], expected: dict[str, list[Any]]) -> dict[str, list[int]]:
    """Per type: [matched, drafted, expected]."""
    found: dict[str, list[int]] = {}
    for kind in TYPES:
        got = Counter(_key(kind, f) for f in draft.get(kind, []))
        want = Counter(_key(kind, f) for f in expected.get(kind, []))
        found[kind] = [sum((got & want).values()), sum(got.values()), sum(want.values())]
    return found


def score_text(text: str, published: str, expected: dict[str, list[Any]]) -> dict[str, list[int]]:
    from app.extract.command import parse_published
    from app.extract.draft import extract
    from app.extract.known import Known

    day, given = parse_published(published)
    bundle = extract(text, day, {"id": "draft", "title": "draft", "published": given}, Known())
    return compare(facts(bundle), expected)


def cases(root: Path) -> list[tuple[str, str, str, dict[str, list[Any]]]]:
    """(name, text, published, expected facts) of every scored article: each seed source
    with its hand-written bundle, and each test article with its expected facts."""
    found = []
    for bundle_path in sorted((root / "seed" / "bundles").glob("*.yaml")):
        bundle = yaml.safe_load(bundle_path.read_text(encoding="utf-8"))
        source = bundle["sources"][0]
        text = (bundle_path.parent / source["text_file"]).read_text(encoding="utf-8")
        found.append((bundle_path.stem, text, str(source["published"]), facts(bundle)))
    for expected_path in sorted((root / "tests" / "extract" / "articles").glob("*.yaml")):
        expected = yaml.safe_load(expected_path.read_text(encoding="utf-8"))
        text = expected_path.with_suffix(".txt").read_text(encoding="utf-8")
        found.append((expected_path.stem, text, str(expected.pop("published")), expected))
    return found


def table(results: dict[str, dict[str, list[int]]]) -> str:
    lines = [
        "| articles | type | matched | drafted | expected | recall | precision |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, per_type in results.items():
        total = [sum(v[i] for v in per_type.values()) for i in range(3)]
        for kind, (hit, got, want) in [*per_type.items(), ("all", total)]:
            recall = f"{hit / want:.2f}" if want else "-"
            precision = f"{hit / got:.2f}" if got else "-"
            lines.append(f"| {name} | {kind} | {hit} | {got} | {want} | {recall} | {precision} |")
    return "\n".join(lines)


def main() -> None:
    seed: dict[str, list[int]] = {kind: [0, 0, 0] for kind in TYPES}
    own: dict[str, list[int]] = {kind: [0, 0, 0] for kind in TYPES}
    for name, text, published, expected in cases(Path.cwd()):
        result = score_text(text, published, expected)
        into = (
            own
            if "/" not in name and not (Path("seed/bundles") / f"{name}.yaml").exists()
            else seed
        )
        for kind, counts in result.items():
            into[kind] = [a + b for a, b in zip(into[kind], counts, strict=True)]
    print(table({"seed sources": seed, "test articles": own}))
    print(f"({dt.date.today()})", file=sys.stderr)


if __name__ == "__main__":
    main()
