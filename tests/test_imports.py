"""Import-time behaviour that keeps runs fast: checked in fresh interpreters, never by timing."""

import importlib.util
import subprocess
import sys
import textwrap

import pytest


def _python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.mark.skipif(importlib.util.find_spec("rfc3987_syntax") is None, reason="rfc3987-syntax not installed")
def test_nbformat_no_longer_compiles_the_iri_grammars_at_import_but_iri_checks_still_work():
    out = _python("""
        import sys
        import blp, nbformat
        print("lark" in sys.modules)
        from jsonschema import FormatChecker
        checker = FormatChecker()
        print(checker.conforms("https://example.org/gemeente/Súdwest-Fryslân", "iri"),
              checker.conforms("geen iri", "iri"), "lark" in sys.modules)
    """)
    assert out.splitlines() == ["False", "True False True"]


def test_the_runner_leaves_statsmodels_to_the_kernel_that_needs_it():
    out = _python("""
        import sys
        import blp.cli, blp.uitvoering.runner, blp.rapport.overview
        print(sorted(m for m in ("statsmodels", "scipy", "matplotlib.pyplot", "nbconvert") if m in sys.modules))
    """)
    assert out == "[]"


def test_the_expected_model_is_fitted_with_the_national_calculation_and_kept(national):
    model = national.expected
    assert national.expected is model and model.n == len(national.result.national) == len(model.prediction)


def test_the_report_kernel_warm_up_leaves_out_statsmodels():
    """The kernels read the expected model's summary from the national context: no statsmodels (over a second)."""
    from blp.uitvoering.engine import WARMUP_CODE

    out = _python("import sys\n" + WARMUP_CODE + "\nimport blp.rapport.paginas.methode\n"
                  "print(sorted(m for m in ('statsmodels', 'scipy') if m in sys.modules))")
    assert out == "[]"


def test_the_chart_drawer_loads_neither_statsmodels_nor_ipython():
    """The runner's drawer imports the report sections for their charts (blp.rapport.figures): on the spare core
    every import counts, and the charts it draws need neither."""
    out = _python("""
        import sys
        import blp.uitvoering.runner, blp.rapport.paginas.dataverzameling, blp.rapport.paginas.berekening, blp.rapport.paginas.brede_welvaart, blp.rapport.paginas.beleid
        print(sorted(m for m in ("statsmodels", "IPython", "matplotlib.pyplot") if m in sys.modules))
    """)
    assert out == "[]"
