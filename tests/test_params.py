"""Params files are validated on load; errors name the file and the field."""

import pytest

from blp.errors import ParamsError
from blp.params import load_params


@pytest.fixture
def params_dir(tmp_path):
    (tmp_path / "default.yaml").write_text("key: establishments\npeers:\n  size: 10\n")
    return tmp_path


def test_repository_params_files_are_valid():
    from blp.paths import PARAMS_DIR

    for path in PARAMS_DIR.glob("GM*.yaml"):
        p = load_params(path.stem)
        assert p.gemeente == path.stem


def test_gemeente_file_overrides_default(params_dir):
    (params_dir / "GM0917.yaml").write_text("peers:\n  method: corop\n")
    p = load_params("GM0917", params_dir=params_dir)
    assert p.peers.method == "corop"
    assert p.peers.size == 10
    assert p.gemeente == "GM0917"


def test_unknown_key_is_named_with_its_file(params_dir):
    bad = params_dir / "GM0917.yaml"
    bad.write_text("peers:\n  methode: corop\n")
    with pytest.raises(ParamsError) as exc:
        load_params("GM0917", params_dir=params_dir)
    assert "peers.methode" in str(exc.value)
    assert str(bad) in str(exc.value)
    assert "method" in str(exc.value)  # suggests the allowed fields


def test_wrong_type_is_named(params_dir):
    (params_dir / "GM0917.yaml").write_text("key_year: '2018'\n")
    with pytest.raises(ParamsError, match=r"field 'key_year' must be int \| null, got str '2018'"):
        load_params("GM0917", params_dir=params_dir)


def test_bad_choice_is_named(params_dir):
    (params_dir / "GM0917.yaml").write_text("sensitivity: [total, employees]\n")
    with pytest.raises(ParamsError, match=r"sensitivity\[1\]"):
        load_params("GM0917", params_dir=params_dir)


def test_malformed_yaml_is_a_clear_error(params_dir):
    (params_dir / "GM0917.yaml").write_text("peers: [unclosed\n")
    with pytest.raises(ParamsError, match="not valid YAML"):
        load_params("GM0917", params_dir=params_dir)


def test_file_for_another_gemeente_is_refused(params_dir, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("gemeente: GM0363\n")
    with pytest.raises(ParamsError, match="is for gemeente GM0363"):
        load_params("GM0917", params_file=other, params_dir=params_dir)


def test_list_peers_need_codes(params_dir):
    (params_dir / "GM0917.yaml").write_text("peers:\n  method: list\n")
    with pytest.raises(ParamsError, match="peers.gemeenten"):
        load_params("GM0917", params_dir=params_dir)
