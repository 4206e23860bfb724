"""Every table of the reports as a download: a Dutch CSV per table (semicolon, decimal comma, the headings
and the rounding of the report) and one workbook per run with a sheet per table (numbers as numbers).

The tables are taken from the executed notebooks themselves (each table's plain-text form, which
``blp.rapport.html_table`` writes with the report's headings and formats), so a download always holds what
the report shows, under the heading of the section it stands in."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from blp.dutch import MINUS
from blp.rapport.html_table import TABLE_NAME

TABLE_HTML = '<table class="blp-table">'
SLUG_MAX = 60  # characters of a section heading in a download's file name
_NUMBER = re.compile(r"^[−-]?\d{1,3}(\.\d{3})*(,\d+)?$|^[−-]?\d+(,\d+)?$")


@dataclass
class Download:
    """One table of a report: the section it stands in, and its rows (the first is the heading)."""

    report: str      # e.g. "02_blp_berekening"
    section: str     # the heading above the table
    rows: list[list[str]]
    detail: str = ""  # what sets the table apart from another under the same heading: its name or first columns
    name: str = ""    # the table's own name, given where it is shown (``blp.rapport.display.table``)

    @property
    def title(self) -> str:
        return f"{self.section} ({self.detail})" if self.detail else self.section

    def file_name(self, number: int) -> str:
        """'02_blp_berekening_03_sectorstructuur.csv': report, number, the section's heading cut at a whole word,
        and for a second table under that heading what sets it apart ('..._sector_banen_gemeente.csv')."""
        return f"{self.report}_{number:02d}_{_slug(self.section, SLUG_MAX) or 'tabel'}" + (
            f"_{_slug(self.detail, DETAIL_MAX)}" if self.detail else "") + ".csv"


DETAIL_MAX = 30  # characters of a table's first headings in its file name


def _slug(text: str, limit: int) -> str:
    """'Positie: hoe verhoudt ...' -> 'positie_hoe_verhoudt', ASCII, cut at a whole word within ``limit``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()  # Súdwest -> Sudwest
    slug = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    return slug[:limit + 1].rsplit("_", 1)[0] if len(slug) > limit else slug


def _heading(text: str) -> str | None:
    for line in text.splitlines():
        m = re.match(r"^#{1,3}\s+(.*)", line.strip())
        if m:
            return m.group(1).strip()
    return None


def tables_of(nb, report: str) -> list[Download]:
    """The tables of an executed report notebook, in order, each with the heading it stands under."""
    section, found = report, []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            section = _heading(cell.source) or section
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            html = data.get("text/html", "")
            if html.startswith(TABLE_HTML):
                rows = [line.split("\t") for line in data.get("text/plain", "").splitlines()]
                found.append(Download(report, section, rows, name=data.get(TABLE_NAME, "")))
            elif "text/plain" in data and html.startswith('<div class="blp-prose">'):
                section = _heading(data["text/plain"]) or section
    shared = {d.section for d in found if sum(e.section == d.section for e in found) > 1}
    for d in found:
        if d.section in shared and d.rows:  # its own name, else its first headings (which can read alike: a reader)
            d.detail = d.name or ", ".join(h for h in d.rows[0][:2] if h)
    return found


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


def _cell(text: str) -> str:
    """A cell as Dutch Excel reads it: '€ 47.600' -> '47.600' (the heading says euro); a text that a
    spreadsheet would take for a formula (a name from params or data starting with '=') gets a leading
    apostrophe, so it stays text."""
    text = _without_euro(text)
    if text.startswith(MINUS) and dutch_value(text) is not text:  # a number: Dutch Excel reads '-1,5', not '−1,5'
        text = "-" + text[1:]
    return safe_text(text)


def _without_euro(text: str) -> str:
    """'€ 47.600' (with a plain or a non-breaking space) -> '47.600'."""
    return text[2:] if text[:2] in ("€ ", "€\u00a0") else text


def safe_text(text: str) -> str:
    """``text`` that no spreadsheet runs as a formula (numbers such as -0,25 stay as they are)."""
    if text.startswith(FORMULA_START) and dutch_value(text) is text:
        return "'" + text
    return text


CONTENTS = "00_inhoud.csv"  # which file holds which table: for the reader of the folder, and the front page's links


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows([[_cell(c) for c in row] for row in rows])


