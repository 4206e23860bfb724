"""pyproject.toml and environment.yml list the same dependencies."""

import re
import tomllib

import yaml

from blp.paths import PROJECT_ROOT


def _norm(spec: str) -> tuple[str, str]:
    name, rest = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", spec.strip()).groups()
    return name.lower().replace("_", "-"), rest.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_norm(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = dict(_norm(s) for s in conda + [p for p in pip if not p.startswith("-e")])
    assert listed == wanted
    assert "-e ." in pip
    assert project["requires-python"] == ">=3.11"
