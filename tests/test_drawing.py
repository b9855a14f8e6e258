"""The pack's charts drawn where a crash of the drawing library cannot take the caller with it,
kept on disk beside the database, drawn ahead after a load, and drawn without two faults seen
in the demo pack's PDF (words past a bar chart's edge, month labels run together)."""
from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from qa_dashboard import chart_cache, draw_ahead, pack
from qa_dashboard.pack import images
from tests.workbooks import TODAY, table, workforce, write_xlsx

REPO_ROOT = Path(__file__).resolve().parents[1]


def bar_specs(n: int, team: str = "Team") -> list[dict]:
    return [{"data": {"values": [{"team": f"{team} {i}", "n": i + k} for i in range(4)]}, "mark": "bar",
             "encoding": {"y": {"field": "team", "type": "nominal"}, "x": {"field": "n", "type": "quantitative"}}}
            for k in range(n)]


@pytest.fixture(autouse=True)
def _nothing_kept_in_this_process():
    images.forget_drawn()


# ------------------------------------------------------------------ a crash in drawing --
def test_a_chart_that_crashes_the_drawing_library_fails_with_a_sentence_and_the_caller_lives(tmp_path):
    """A control character in a team name aborts vl-convert's whole process (a Rust panic, exit
    134): it happens in a helper, and this process gets a sentence naming the chart."""
    specs = bar_specs(4)
    specs[1]["data"]["values"][0]["team"] = "Hub\x01North"
    labels = [("Workforce", f"Caseload by team, part {n + 1}") for n in range(4)]
    renderer = images.Renderer(helpers=1, cache=chart_cache.ChartCache(tmp_path / "charts"))
    with pytest.raises(pack.PackError) as raised:
        renderer.draw_all(specs, "svg", labels=labels)
    assert str(raised.value).startswith("The chart 'Caseload by team, part 2' in Workforce could not be drawn")
    # The charts after the one it died on were drawn by a new helper, and kept.
    assert len(renderer.seconds) == 3
    assert all(renderer.draw(spec, "svg").startswith(b"<svg") for spec in specs[:1] + specs[2:])


def test_a_name_stored_with_a_control_character_by_an_old_load_fails_the_pack_with_a_sentence(demo_db, tmp_path):
    """A database loaded before names were cleaned at the door: a team holding a vertical tab,
    written straight into the tables as such a load left it. The pack exits 1 with one sentence;
    the drawing library's abort stays in its helper."""
    import shutil

    import duckdb

    db = Path(shutil.copy(demo_db, tmp_path / "old.duckdb"))
    with duckdb.connect(str(db)) as con:
        for table_name in ("workforce_rows", "team_rows"):
            con.execute(f"UPDATE {table_name} SET team = team || chr(11) WHERE team = 'FS North'")
    result = subprocess.run([sys.executable, "-m", "qa_dashboard", "pack", str(tmp_path / "pack.pdf"), "--db", str(db)],
                            cwd=REPO_ROOT, capture_output=True, text=True)
    said = [line for line in result.stderr.splitlines() if "WARNING streamlit" not in line]
    assert result.returncode == 1, result.stderr
    assert len(said) == 1 and said[0].startswith("error: The chart ") and "could not be drawn" in said[0], said
    assert not (tmp_path / "pack.pdf").exists()


def test_nothing_is_drawn_in_the_callers_process(monkeypatch):
    """vl-convert holds Python's lock while it draws: drawn in the server, a pack stalls every other
    session. Every chart of a pack is drawn by a helper process."""
    import vl_convert

    for name in ("vegalite_to_svg", "vegalite_to_png", "svg_to_png"):
        monkeypatch.setattr(vl_convert, name, lambda *a, **k: pytest.fail("drawn in the caller's process"))
    renderer = images.Renderer(helpers=1)
    renderer.draw_all(bar_specs(2), "svg")
    renderer.draw_all(bar_specs(2), "png")  # rasterised from the SVGs, by a helper too
    assert len(renderer.seconds) == 4


