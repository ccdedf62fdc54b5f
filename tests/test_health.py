"""Readiness tells an orchestrator whether this instance can answer."""

import gc

from fastapi.testclient import TestClient

from app import migrations
from app.main import create_app


def test_readyz_is_a_503_problem_until_the_database_is_migrated(fresh_url, use_database):
    url = fresh_url()
    use_database(url)
    with TestClient(create_app()) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "database not migrated to the latest schema"
        assert client.get("/healthz").status_code == 200

        migrations.upgrade(url)
        assert client.get("/readyz").json() == {"status": "ok"}


def test_a_serving_app_keeps_its_startup_objects_from_the_cycle_collector(fresh_url, use_database):
    """While it serves, the app's startup objects are frozen (a full collection would walk
    them, stopping the event loop for tens of ms); at shutdown they are given back."""
    use_database(fresh_url())
    assert gc.get_freeze_count() == 0
    with TestClient(create_app()) as client:
        assert gc.get_freeze_count() > 50_000  # the modules, the app, its routes and models
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0
