"""Run one function in a forked child process while this process goes on (measured in bench/: the
expected-BLP model's statsmodels import and fit then overlap with the rest of the national calculation).

The child inherits everything by fork (nothing is pickled on the way in), ignores Ctrl-C like the kit's
other children (``blp.rapport.figures.child_process_signals``) and sends its result back through a pipe.
Where fork is not available the function runs in this process when the result is asked for.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

from blp.errors import interrupts_held
from blp.rapport.figures import child_process_signals


def _child(conn, fn: Callable, args: tuple) -> None:
    child_process_signals()
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        conn.send(("error", exc))
    finally:
        conn.close()


class ForkedCall:
    """``fn(*args)`` in a child process; ``result()`` waits for it and returns it (or raises its error)."""

    def __init__(self, fn: Callable, *args: Any):
        self.fn, self.args, self.proc = fn, args, None
        if "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")
            self.conn, send = ctx.Pipe(duplex=False)
            self.proc = ctx.Process(target=_child, args=(send, fn, args), daemon=True, name="blp-fit")
            with interrupts_held():  # a Ctrl-C inside fork's bookkeeping would leave a lock held (blp.errors)
                self.proc.start()
            send.close()

    def result(self) -> Any:
        if self.proc is None:
            return self.fn(*self.args)
        try:
            kind, value = self.conn.recv()
        except EOFError:  # the child died without an answer: do it here
            return self.fn(*self.args)
        finally:
            self.cancel()
        if kind == "error":
            raise value
        return value

    def cancel(self) -> None:
        """Stop the child if it still runs (the caller failed or was interrupted)."""
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.terminate()
            self.proc.join()
            self.conn.close()
            self.proc = None
