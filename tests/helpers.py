"""Helpers shared by test modules (pytest puts this folder on sys.path)."""

import io
from contextlib import redirect_stderr, redirect_stdout

from blp.cli import main


def run_cli(*args):
    """Run `blp ARGS...` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def run_sections(module, view) -> None:
    """Call every report section of a page module, as its notebook does (charts and plans excluded)."""
    import inspect

    from blp.rapport.paginas import beleid, brede_welvaart

    extra = {brede_welvaart: lambda: brede_welvaart.positions(view), beleid: lambda: beleid.policy_view(view)}
    second = extra[module]() if module in extra else None
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ != module.__name__ or name.startswith("_") or name.endswith(("_frame", "_figure", "_title")) \
                or name in ("positions", "policy_view", "figures"):
            continue
        params = list(inspect.signature(fn).parameters)
        fn(view, second) if len(params) == 2 else fn(view)


def shown_text(item) -> str:
    """The text of something a report section displayed: prose and tables as their plain-text version."""
    if isinstance(item, dict):
        return str(item.get("text/plain", ""))
    return str(getattr(item, "data", ""))
