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
