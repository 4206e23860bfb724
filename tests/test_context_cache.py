"""The national calculation kept between runs: reused only for the same inputs, choices and code."""

import dataclasses

import pytest

from blp.params import load_params
from blp.uitvoering import context_cache


@pytest.fixture
def counted(monkeypatch, national):
    calls = []

    def compute(data, params):
        calls.append(params)
        return national

    monkeypatch.setattr(context_cache, "compute_national", compute)
    monkeypatch.delenv(context_cache.NO_CACHE_ENV, raising=False)
    return calls


def test_a_later_run_reuses_the_context_and_a_change_computes_it_again(tmp_path, data, counted):
    params = load_params()
    first = context_cache.national_context(data, params, tmp_path, "code-1")
    again = context_cache.national_context(data, params, tmp_path, "code-1")
    assert len(counted) == 1 and again.result.national.equals(first.result.national)
    context_cache.national_context(data, params, tmp_path, "code-2")  # the kit's code changed
    other = load_params(overrides={"key": "establishments"})
    context_cache.national_context(data, other, tmp_path, "code-2")  # other choices
    changed = dataclasses.replace(data, inputs=[dataclasses.replace(data.inputs[0], sha256="0" * 64)]
                                  + data.inputs[1:])
    context_cache.national_context(changed, params, tmp_path, "code-2")  # an input file changed
    assert len(counted) == 4
    assert len(list((tmp_path / ".cache").glob("national-*.pkl"))) == 4


def test_a_damaged_cache_file_is_computed_again(tmp_path, data, counted):
    params = load_params()
    context_cache.national_context(data, params, tmp_path, "c")
    (cached,) = (tmp_path / ".cache").glob("national-*.pkl")
    cached.write_bytes(b"not a pickle")
    ctx = context_cache.national_context(data, params, tmp_path, "c")
    assert len(counted) == 2 and ctx.result is not None
    assert cached.read_bytes() != b"not a pickle"  # rewritten whole


def test_no_cache_when_asked(tmp_path, data, counted, monkeypatch):
    monkeypatch.setenv(context_cache.NO_CACHE_ENV, "1")
    for _ in range(2):
        context_cache.national_context(data, load_params(), tmp_path, "c")
    assert len(counted) == 2 and not (tmp_path / ".cache").exists()


def test_a_cache_file_of_other_inputs_copied_over_the_current_one_is_not_used(tmp_path, data, counted):
    """A file holds its key: an older context put under the current name is computed again, never used."""
    import shutil

    params = load_params()
    context_cache.national_context(data, params, tmp_path, "old-code")
    (old,) = (tmp_path / ".cache").glob("national-*.pkl")
    context_cache.national_context(data, params, tmp_path, "new-code")
    current = next(p for p in (tmp_path / ".cache").glob("national-*.pkl") if p != old)
    shutil.copyfile(old, current)
    context_cache.national_context(data, params, tmp_path, "new-code")
    assert len(counted) == 3


def test_the_key_covers_the_io_table_next_to_the_data(tmp_path, data, default_params, monkeypatch):
    """The Eurostat files the kit reads from beside a data folder change the key when they change."""
    from blp.beleid import policy

    folder = tmp_path / "sut"
    folder.mkdir()
    (folder / "naio_10_cp15_NL_2022.json").write_text("{}")
    monkeypatch.setattr(policy, "default_io_dir", lambda d: folder)
    monkeypatch.setattr(context_cache, "default_io_dir", lambda d: folder)
    first = context_cache.cache_key(data, default_params, "c")
    (folder / "naio_10_cp15_NL_2022.json").write_text('{"changed": 1}')
    assert context_cache.cache_key(data, default_params, "c") != first


def _overview(national, params, outputs_dir, code_digest):
    """What a run does: the kept figures or drawn ones, kept for the next run when drawn (blp.uitvoering.runner)."""
    figures, drawn = context_cache.kept_or_drawn_overview(national, params, outputs_dir, code_digest)
    if drawn:
        context_cache.keep_overview(national, params, outputs_dir, code_digest, figures)
    return figures


