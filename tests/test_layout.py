"""The house shows its stages: one package per stage, imports pointing down only (read from the source)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "blp"

# Top-level modules: entry points and what every stage shares.
ENTRY_POINTS = {"blp.cli", "blp.__main__"}
SHARED = {"blp", "blp.errors", "blp.params", "blp.schema", "blp.paths", "blp.atomic", "blp.dutch"}
# Each package and what it may import of the kit besides itself and the shared basics, lowest stage first.
ALLOWED = {
    "blp.data": set(),
    "blp.berekening": {"blp.data"},
    "blp.welvaart": {"blp.data", "blp.berekening"},
    "blp.beleid": {"blp.data", "blp.berekening", "blp.welvaart"},
    "blp.rapport": {"blp.data", "blp.berekening", "blp.welvaart", "blp.beleid"},
    "blp.uitvoering": {"blp.data", "blp.berekening", "blp.welvaart", "blp.beleid", "blp.rapport"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def kit_imports(path: Path) -> set[str]:
    """Every ``blp`` module a file imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "blp"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "blp":
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def owner(name: str) -> str:
    """The package of the layout a module name falls in: ``blp.rapport.paginas.beleid`` -> ``blp.rapport``."""
    parts = name.split(".")
    if len(parts) >= 2 and f"blp.{parts[1]}" in ALLOWED:
        return f"blp.{parts[1]}"
    if len(parts) >= 2 and f"blp.{parts[1]}" in SHARED | ENTRY_POINTS:
        return f"blp.{parts[1]}"
    return "blp"


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_rules_see_every_module_and_real_imports():
    names = {module_name(p) for p in MODULES}
    assert {"blp.berekening.allocation", "blp.rapport.paginas.berekening", "blp.uitvoering.runner"} <= names
    assert "blp.data.canonical.CanonicalData" in kit_imports(PACKAGE / "berekening" / "calculation.py")
    assert owner("blp.rapport.paginas.beleid") == "blp.rapport" and owner("blp.params.Params") == "blp.params"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_stages(path):
    me = module_name(path)
    mine = owner(me)
    for imported in kit_imports(path):
        target = owner(imported)
        assert target not in ENTRY_POINTS or me in ENTRY_POINTS, f"{me} imports {imported}: nothing imports the cli"
        if target == mine or mine in ENTRY_POINTS:
            continue
        if mine in SHARED or mine == "blp":
            assert target in SHARED, f"{me} (shared basics) imports {imported} of a stage"
        else:
            assert target in SHARED or target in ALLOWED[mine], f"{me} ({mine}) may not import {imported}"


def test_top_level_holds_only_entry_points_and_shared_basics():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 9, top  # entry points (3) and shared basics (6); a new one is a decision, not a drift
    assert {f"blp.{p[:-3]}" if p != "__init__.py" else "blp" for p in top} <= SHARED | ENTRY_POINTS
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == \
        {name.split(".")[1] for name in ALLOWED}


@pytest.mark.parametrize("package", sorted(ALLOWED) + ["blp.rapport.paginas"])
def test_every_package_says_what_it_does_and_may_import(package):
    init = PACKAGE.parent / package.replace(".", "/") / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and "import" in doc, f"{init} needs a docstring that says what it does and may import"
