"""Scoring a draft against hand-written facts.

A drafted fact counts when it matches an expected fact not matched yet: events on kind,
start date, countries and participants (by surname); figures on metric, period, value and
unit; statements on speaker and mode; mechanisms on name and current status; assessments on
stance, holder and countries; people by name. Topics, places and organizations are matched by
their names' words: one name's words all among the other's ("Bilateral relations" and
"Russia-France bilateral relations"; "Bregancon" and "Fort de Brégançon").

`python -m app.extract.score` prints recall and precision per fact type over the seed's
sources, the tuning articles and the held-out articles (docs/EXTRACTION.md)."""

from pathlib import Path
from typing import Any

import yaml

from app.extract.known import slug

TYPES = (
    "people", "events", "figures", "statements", "mechanisms", "assessments",
    "topics", "places", "organizations",
)  # fmt: skip
NAMED = ("topics", "places", "organizations")
_MINOR = {"the", "of", "and", "in", "on", "de", "du", "la", "le"}
Counts = dict[str, list[int]]


def facts(bundle: dict[str, Any]) -> dict[str, list[Any]]:
    """The facts of a seed bundle, in the expected-facts form of tests/extract/articles."""
    defined = {p["id"]: p["name"].split()[-1] for p in bundle.get("people", [])}

    def surname(person_id: str) -> str:
        # A person another bundle defines: "vladimir-putin" is Putin.
        return defined.get(person_id) or person_id.split("-")[-1]

    return {
        "people": [p["name"] for p in bundle.get("people", [])],
        "events": [
            {
                "kind": e["kind"],
                "start": e["start"],
                "countries": e["countries"],
                "participants": [surname(p["person"]) for p in e.get("participants", [])],
            }
            for e in bundle.get("events", [])
        ],
        "figures": [
            {"metric": f["metric"], "period": f["period"]}
            | {"value": f["value"]["value"], "unit": f["value"]["unit"]}
            for f in bundle.get("figures", [])
        ],
        "statements": [
            {"speaker": surname(s["speaker"]), "mode": s["mode"]}
            for s in bundle.get("statements", [])
        ],
        "mechanisms": [
            {"name": m["name"], "status": m["status_history"][-1]["status"]}
            for m in bundle.get("mechanisms", [])
        ],
        "assessments": [
            {"stance": a.get("stance"), "holder": a["holder"], "countries": a["countries"]}
            for a in bundle.get("assessments", [])
        ],
        "topics": [t["name"] for t in bundle.get("topics", [])],
        "places": [p["name"] for p in bundle.get("places", [])],
        "organizations": [o.get("acronym") or o["name"] for o in bundle.get("organizations", [])],
    }


def _key(fact: Any) -> Any:
    if isinstance(fact, str):
        return slug(fact)
    key = dict(fact)
    for field in ("countries", "participants"):
        if field in key:
            key[field] = tuple(sorted(slug(str(v)) for v in key[field]))
    for field in ("name", "speaker"):
        if field in key:
            key[field] = slug(str(key[field]))
    if "value" in key:
        key["value"] = float(key["value"])
    return tuple(sorted((k, str(v)) for k, v in key.items()))


def _words(name: str) -> set[str]:
    return set(slug(name).split("-")) - _MINOR


def _same(kind: str, drafted: Any, expected: Any) -> bool:
    if kind in NAMED:
        mine, theirs = _words(drafted), _words(expected)
        return bool(mine) and bool(theirs) and (mine <= theirs or theirs <= mine)
    return bool(_key(drafted) == _key(expected))


def compare(draft: dict[str, list[Any]], expected: dict[str, list[Any]]) -> Counts:
    """Per type: [matched, drafted, expected]; each expected fact matched at most once."""
    found: Counts = {}
    for kind in TYPES:
        left = list(expected.get(kind, []))
        drafted = draft.get(kind, [])
        matched = 0
        unmatched = []
        for fact in drafted:  # equal names first, then names within names
            hit = next((i for i, want in enumerate(left) if _key(fact) == _key(want)), None)
            if hit is None:
                unmatched.append(fact)
            else:
                left.pop(hit)
                matched += 1
        for fact in unmatched:
            hit = next((i for i, want in enumerate(left) if _same(kind, fact, want)), None)
            if hit is not None:
                left.pop(hit)
                matched += 1
        found[kind] = [matched, len(drafted), len(expected.get(kind, []))]
    return found


def score_text(text: str, published: str, expected: dict[str, list[Any]]) -> Counts:
    from app.extract.command import parse_published
    from app.extract.draft import extract
    from app.extract.known import Known

    day, given = parse_published(published)
    bundle = extract(text, day, {"id": "draft", "title": "draft", "published": given}, Known())
    return compare(facts(bundle), expected)


Case = tuple[str, str, str, dict[str, list[Any]]]


def seed_cases(root: Path) -> list[Case]:
    """(name, text, published, expected facts) of each seed source, from its bundle."""
    found = []
    for bundle_path in sorted((root / "seed" / "bundles").glob("*.yaml")):
        bundle = yaml.safe_load(bundle_path.read_text(encoding="utf-8"))
        source = bundle["sources"][0]
        text = (bundle_path.parent / source["text_file"]).read_text(encoding="utf-8")
        found.append((bundle_path.stem, text, str(source["published"]), facts(bundle)))
    return found


def article_cases(folder: Path) -> list[Case]:
    """Each ARTICLE.txt of `folder` with the expected facts of ARTICLE.yaml beside it."""
    found = []
    for expected_path in sorted(folder.glob("*.yaml")):
        expected = yaml.safe_load(expected_path.read_text(encoding="utf-8"))
        text = expected_path.with_suffix(".txt").read_text(encoding="utf-8")
        found.append((expected_path.stem, text, str(expected.pop("published")), expected))
    return found


def total(cases: list[Case]) -> Counts:
    summed: Counts = {kind: [0, 0, 0] for kind in TYPES}
    for _, text, published, expected in cases:
        for kind, counts in score_text(text, published, expected).items():
            summed[kind] = [a + b for a, b in zip(summed[kind], counts, strict=True)]
    return summed


def overall(counts: Counts, kinds: tuple[str, ...] = TYPES) -> tuple[float, float]:
    """(recall, precision) over `kinds`."""
    hit, got, want = (sum(counts[k][i] for k in kinds) for i in range(3))
    return hit / max(want, 1), hit / max(got, 1)


def table(results: dict[str, Counts]) -> str:
    lines = [
        "| articles | type | matched | drafted | expected | recall | precision |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, per_type in results.items():
        rows = [
            *per_type.items(),
            ("all", [sum(v[i] for v in per_type.values()) for i in range(3)]),
        ]
        for kind, (hit, got, want) in rows:
            recall = f"{hit / want:.2f}" if want else "-"
            precision = f"{hit / got:.2f}" if got else "-"
            lines.append(f"| {name} | {kind} | {hit} | {got} | {want} | {recall} | {precision} |")
    return "\n".join(lines)


def main() -> None:
    root = Path.cwd()
    tests = root / "tests" / "extract"
    print(
        table(
            {
                "seed sources": total(seed_cases(root)),
                "our articles": total(article_cases(tests / "articles")),
                "held-out articles": total(article_cases(tests / "heldout")),
                "unseen articles": total(article_cases(tests / "unseen")),
            }
        )
    )


if __name__ == "__main__":
    main()