def test_the_overview_figures_are_drawn_once_per_national_context(tmp_path, national, default_params, monkeypatch):
    """A later run on the same national context reuses the overview's maps; other code draws them again."""
    monkeypatch.delenv(context_cache.NO_CACHE_ENV, raising=False)
    drawn = []

    def draw(ctx):
        drawn.append(ctx)
        return {"histogram": f"<svg>{len(drawn)}</svg>", "maps": []}

    monkeypatch.setattr(context_cache, "draw_overview", draw)
    first = _overview(national, default_params, tmp_path, "code-1")
    again = _overview(national, default_params, tmp_path, "code-1")
    assert len(drawn) == 1 and again == first == {"histogram": "<svg>1</svg>", "maps": []}
    assert _overview(national, default_params, tmp_path, "code-2")["histogram"] == "<svg>2</svg>"
    for f in (tmp_path / ".cache").glob("overview-*.pkl"):
        f.write_bytes(b"damaged")
    assert _overview(national, default_params, tmp_path, "code-1")["histogram"] == "<svg>3</svg>"


def test_the_overview_cache_keeps_only_the_newest_files(tmp_path, national, default_params, monkeypatch):
    monkeypatch.delenv(context_cache.NO_CACHE_ENV, raising=False)
    monkeypatch.setattr(context_cache, "draw_overview", lambda ctx: {"histogram": "<svg/>", "maps": []})
    for i in range(context_cache.KEEP + 3):
        _overview(national, default_params, tmp_path, f"code-{i}")
    assert len(list((tmp_path / ".cache").glob("overview-*.pkl"))) == context_cache.KEEP
    assert not list((tmp_path / ".cache").glob("national-*.pkl"))  # each kind keeps its own files


@pytest.mark.parametrize("content", [
    {"histogram": "<svg/>", "maps": None},
    {"histogram": None, "maps": []},
    {"histogram": "<svg/>", "maps": [("only a caption",)]},
    {"histogram": "<svg/>", "maps": "oops"},
    {"histogram": "", "maps": []},
])
def test_a_kept_overview_file_with_other_content_is_drawn_again(tmp_path, national, default_params, monkeypatch,
                                                                 content):
    """A file under the right key that does not hold SVG drawings (damaged, or written by something else) is
    never shown: the maps are drawn again and the file rewritten."""
    import pickle

    monkeypatch.delenv(context_cache.NO_CACHE_ENV, raising=False)
    good = {"histogram": "<svg>drawn</svg>", "maps": [("kaart", "<svg>map</svg>")]}
    monkeypatch.setattr(context_cache, "draw_overview", lambda ctx: good)
    key = context_cache.cache_key(national.data, default_params, "c")
    path = context_cache._path(tmp_path, "overview", key)
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps({"key": key, "value": content}))
    assert _overview(national, default_params, tmp_path, "c") == good
    assert pickle.loads(path.read_bytes())["value"] == good


def test_kept_figures_of_a_data_set_too_small_for_a_histogram_are_used(tmp_path, national, default_params,
                                                                       monkeypatch):
    """With fewer than two gemeenten above zero the histogram is a sentence, and no maps are drawn: that is what
    the kit writes, so a later run uses it."""
    monkeypatch.delenv(context_cache.NO_CACHE_ENV, raising=False)
    drawn = []
    small = {"histogram": "<p>Te weinig gemeenten met een BLP boven nul voor een verdeling.</p>", "maps": []}
    monkeypatch.setattr(context_cache, "draw_overview", lambda ctx: drawn.append(1) or small)
    for _ in range(2):
        assert _overview(national, default_params, tmp_path, "c") == small
    assert len(drawn) == 1


def test_a_kept_file_the_run_may_read_but_not_touch_is_used(tmp_path, national, default_params, monkeypatch):
    """Another user's cache file (readable, its time not settable) is used, not an error that stops the run."""
    monkeypatch.delenv(context_cache.NO_CACHE_ENV, raising=False)
    drawn = []
    monkeypatch.setattr(context_cache, "draw_overview",
                        lambda ctx: drawn.append(1) or {"histogram": "<svg/>", "maps": []})
    _overview(national, default_params, tmp_path, "c")

    def refuse(*_a, **_k):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(context_cache.os, "utime", refuse)
    assert _overview(national, default_params, tmp_path, "c") == {"histogram": "<svg/>",
                                                                                        "maps": []}
    assert len(drawn) == 1


def test_the_key_covers_the_package_versions(data, default_params, monkeypatch):
    """After an upgrade of matplotlib (the maps) or statsmodels (the expected model) nothing kept is reused."""
    first = context_cache.cache_key(data, default_params, "c")
    monkeypatch.setattr(context_cache, "package_versions", lambda: {"matplotlib": "9.9.9"})
    assert context_cache.cache_key(data, default_params, "c") != first
