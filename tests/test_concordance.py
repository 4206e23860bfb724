"""The concordance links industry codes through SBI sections into the finest common groups."""

from blp.berekening.concordance import build_concordance


def test_value_added_a10_with_establishment_groups_merges_a_into_a_plus_oq(data):
    conc = build_concordance(data.industry_sections(),
                             ["A", "B-E", "F", "G-I", "J", "K", "L", "M-N", "O-Q", "R-U", "TOTAL"],
                             ["B-E", "F", "G-I", "J", "K", "L", "M-N", "A+O-Q", "R-U", "TOTAL"])
    assert conc.va_to_group["A"] == "A+O-Q"
    assert conc.va_to_group["O-Q"] == "A+O-Q"
    assert conc.key_to_group["A+O-Q"] == "A+O-Q"
    assert len(conc.groups) == 9
    assert conc.va_to_group["F"] == conc.key_to_group["F"] == "F"
    assert "TOTAL" not in conc.va_to_group


def test_same_grouping_on_both_sides_keeps_every_code(data):
    a10 = ["A", "B-E", "F", "G-I", "J", "K", "L", "M-N", "O-Q", "R-U"]
    conc = build_concordance(data.industry_sections(), a10, a10)
    assert list(conc.groups) == a10
    assert all(conc.va_to_group[c] == c for c in a10)


def test_overlapping_codes_chain_into_one_group():
    sections = {"X": ("A", "B"), "Y": ("B", "C"), "Z": ("D",), "W": ("A",), "V": ("C", "D")}
    conc = build_concordance(sections, ["X", "Z"], ["Y", "W"])
    # X and Y share B, so A, B, C form one group; D stays alone on the value-added side only
    assert conc.va_to_group["X"] == conc.key_to_group["Y"] == conc.key_to_group["W"]
    assert conc.va_to_group["Z"] != conc.va_to_group["X"]


def test_concordance_table_lists_both_sides(data):
    conc = build_concordance(data.industry_sections(), ["A", "O-Q", "F"], ["A+O-Q", "F"])
    t = conc.table().set_index("group")
    assert t.loc["A+O-Q", "value_added_codes"] == "A, O-Q"
    assert t.loc["A+O-Q", "key_codes"] == "A+O-Q"
