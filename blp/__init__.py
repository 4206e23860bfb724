"""blp: compute the Bruto Lokaal Product (BLP) of Dutch gemeenten, openly and reproducibly.

The package is laid out by stage, as the four notebooks walk through them; imports point down only:

- ``data``: sources (CSV snapshot, live CBS, own files) turned into one canonical data set;
- ``berekening``: concordance, boundaries, keys, allocation and the figures derived from them;
- ``welvaart``: brede-welvaart indicators, scores and the expected-BLP model;
- ``beleid``: scenarios, multipliers, levers and local money flows;
- ``rapport``: what a reader sees: report sections, text, tables, charts, HTML, the overview page;
- ``uitvoering``: running notebooks for gemeenten: kernel engine, runner, requests, manifest.

At the top sit only the entry points (``cli``, ``__main__``) and what every stage shares
(``errors``, ``params``, ``schema``, ``paths``, ``atomic``). ``tests/test_layout.py`` checks the rules.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

__version__ = "0.1.0"

# Keep a slow third-party import off every run's critical path.
#
# ``nbformat`` imports ``jsonschema``, whose format checkers import ``rfc3987_syntax`` when it is
# installed (it comes with ``jsonschema[format-nongpl]``, a dependency of the Jupyter stack).
# ``rfc3987_syntax`` 1.1 compiles about forty lark grammars at import time: 2 to 3 seconds before
# the first notebook can even be read (python-jsonschema/jsonschema#1428). nbformat never checks the
# ``iri`` formats that need it, so the kit puts a stand-in in ``sys.modules`` that imports the real
# module the first time anything uses it. Validation results are unchanged; only the moment of the
# import moves.
_SLOW = "rfc3987_syntax"


def _load_real() -> types.ModuleType:
    """Swap the stand-in for the real module (imported now) and return it."""
    if getattr(sys.modules.get(_SLOW), "__blp_deferred__", False):
        del sys.modules[_SLOW]
    return importlib.import_module(_SLOW)


def defer_rfc3987_syntax() -> None:
    """Install the stand-in, unless jsonschema is loaded already or the module is not installed."""
    if _SLOW in sys.modules or "jsonschema" in sys.modules:
        return
    spec = importlib.util.find_spec(_SLOW)
    if spec is None:
        return
    stand_in = types.ModuleType(_SLOW, "Stand-in installed by blp; loads the real module on first use.")
    stand_in.__spec__ = spec  # find_spec() and friends still answer as for the real module

    def is_valid_syntax(*args, **kwargs):
        return _load_real().is_valid_syntax(*args, **kwargs)

    def __getattr__(name: str):
        if name.startswith("__"):  # the import system probes __path__, __file__ ...: not a use
            raise AttributeError(name)
        return getattr(_load_real(), name)

    stand_in.is_valid_syntax = is_valid_syntax
    stand_in.__getattr__ = __getattr__
    stand_in.__blp_deferred__ = True
    sys.modules[_SLOW] = stand_in


defer_rfc3987_syntax()
