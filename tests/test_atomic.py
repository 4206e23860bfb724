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