def test_the_drawing_reports_each_chart_with_its_section_n_of_m(demo_db):
    document = pack.build(demo_db, pack.filters_for(demo_db, None, None, None), ["overview", "workforce"])
    seen = []
    pack.draw_charts(document, ".pdf", images.Renderer(helpers=2), lambda section, n, m: seen.append((section, n, m)))
    total = len({chart_cache.chart_key(chart.spec, "svg") for chart in document.charts()})
    assert [n for _, n, _ in seen] == list(range(1, total + 1)) and {m for _, _, m in seen} == {total}
    assert {section for section, _, _ in seen} == {"Summary", "Workforce"}


# ------------------------------------------------------------------------ kept on disk --
def test_charts_kept_on_disk_are_found_by_a_new_renderer_without_drawing(tmp_path):
    cache = chart_cache.ChartCache(tmp_path / "charts")
    first = images.Renderer(helpers=1, cache=cache)
    first.draw_all(bar_specs(3), "svg")
    images.forget_drawn()  # as a new process: nothing in memory
    again = images.Renderer(helpers=1, cache=cache)
    again.draw_all(bar_specs(3), "svg")
    assert again.seconds == [] and again.missing(bar_specs(3), "svg") == 0


def test_the_chart_folder_drops_the_oldest_beyond_its_size(tmp_path):
    cache = chart_cache.ChartCache(tmp_path / "charts", max_bytes=3_000)
    svg = b"<svg>" + b" " * 989 + b"</svg>"  # 1,000 bytes
    for number in range(5):
        cache.put(f"{number}", "svg", svg)
        os.utime(cache.folder / f"{number}.svg", ns=(number * 10**9, number * 10**9))
    cache.trim()
    assert sorted(path.name for path in cache.folder.glob("*.svg")) == ["2.svg", "3.svg", "4.svg"]


def test_a_damaged_chart_on_disk_is_ignored_and_drawn_again(tmp_path):
    cache = chart_cache.ChartCache(tmp_path / "charts")
    spec = bar_specs(1)[0]
    images.Renderer(helpers=1, cache=cache).draw_all([spec], "png")
    [kept] = cache.folder.glob("*.png")
    kept.write_bytes(kept.read_bytes()[:200])  # cut short, as by a full disk
    images.forget_drawn()
    again = images.Renderer(helpers=1, cache=cache)
    image = again.draw(spec, "png")
    assert len(again.seconds) == 1 and chart_cache.whole(image, "png") and kept.read_bytes() == image


def test_the_chart_folder_is_its_owners_alone(tmp_path):
    cache = chart_cache.ChartCache(tmp_path / "charts")
    images.Renderer(helpers=1, cache=cache).draw_all(bar_specs(1), "svg")
    assert stat.S_IMODE(cache.folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in cache.folder.iterdir())


# ------------------------------------------------------------------------ drawn ahead --
def _run(*arguments, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_dashboard", *arguments], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True)


def test_a_pack_from_the_command_line_after_a_load_draws_nothing_new(tmp_path, monkeypatch):
    """After a load, the child it starts (`python -m qa_dashboard.draw_ahead DB`, run here to its
    end) keeps the default pack's charts beside the database; the command line's pack, a new
    process, finds them all there and draws none."""
    monkeypatch.delenv(chart_cache.ENV_VAR)
    db = tmp_path / "data" / "qa.duckdb"
    rows = [workforce(period=month, team=name, children_allocated=150 + 10 * n)
            for month in ("2024-03", "2024-04", "2024-05") for n, name in enumerate(("Assessment Team 1", "Hub"))]
    book = write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(*rows)})
    loaded = _run("ingest", str(book), "--db", str(db), env=dict(os.environ))
    assert loaded.returncode == 0, loaded.stderr
    ahead = subprocess.run([sys.executable, "-m", "qa_dashboard.draw_ahead", str(db)], cwd=REPO_ROOT)
    assert ahead.returncode == 0 and draw_ahead.complete(db)
    folder = db.parent / chart_cache.FOLDER_NAME
    before = {path.name: path.stat().st_ino for path in folder.glob("*.*g")}
    assert any(name.endswith(".svg") for name in before) and any(name.endswith(".png") for name in before)
    for out in ("pack.pdf", "pack.docx"):
        made = _run("pack", str(tmp_path / out), "--db", str(db), env=dict(os.environ))
        assert made.returncode == 0, made.stderr
    after = {path.name: path.stat().st_ino for path in folder.glob("*.*g")}
    assert after == before  # no picture drawn (or written again)


