"""Files are replaced in one step: readers see the old file or the whole new one."""

import pytest

from blp.atomic import replace_when_done


def test_a_finished_write_replaces_the_target_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "blp_gemeenten.csv"
    target.write_text("old\n")
    with replace_when_done(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_text("new\n")
        assert target.read_text() == "old\n"  # nothing changes before the block ends
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["blp_gemeenten.csv"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_half_written_one(tmp_path):
    target = tmp_path / "index.html"
    target.write_text("earlier output\n")
    with pytest.raises(RuntimeError):
        with replace_when_done(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "earlier output\n"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_a_folder_in_the_targets_place_is_an_error_naming_the_target_not_the_hidden_file(tmp_path):
    (tmp_path / "index.html").mkdir()
    with pytest.raises(OSError) as info:
        with replace_when_done(tmp_path / "index.html") as tmp:
            tmp.write_text("new")
    assert info.value.filename == str(tmp_path / "index.html")
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"] and (tmp_path / "index.html").is_dir()


def test_what_a_killed_writer_left_is_removed_after_a_day_and_a_live_writers_file_never(tmp_path):
    import os
    import time

    from blp.atomic import STALE_AFTER_S, remove_stale_partials

    old_folder = tmp_path / ".20261101T000000Z-ab12.partial"  # a run folder of a run killed a month ago
    (old_folder / "notebooks").mkdir(parents=True)
    old_file = tmp_path / ".index.html.123-abcdef.partial"
    old_file.write_text("half")
    fresh = tmp_path / ".20261130T000000Z-cd34.partial"  # a run writing now
    fresh.mkdir()
    kept = tmp_path / "20261101T000000Z-ef56"  # a complete run, however old
    kept.mkdir()
    long_ago = time.time() - STALE_AFTER_S - 60
    for p in (old_folder, old_file, kept):
        os.utime(p, (long_ago, long_ago))
    assert sorted(remove_stale_partials(tmp_path)) == sorted([old_folder, old_file])
    assert fresh.is_dir() and kept.is_dir() and not old_folder.exists() and not old_file.exists()
