"""A board page's view reads through one connection, opened only when a figure is not cached."""
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from qa_dashboard import store


@pytest.fixture
def opened(monkeypatch) -> list[Path]:
    """Every connection the store opens, by path."""
    seen: list[Path] = []
    real = store._connect_with_retry
    monkeypatch.setattr(store, "_connect_with_retry", lambda path, **kw: seen.append(path) or real(path, **kw))
    return seen


@pytest.mark.parametrize("page", ["app_pages/audits.py", "app_pages/system_health.py", "app_pages/workforce.py",
                                  "app_pages/voice.py", "app_pages/overview.py"])
def test_a_page_view_opens_one_connection_cold_and_none_warm(repo_root, demo_db, tmp_path, monkeypatch, opened, page):
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)  # a path no other test's cache holds
    monkeypatch.setenv("QA_DASHBOARD_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=120).run()  # the Overview, cold
    assert not app.exception, app.exception
    if page != "app_pages/overview.py":
        assert len(opened) == 1, f"the Overview opened {len(opened)} connections for one view"
        opened.clear()
        app.switch_page(page).run()  # this page's own queries, none cached yet
        assert not app.exception, app.exception
    assert len(opened) == 1, f"{page} opened {len(opened)} connections for one view"
    opened.clear()
    app.run()
    assert opened == [], f"{page} opened a connection for a view served from the cache"


def test_shared_reads_open_at_the_first_read_and_refuse_a_write(demo_db, tmp_path, opened):
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    with store.shared_reads(db):
        assert opened == []
        with store.read_connection(db) as first, store.read_connection(db) as second:
            assert first is second
        with pytest.raises(RuntimeError, match="would wait for the read"):
            with store.write_transaction(db):
                pass
    assert len(opened) == 1
    with store.write_transaction(db):  # after the block: the lock is free
        pass


def test_a_write_waiting_on_readers_gives_up_with_a_sentence(demo_db, tmp_path):
    """A page view holds its read for the whole view; a load that cannot start within its wait
    says so and writes nothing, instead of hanging while a board keeps reading."""
    import threading
    import time

    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    before = db.read_bytes()
    said = []

    def write():
        started = time.monotonic()
        try:
            with store.write_transaction(db, wait=0.5):
                said.append("written")
        except store.DatabaseBusy as busy:
            said.append((str(busy), time.monotonic() - started))

    with store.shared_reads(db):
        with store.read_connection(db):
            writer = threading.Thread(target=write)
            writer.start()
            writer.join(10)
    [(sentence, seconds)] = said
    assert sentence.startswith("The database was being read by others for over")
    assert "nothing was written" in sentence and 0.4 <= seconds < 5
    assert db.read_bytes() == before