def test_the_app_starts_drawing_ahead_once_per_data_version_when_the_charts_are_missing(demo_db, monkeypatch):
    started = []
    monkeypatch.setenv(draw_ahead.ENV_VAR, "1")
    monkeypatch.setattr(draw_ahead, "start", lambda db: started.append(db))
    monkeypatch.setattr(draw_ahead, "_started", set())
    draw_ahead.start_once(demo_db)
    draw_ahead.start_once(demo_db)
    assert started == [demo_db]
    monkeypatch.setattr(draw_ahead, "_started", set())
    monkeypatch.setattr(draw_ahead, "complete", lambda db: True)
    draw_ahead.start_once(demo_db)
    assert started == [demo_db]


def test_drawing_ahead_is_off_when_turned_off(demo_db, monkeypatch):
    monkeypatch.setenv(draw_ahead.ENV_VAR, "0")
    assert draw_ahead.start(demo_db) is None


# ------------------------------------------------------------------- two drawing faults --
def test_a_bars_words_end_inside_the_printed_chart(demo_db):
    """The demo pack printed "22.9 · 5.9 above the target of 17" without its last digit: the
    words now end inside the chart, its right padding left blank."""
    document = pack.build(demo_db, pack.filters_for(demo_db, None, None, None), ["workforce"])
    [spec] = [c.spec for c in document.charts() if c.caption.startswith("Caseload by service area and team")]
    image = Image.open(io.BytesIO(images.Renderer(helpers=1).draw(spec, "png"))).convert("L")
    width, height = image.size
    padding = 8 * 2  # chart_printer's padding, at its scale of 2
    assert image.crop((width - padding, 0, width, height)).getextrema()[0] == 255, "drawn in the right padding"


def test_month_labels_are_thinned_rather_than_run_together():
    """A monthly axis put its last label flush with the end, onto its neighbour ("Feb 26Mar 26")."""
    import datetime as dt

    import pandas as pd

    from qa_dashboard.charts import spec_of, trend_chart

    frame = pd.DataFrame({"period": [dt.date(2025, m, 1) for m in range(4, 13)] + [dt.date(2026, m, 1) for m in (1, 2, 3)],
                          "series": "Our figure", "value": range(12)})
    axis = spec_of(trend_chart(frame, "Average caseload by month", "Children"))["encoding"]["x"]["axis"]
    assert axis["labelFlush"] is False and axis["labelOverlap"] == "greedy" and axis["labelSeparation"] > 0


def test_a_sum_added_in_another_order_finds_the_same_picture():
    """DuckDB adds a column in no fixed order: 16.2 one time, 16.200000000000003 the next; the
    default pack built again must find the pictures drawn ahead."""
    spec = bar_specs(1)[0]
    noisy = {**spec, "data": {"values": [{**row, "n": row["n"] + 0.2 + 1e-15} for row in spec["data"]["values"]]}}
    steady = {**spec, "data": {"values": [{**row, "n": row["n"] + 0.2} for row in spec["data"]["values"]]}}
    assert chart_cache.chart_key(noisy, "svg") == chart_cache.chart_key(steady, "svg")
    changed = {**spec, "data": {"values": [{**row, "n": row["n"] + 0.3} for row in spec["data"]["values"]]}}
    assert chart_cache.chart_key(changed, "svg") != chart_cache.chart_key(steady, "svg")


def test_a_load_and_an_undo_start_the_drawing_ahead_and_a_dry_run_does_not(tmp_path, monkeypatch):
    from qa_dashboard import ingest

    started = []
    monkeypatch.setattr(draw_ahead, "start", lambda db: started.append(db))
    db = tmp_path / "qa.duckdb"
    book = write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(workforce())})
    ingest.ingest([book], db, user="t", dry_run=True, today=TODAY)
    assert started == []
    assert ingest.ingest([book], db, user="t", today=TODAY).loaded and started == [db]
    ingest.ingest([book], db, user="t", today=TODAY)  # nothing new: nothing to draw
    assert started == [db]
    assert ingest.undo(db) is not None and started == [db, db]
