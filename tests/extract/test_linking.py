"""A draft names what the knowledge base already holds by its id, and still validates."""

from pathlib import Path

import yaml
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()

ARTICLE = """Putin and Macron speak by phone

French President Emmanuel Macron held a phone call with President Putin on Monday, the
Kremlin said. The two leaders discussed the war in Ukraine and nuclear safety.

The Security Cooperation Committee of the two countries was suspended in March, officials
said. Putin told Macron that Russia remained open to dialogue.
"""


def test_known_people_and_mechanisms_keep_their_ids(
    tmp_path: Path, seeded_engine, use_database
) -> None:
    use_database(seeded_engine)
    article = tmp_path / "call.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    draft = tmp_path / "call.yaml"

    made = runner.invoke(
        app, ["extract", str(article), "--published", "2022-10-04", "--output", str(draft)]
    )
    assert made.exit_code == 0, made.output
    bundle = yaml.safe_load(draft.read_text(encoding="utf-8"))

    people = {p["id"]: p for p in bundle["people"]}
    # "President Putin" alone is the Vladimir Putin the knowledge base holds, not a new person.
    assert set(people) == {"vladimir-putin", "emmanuel-macron"}
    assert people["vladimir-putin"]["name"] == "Vladimir Putin"
    call = next(e for e in bundle["events"] if e["kind"] == "phone_call")
    assert call["start"] == "2022-10-03" and call["start_text"] == "on Monday"
    assert {p["person"] for p in call["participants"]} == {"vladimir-putin", "emmanuel-macron"}
    committee = bundle["mechanisms"][0]
    assert committee["id"] == "security-cooperation-committee"
    assert committee["status_history"][0]["status"] == "suspended"
    assert committee["status_history"][0]["date"] == "2022-03"

    valid = runner.invoke(app, ["validate", str(draft)])
    assert valid.exit_code == 0, valid.output
