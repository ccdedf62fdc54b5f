"""`entente extract`: a valid, cited draft; bad input refused; speed; measured quality."""

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from app.cli import app
from app.extract.score import article_cases, overall, seed_cases, total

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTICLE = ROOT / "seed" / "sources" / "improving-russia-france-relations.txt"
runner = CliRunner()


def _extract(tmp_path: Path, article: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["extract", str(article), "--published", "2019-08", *extra],
        env={"ENTENTE_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"},
    )
    return result.exit_code, result.output


def test_draft_validates_and_cites_the_article(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    code, output = _extract(tmp_path, ARTICLE, "--output", str(draft))
    assert code == 0, output
    bundle = yaml.safe_load(draft.read_text(encoding="utf-8"))
    text = " ".join(ARTICLE.read_text(encoding="utf-8").split())
    for section, records in bundle.items():
        for record in records if isinstance(records, list) else []:
            for excerpt in record.get("citations", []):
                assert " ".join(excerpt.split()) in text, (section, excerpt)
    visit = next(e for e in bundle["events"] if e["kind"] == "official_visit")
    assert visit["start"] == "2019-08-19" and visit["host_country"] == "FR"
    talks = next(e for e in bundle["events"] if e.get("duration"))
    assert talks["duration"] == {
        "value": 240,
        "unit": "minute",
        "qualifier": "nearly",
        "text": "nearly four hours",
    }
    assert talks["outcomes"] == {"joint_statement": False}
    valid = runner.invoke(
        app,
        ["validate", str(draft)],
        env={"ENTENTE_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"},
    )
    assert valid.exit_code == 0, valid.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"<html><body><p>Putin visited France.</p></body></html>", "HTML"),
        (
            "Le président russe Vladimir Poutine a effectué une visite officielle en France le "
            "19 août. Les relations entre Moscou et Paris se réchauffent progressivement depuis "
            "des mois, selon des observateurs.".encode(),
            "English",
        ),
        (b"a" * 10_000_001, "bytes"),
        (b"\xff\xfe\xfa not utf-8", "UTF-8"),
    ],
)
def test_bad_input_is_refused_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    draft = tmp_path / "draft.yaml"
    code, output = _extract(tmp_path, article, "--output", str(draft))
    assert code == 1
    assert str(article) in output and message in output
    assert "Traceback" not in output and not draft.exists()


def test_bad_publication_date_is_refused(tmp_path: Path) -> None:
    code, output = _extract(tmp_path, ARTICLE, "--published", "August")
    assert code == 1 and "--published" in output


def test_quality_over_the_seed_sources_and_the_articles_of_our_own() -> None:
    """The seed sources hold the issue's targets (recall 0.90, precision 0.85); the other
    floors sit at or just under the figures docs/EXTRACTION.md reports: a change that loses
    facts fails here."""
    seed = total(seed_cases(ROOT))
    ours = total(article_cases(HERE / "articles"))
    held_out = total(article_cases(HERE / "heldout"))
    unseen = total(article_cases(HERE / "unseen"))
    assert sum(counts[2] for counts in ours.values()) >= 100
    assert sum(counts[2] for counts in held_out.values()) >= 40
    assert sum(counts[2] for counts in unseen.values()) >= 80
    seed_recall, seed_precision = overall(seed)
    assert seed_recall >= 0.90 and seed_precision >= 0.85
    our_recall, our_precision = overall(ours)
    assert our_recall >= 0.91 and our_precision >= 0.88
    held_recall, held_precision = overall(held_out)
    assert held_recall >= 0.70 and held_precision >= 0.72
    unseen_recall, unseen_precision = overall(unseen)
    assert unseen_recall >= 0.60 and unseen_precision >= 0.78


def _every_article() -> list[tuple[Path, str]]:
    """(article, publication date) of the seed's sources and of our articles (all three
    folders)."""
    found = [(ROOT / "seed" / "sources" / f"{name}.txt", published)
             for name, _, published, _ in seed_cases(ROOT)]  # fmt: skip
    for folder in (HERE / "articles", HERE / "heldout", HERE / "unseen"):
        found += [(folder / f"{name}.txt", published) for name, _, published, _ in
                  article_cases(folder)]  # fmt: skip
    return found


@pytest.mark.parametrize(("article", "published"), _every_article(), ids=lambda v: str(v)[-30:])
def test_every_draft_passes_validate_as_it_is(tmp_path: Path, article: Path, published: str
                                              ) -> None:  # fmt: skip
    draft = tmp_path / "draft.yaml"
    env = {"ENTENTE_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"}
    made = runner.invoke(
        app, ["extract", str(article), "--published", published, "--output", str(draft)], env=env
    )
    assert made.exit_code == 0, made.output
    valid = runner.invoke(app, ["validate", str(draft)], env=env)
    assert valid.exit_code == 0, valid.output
    assert yaml.safe_load(draft.read_text(encoding="utf-8"))["events"]
