"""General readings of the extractor, each on a sentence of its own: names the recognizer
cuts or hides, dates past asides, summits with their attendees, mechanisms and their
status, assessments clause by clause."""

import datetime as dt
from typing import Any

from app.extract.draft import extract
from app.extract.known import Known


def _draft(text: str, published: dt.date) -> dict[str, Any]:
    return extract(text, published, {"id": "x", "title": "x"}, Known())


NAMES = (
    "Vietnamese Prime Minister Pham Minh Chinh met the guests on Monday.\n"
    "Russian Foreign Minister Sergei Lavrov hosted Minister of the Armed Forces Florence "
    "Parly in Moscow on Monday."
)


def test_names_cut_or_hidden_by_the_recognizer() -> None:
    draft = _draft(NAMES, dt.date(2023, 9, 12))
    names = {p["name"] for p in draft["people"]}
    assert {"Pham Minh Chinh", "Florence Parly"} <= names


def test_a_summit_has_its_attendees_and_the_one_date_of_its_sentence() -> None:
    draft = _draft(
        "French President Emmanuel Macron hosted Russian President Vladimir Putin and German "
        "Chancellor Angela Merkel at the Elysee Palace on Monday, December 9, for the first "
        "summit of the format since October 2016 in Berlin.",
        dt.date(2019, 12, 10),
    )
    summit = next(e for e in draft["events"] if e["kind"] == "summit")
    assert summit["start"] == "2019-12-09"
    assert sorted(summit["countries"]) == ["DE", "FR", "RU"]
    assert len(summit["participants"]) == 3
    assert "Elysee Palace" in {p["name"] for p in draft["places"]}


def test_a_date_in_an_aside_is_not_the_event_s() -> None:
    draft = _draft(
        "Putin held his first face-to-face meeting with Ukrainian President Volodymyr "
        "Zelensky, who took office in May, in Paris on Monday.",
        dt.date(2019, 12, 10),
    )
    assert [e["start"] for e in draft["events"]] == ["2019-12-09"]


def test_mechanisms_named_with_on_in_lower_case_and_again_by_kind() -> None:
    draft = _draft(
        "Russia and France revive their security council.\n"
        "Their ministers met for a session of the Russia-France Council on Security "
        "Cooperation on Monday.\n"
        "The visit revived the reciprocal visits of the leaders, known as shuttle diplomacy, "
        "which had been suspended since 2011.",
        dt.date(2019, 9, 10),
    )
    found = {m["name"]: m["status_history"][-1]["status"] for m in draft["mechanisms"]}
    assert found == {
        "Russia-France Council on Security Cooperation": "resumed",
        "Shuttle diplomacy": "resumed",
    }


def test_one_sentence_may_hold_several_assessments() -> None:
    draft = _draft(
        "With Russia's ties with the West still in a cold state, relations between Russia "
        "and France are continuing to improve.",
        dt.date(2019, 8, 20),
    )
    found = {(a["stance"], a.get("counterpart")) for a in draft["assessments"]}
    assert found == {("cold", "the West"), ("warming", None)}