def write_csvs(downloads: list[Download], folder: Path) -> list[str]:
    """One CSV per table (UTF-8 with a byte-order mark, so Excel reads the accents) and ``CONTENTS``, the list of
    files with their report and table; returns the tables' file names."""
    folder.mkdir(parents=True, exist_ok=True)
    names, per_report = [], {}
    for d in downloads:
        per_report[d.report] = per_report.get(d.report, 0) + 1
        name = d.file_name(per_report[d.report])
        _write_csv(folder / name, d.rows)
        names.append(name)
    _write_csv(folder / CONTENTS, [["Bestand", "Rapport", "Tabel"]]
               + [[name, d.report, d.title] for name, d in zip(names, downloads)])
    return names


def read_contents(folder: Path) -> dict[str, tuple[str, str]]:
    """``CONTENTS`` read back: file name -> (report, table title)."""
    path = folder / CONTENTS
    if not path.exists():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[1:]
    return {r[0]: (r[1], r[2].lstrip("'")) for r in rows if len(r) == 3}


def safe_texts(df):
    """``df`` with every text cell passed through ``safe_text`` (a copy; numbers as they are)."""
    import pandas as pd

    df = df.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].map(lambda v: safe_text(v) if isinstance(v, str) else v)
    return df


def dutch_value(text: str):
    """A cell's value for a spreadsheet: a Dutch number as a number (12,3% as 0,123), else the text itself."""
    t = text.strip()
    t = _without_euro(t)
    percent = t.endswith("%")
    core = t[:-1].strip() if percent else t
    core = core.lstrip("+±")
    if not _NUMBER.match(core):
        return text
    value = float(core.replace("−", "-").replace(".", "").replace(",", "."))
    return value / 100 if percent else value


SHEET_MAX = 31  # characters Excel allows in a sheet name
_ARTICLES = ("de ", "het ", "een ")
_TRAILING = {"de", "het", "een", "van", "voor", "op", "en", "in", "tot", "met", "door", "uit", "dit", "deze", "is",
             "per"}


def _sheet_text(text: str) -> str:
    return " ".join(re.sub(r"[\[\]:*?/\\]", " ", text).split())


def sheet_name(number: int, d: Download) -> str:
    """'02 Cijfers verdeeld naar': the number, the section's heading (without a leading article) and, for a second
    table under that heading, its last first-row heading; where that is too long the heading's first word; cut at a
    whole word within 31 characters, never ending on a word such as 'van' ('02 De cijfers voor deze' twice said
    neither what the two tables held nor which was which: a reader's finding)."""
    base = _sheet_text(d.section.split(":")[0])
    if base.lower().startswith(_ARTICLES):
        base = base.split(" ", 1)[1]
        base = base[:1].upper() + base[1:]
    extra = ""
    if d.detail:
        last = _sheet_text(re.sub(r"\s*\([^)]*\)", "", d.detail.split(",")[-1]))
        extra = " ".join(w if w.split("-")[0].isupper() else w.lower() for w in last.split())
    for head in (base, base.split(" ")[0]):
        name = " ".join(x for x in (f"{number:02d}", head, extra) if x)
        if len(name) <= SHEET_MAX:
            return name
    words = name[:SHEET_MAX + 1].rsplit(" ", 1)[0].split(" ")
    while len(words) > 2 and words[-1].lower() in _TRAILING:
        words.pop()
    return " ".join(words)


def write_workbook(downloads: list[Download], path: Path, title: str) -> None:
    """All tables in one workbook, a sheet per table (named after report and section), numbers as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    contents = book.active
    contents.title = "Inhoud"  # the sheet names are cut at 31 characters: their full titles, here
    contents.append([title])
    contents.append(["Blad", "Tabel"])
    for i, d in enumerate(downloads, 1):
        sheet = book.create_sheet(sheet_name(i, d))
        contents.append([sheet.title, d.title])
        sheet.append([f"{title}: {d.title}"])
        for r, row in enumerate(d.rows):
            sheet.append([dutch_value(c) if r else c for c in row])
            for cell, text in zip(sheet[sheet.max_row], row):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: a name starting with '=' is no formula
                elif text.strip().endswith("%"):
                    cell.number_format = "0.0%"
        sheet["A1"].data_type = "s"
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in list(column)[1:]) if sheet.max_row > 1 else 10
            sheet.column_dimensions[column[0].column_letter].width = min(45, max(8, width + 2))
    for cell in contents["B"]:
        cell.data_type = "s"
    contents.column_dimensions["A"].width = 32
    contents.column_dimensions["B"].width = 90
    book.save(path)
