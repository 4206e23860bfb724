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
