"""Build hook: a wheel carries the notebooks and params the runner needs (blp/_bundled/).

Everything else is configured in pyproject.toml. In a checkout (editable install) the kit reads
notebooks/ and params/ beside the package (blp.paths), so this copy exists only inside built wheels.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {"notebooks": "*.ipynb", "params": "*.yaml"}


class BuildPyWithNotebooks(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        for folder, pattern in BUNDLED.items():
            target = Path(self.build_lib) / "blp" / "_bundled" / folder
            target.mkdir(parents=True, exist_ok=True)
            for f in sorted((ROOT / folder).glob(pattern)):
                shutil.copyfile(f, target / f.name)


setup(cmdclass={"build_py": BuildPyWithNotebooks})
