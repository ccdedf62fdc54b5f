"""Readiness tells an orchestrator whether this instance can answer."""

from fastapi.testclient import TestClient

from app import migrations


def test_readyz_is_a_503_problem_until_the_database_is_migrated(fresh_url, app_for):
    url = fresh_url()
    with TestClient(app_for(url)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "database not migrated to the latest schema"
        assert client.get("/healthz").status_code == 200

        migrations.upgrade(url)
        assert client.get("/readyz").json() == {"status": "ok"}
