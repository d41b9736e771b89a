"""The app lets go of the database it opened when the server shuts down."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sovet.settings import Settings
from sovet.storage import Database
from sovet.web import create_app
from sovet.web.store import Store


def test_a_database_the_app_opened_is_closed_at_shutdown(web_db: Database) -> None:
    app = create_app(Settings(database_url=web_db.url, secret_key="k"), fast_hashing=True)
    store = app.state.store
    assert isinstance(store, Store) and store.db is not web_db
    with TestClient(app) as client:
        assert client.get("/api/v1/federation").status_code == 200
        assert store.db.engine.pool.checkedin() >= 1  # kept for the next request
    assert store.db.engine.pool.checkedin() == 0  # closed, not left to the collector


def test_a_database_passed_in_stays_open_for_its_owner(web_db: Database) -> None:
    app = create_app(Settings(database_url=web_db.url, secret_key="k"), database=web_db)
    with TestClient(app) as client:
        assert client.get("/api/v1/federation").status_code == 200
    assert web_db.engine.pool.checkedin() >= 1
    assert web_db.size() > 0  # still usable by the caller
