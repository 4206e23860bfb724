"""The batch's status line (tqdm): how many gemeenten are done, failed and skipped, and the time left."""

from __future__ import annotations

import sys

from blp.uitvoering.jobs import JobResult

STATUS_NL = {"done": "klaar", "failed": "mislukt", "skipped": "overgeslagen"}


class Progress:
    """One status line (tqdm): how many gemeenten are done, failed and skipped, and the time left."""

    def __init__(self, total: int, enabled: bool = True, stream=sys.stderr):
        from tqdm import tqdm

        self.done = self.failed = self.skipped = 0
        self.bar = tqdm(total=total, file=stream, disable=not enabled, leave=True, mininterval=0, ascii=" #",
                        bar_format="[{bar:30}] {n_fmt}/{total_fmt}  nog ~{remaining}  {desc}")

    def update(self, result: JobResult) -> None:
        if result.status == "done":
            self.done += 1
        elif result.status == "failed":
            self.failed += 1
        else:
            self.skipped += 1
        self.bar.set_description_str(f"klaar {self.done}  mislukt {self.failed}  overgeslagen {self.skipped}  "
                                     f"({result.code} {STATUS_NL.get(result.status, result.status)})", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()
