"""Maps: the gemeente shapes come in through the data layer; every shape draws (also the ones that are not
valid polygons after simplification); the overview's maps name each gemeente with its value on hover."""

import json
import re

import pytest

from blp.data.shapes import read_shapes
from blp.errors import DataError
from blp.rapport.figures import figure_svg
from blp.rapport.maps import choropleth, class_bounds, locator


def test_shapes_are_read_with_their_checksum(data):
    shapes = data.shapes
    assert shapes.year == 2024
    codes = set(data.regions_of(2024)["gemeente_code"])
    assert codes <= set(shapes.rings) and set(shapes.rings) - codes == {"GM0998"}  # GM0998: abroad
    entry = next(i for i in data.inputs if i.table == "shapes")
    assert entry.rows == 343 and len(entry.sha256) == 64 and entry.licence == "CC BY 4.0 (Bron: CBS, Kadaster)"


@pytest.mark.parametrize("content, match", [
    (b"{not json", "geen leesbaar GeoJSON-bestand"),
    (json.dumps({"type": "FeatureCollection"}).encode(), "geen lijst 'features'"),
    (json.dumps({"features": [{"properties": {}, "geometry": {"type": "Polygon", "coordinates": []}}]}).encode(),
     "feature 0 heeft geen gemeentecode"),
    (json.dumps({"features": [{"properties": {"gemeentecode": "GM0001"},
                               "geometry": {"type": "Polygon", "coordinates": [[["a", "b"]]]}}]}).encode(),
     r"feature 0 \(GM0001\): de coördinaten"),
])
def test_a_malformed_shapes_file_is_an_error_naming_the_feature(tmp_path, content, match):
    path = tmp_path / "gemeenten_2024.geojson"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        read_shapes(path)


def test_every_shape_draws_even_invalid_ones(data, national):
    per_inh = national.result.national.set_index("gemeente_code")["blp_per_inhabitant_eur"]
    fig = choropleth(data.shapes, per_inh, "BLP per inwoner", str, gids=True)
    drawn = sum(len(c.get_paths()) for c in fig.axes[0].collections)
    rings = sum(len(r) for code, r in data.shapes.rings.items() if code != "GM0998")
    assert drawn == rings
    svg = figure_svg(fig)
    assert len(set(re.findall(r'<g id="(GM\d{4})">', svg))) == 342
    # quintile classes: the bounds are the quantiles of the values
    bounds = class_bounds(per_inh)
    assert len(bounds) == 6 and bounds[0] == per_inh.min() and bounds[-1] == per_inh.max()


def test_locator_map_names_the_corop_gemeenten(data, national):
    n = national.result.national
    members = n.loc[n["corop_code"] == "CR39", "gemeente_code"].tolist()
    fig = locator(data.shapes, "GM0917", members, ["GM0983"], n.set_index("gemeente_code")["gemeente_name"].to_dict(),
                  "Heerlen", "Zuid-Limburg")
    labels = {t.get_text() for t in fig.axes[1].texts}
    assert labels == set(n.loc[n["corop_code"] == "CR39", "gemeente_name"])


def test_overview_maps_have_a_tooltip_per_gemeente(national, tmp_path):
    from blp.rapport.overview import write_overview

    page = write_overview(tmp_path, national).read_text()
    titles = re.findall(r'<g id="GM0917"><title>([^<]*)</title>', page)
    heerlen = national.result.national.set_index("gemeente_code").loc["GM0917"]
    from blp.rapport.fmt import eur
    assert titles[0] == f"Heerlen: {eur(heerlen['blp_per_inhabitant_eur'])} per inwoner"
    assert titles[1].startswith("Heerlen: +") and titles[1].endswith("per jaar")
    assert page.count("<title>") >= 2 * 342 + 1
    # nominal growth says it holds price rises (the gas regions came out as the fastest growers)
    assert "Groei van het BLP per jaar, 2018–2022 (nominaal: met prijsstijgingen, die per regio verschillen)" in page
    assert ("waar prijzen sterk stegen, zoals van gas en energie, lijkt de groei groter dan de productie. De reële "
            "groei van het COROP-gebied staat in rapport 2 van een gemeente.") in page


@pytest.mark.parametrize("feature, match", [
    (1, "feature 0 heeft geen gemeentecode"),
    ({"properties": ["x"], "geometry": "x"}, "feature 0 heeft geen gemeentecode"),
    ({"properties": {"gemeentecode": "GM0001"}, "geometry": {"type": "Polygon", "coordinates": [[[None, None]] * 4]}},
     "ring is geen reeks"),
    ({"properties": {"gemeentecode": "GM0001"}, "geometry": {"type": "Polygon", "coordinates": [[[1e300, 52]] * 4]}},
     "ring is geen reeks"),
    ({"properties": {"gemeentecode": "GM0001"}, "geometry": {"type": "Polygon", "coordinates": [[[[5, 52]] * 4]]}},
     "ring is geen reeks"),
])
def test_a_shape_that_cannot_be_drawn_is_an_error_naming_the_feature(tmp_path, feature, match):
    path = tmp_path / "gemeenten_2024.geojson"
    path.write_text(json.dumps({"features": [feature]}))
    with pytest.raises(DataError, match=match):
        read_shapes(path)


def test_a_damaged_gzip_is_an_error_not_a_traceback(tmp_path, data):
    from blp.paths import EMBEDDED_DATA_DIR as folder

    raw = bytearray((folder / "gemeenten_2024.geojson.gz").read_bytes())
    raw[200:220] = b"\x00" * 20
    path = tmp_path / "gemeenten_2024.geojson.gz"
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="geen leesbaar GeoJSON-bestand"):
        read_shapes(path)


def test_a_gemeente_without_a_shape_gets_a_sentence_instead_of_a_map(national, monkeypatch):
    import dataclasses

    from blp.data.shapes import Shapes
    from blp.params import load_params
    from blp.rapport import display
    from blp.rapport.context import GemeenteView
    from blp.rapport.paginas import berekening

    rings = {c: r for c, r in national.data.shapes.rings.items() if c != "GM0917"}
    data = dataclasses.replace(national.data, shapes=Shapes(2024, rings))
    view = GemeenteView(dataclasses.replace(national, data=data), "GM0917", load_params("GM0917"))
    shown = []
    monkeypatch.setattr(display, "display", lambda obj, raw=False: shown.append(obj))
    berekening.position(view)
    assert "Een kaart ontbreekt" in shown[0]["text/plain"]
    assert all("location_figure" not in key for key, _ in berekening.figures(view))


@pytest.mark.parametrize("code, name", [("GM0363", "Amsterdam"), ("GM0599", "Rotterdam"), ("GM0917", "Heerlen")])
def test_the_close_up_names_never_print_on_top_of_each_other(national, code, name):
    """Dense regions (Groot-Amsterdam, Groot-Rijnmond) printed names over each other; a name that would overlap
    moves a line or is left out, and the gemeente's own name is always there."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from blp.params import load_params
    from blp.rapport.context import GemeenteView
    from blp.rapport.paginas import berekening

    fig = berekening.location_figure(GemeenteView(national, code, load_params(code)))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    texts = fig.axes[1].texts
    assert name in [t.get_text() for t in texts] and len(texts) >= 10
    boxes = [t.get_window_extent(canvas.get_renderer()) for t in texts]
    overlaps = [(texts[i].get_text(), texts[j].get_text()) for i in range(len(boxes)) for j in range(i)
                if boxes[i].overlaps(boxes[j])]
    assert overlaps == []
