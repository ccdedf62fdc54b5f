"""Costly aggregates are kept per revision: asked again, answered without computing; after a
load that changes the knowledge base, computed afresh."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.relations import service
from app.responses import computed_cache
from app.seeding.loader import seed
from tests.conftest import copy_seed

DOSSIER = "/api/v1/relations/RU/FR"
TITLE = "Vladimir Putin's official visit to France"


def test_a_kept_dossier_is_answered_again_and_follows_the_next_load(
    empty_engine: Engine, app_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    bundle = copy_seed(tmp_path)
    seed(empty_engine, [bundle])
    computed = []
    real = service.get_relations

    def counting(*args, **kwargs):
        computed.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "get_relations", counting)
    with TestClient(app_for(empty_engine)) as client:
        first = client.get(DOSSIER)
        again = client.get(DOSSIER)
        assert first.status_code == again.status_code == 200
        assert again.content == first.content
        assert again.headers["etag"] == first.headers["etag"]
        assert len(computed) == 1  # the second answer was the kept one
        assert TITLE in first.text

        bundle.write_text(
            bundle.read_text(encoding="utf-8").replace(
                f'title: "{TITLE}"', 'title: "Putin in France, August 2019"', 1
            ),
            encoding="utf-8",
        )
        seed(empty_engine, [bundle])
        after = client.get(DOSSIER)

    assert len(computed) == 2
    assert after.headers["etag"] != first.headers["etag"]
    assert "Putin in France, August 2019" in after.text
    assert TITLE not in after.text


def test_the_cache_forgets_the_least_recently_used_answers():
    cache = type(computed_cache())(entries=2)
    cache.put("a", b"1")
    cache.put("b", b"2")
    assert cache.get("a") == b"1"  # now the most recent
    cache.put("c", b"3")

    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (b"1", b"3")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/events?country=RU&country=FR&limit=2", "/api/v1/events?country=FR&count=true"],
)
def test_a_cached_events_page_is_current_until_a_load_changes_it(
    empty_engine: Engine, app_for, tmp_path: Path, path: str
):
    """A client's copy of a page is answered 304 until a load changes the knowledge base,
    then the new page comes back."""
    bundle = copy_seed(tmp_path)
    seed(empty_engine, [bundle])
    with TestClient(app_for(empty_engine)) as client:
        first = client.get(path)
        etag = first.headers["etag"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

        seed(empty_engine, [bundle])  # the same bundles: nothing changes
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

        bundle.write_text(
            bundle.read_text(encoding="utf-8").replace(
                f'title: "{TITLE}"', 'title: "Putin in France, August 2019"', 1
            ),
            encoding="utf-8",
        )
        seed(empty_engine, [bundle])
        after = client.get(path, headers={"If-None-Match": etag})

    assert first.status_code == after.status_code == 200
    assert after.headers["etag"] != etag
    assert TITLE in first.text
    assert "Putin in France, August 2019" in after.text and TITLE not in after.text
