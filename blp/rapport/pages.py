"""The two pages the kit writes itself (a run's front page, the overview of all gemeenten), from Jinja2
templates in ``templates/pages`` with autoescaping: everything from params or data is escaped there; HTML the
kit built and escaped itself (charts, navigation) is passed as ``Markup``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader

    # chrome.css (navigation, footer, print) is shared with the reports' nbconvert template
    return Environment(loader=FileSystemLoader([TEMPLATES / "pages", TEMPLATES / "blp_rapport"]), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True)


def render_page(name: str, **context) -> str:
    return _environment().get_template(name).render(**context)
