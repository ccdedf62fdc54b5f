"""Every citation of every bundle in seed/bundles quotes its source: each excerpt is found,
runs of white space aside, in the text of the source it cites.

Read from the bundle files themselves, not from a seeded database, so that a bundle is
checked even while the loader refuses it (a shared id defined in two bundles)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.seeding.checks import fold_whitespace, read_source_text
from app.seeding.errors import SeedError
from app.seeding.parse import RawRecord, bundle_files, read
from app.seeding.yaml_lines import Loc
from app.sources.models import SourceCreate
from tests.conftest import SEED_BUNDLES

BUNDLES = bundle_files([SEED_BUNDLES])


def _records(files: list[Path]) -> list[RawRecord]:
    records = []
    for path in files:
        for item in read(path):
            assert not isinstance(item, SeedError), str(item)
            records.append(item)
    return records


def _source_texts(records: list[RawRecord]) -> dict[str, str]:
    """Each source's text, whitespace folded, from the `sources` of every bundle given."""
    texts = {}
    for record in records:
        if record.section == "sources":
            source = SourceCreate.model_validate(record.data)
            text, why = read_source_text(record.file.path.parent, source)
            assert text is not None, why
            texts[source.id] = fold_whitespace(text)
    return texts


def _citations(value: Any, loc: Loc) -> Iterator[tuple[Loc, Any]]:
    """Every citation below `value`: `(its path, the bare excerpt or {source, excerpt})`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "citations" and isinstance(item, list):
                for index, citation in enumerate(item):
                    yield (*loc, key, index), citation
            else:
                yield from _citations(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _citations(item, (*loc, index))


def check_excerpts(bundle: Path, others: list[Path]) -> tuple[int, list[str]]:
    """How many citations `bundle` has, and one error (file:line field) for each whose
    excerpt is not in its source; sources may be defined in any of `others`."""
    records = _records([bundle])
    texts = _source_texts(records + _records(others))
    count, errors = 0, []
    for record in records:
        for loc, citation in _citations(record.data, record.loc):
            count += 1
            cited = citation if isinstance(citation, dict) else {"excerpt": citation}
            source_id = cited.get("source") or record.default_source
            excerpt = cited["excerpt"]
            if fold_whitespace(excerpt) not in texts.get(source_id, ""):
                message = f"not found in source '{source_id}': {excerpt!r}"
                errors.append(str(record.error((*loc, "excerpt"), message)))
    return count, errors


@pytest.mark.parametrize("bundle", BUNDLES, ids=[path.stem for path in BUNDLES])
def test_every_excerpt_is_in_its_source(bundle: Path):
    count, errors = check_excerpts(bundle, BUNDLES)
    assert errors == []
    assert count > 0


def test_the_two_later_articles_have_bundles():
    assert {path.stem for path in BUNDLES} >= {
        "improving-russia-france-relations",
        "russia-france-security-council-2019",
        "normandy-summit-paris-2019",
    }


def test_a_changed_excerpt_is_reported_with_its_line(tmp_path: Path):
    (tmp_path / "bundles").mkdir()
    (tmp_path / "sources").mkdir()
    name = "normandy-summit-paris-2019"
    source = SEED_BUNDLES.parent / "sources" / f"{name}.txt"
    (tmp_path / "sources" / source.name).write_text(source.read_text(encoding="utf-8"))
    text = (SEED_BUNDLES / f"{name}.yaml").read_text(encoding="utf-8")
    # The article says the talks went on "late into the evening", not "the night".
    assert text.count('"The talks went on late into the evening."') == 1
    changed = text.replace("late into the evening.", "late into the night.")
    bundle = tmp_path / "bundles" / f"{name}.yaml"
    bundle.write_text(changed, encoding="utf-8")
    line = changed.splitlines().index('      - "The talks went on late into the night."') + 1

    count, errors = check_excerpts(bundle, [])

    assert count > 0
    assert len(errors) == 1
    assert errors[0].startswith(f"{bundle}:{line} events[0].citations[")
    assert "late into the night" in errors[0]
