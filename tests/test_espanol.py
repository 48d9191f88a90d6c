"""La extensión local que pone en español lo que el tema y las bibliotecas dejan en inglés."""

import re

import espanol
from pybtex.database import parse_file
from pybtex.plugin import find_plugin, register_plugin

from conftest import ROOT


def test_thin_thousands_only_touches_bare_numbers_of_four_integer_digits_or_more():
    assert espanol.thin_thousands("23587712") == "23\u202f587\u202f712"
    assert espanol.thin_thousands("-12345") == "-12\u202f345"
    assert espanol.thin_thousands("1563") == "1\u202f563"
    assert espanol.thin_thousands("3008.0") == "3\u202f008.0"
    for same in ("563", "0.9868", "563.25", "12 345", "v5", "", "1e-05", "1.2.3"):
        assert espanol.thin_thousands(same) == same


def test_pasted_text_uses_the_minus_sign_only_for_negative_numbers():
    assert espanol.pasted_text("-4.4") == "\u22124.4"
    assert espanol.pasted_text("-12345") == "\u221212\u202f345"
    assert espanol.pasted_text("versión 3, -3.4; versión 4, +0.6") == (
        "versión 3, \u22123.4; versión 4, +0.6")
    assert espanol.pasted_text("(-0.0091)") == "(\u22120.0091)"
    for same in ("2012-2015", "B0-B7", "pre-entrenada", "0.5", "- 3"):
        assert espanol.pasted_text(same) == same


def test_pasted_scientific_notation_is_written_as_in_prose():
    times = "\u00a0×\u00a010"
    assert espanol.pasted_text("3e-06") == f"3{times}\u207b\u2076"
    assert espanol.pasted_text("1.2e-05") == f"1.2{times}\u207b\u2075"
    assert espanol.pasted_text("-2.4e+03") == f"\u22122.4{times}\u00b3"
    assert espanol.pasted_text("0e+00") == "0"
    for same in ("5bba320f9cb9e2", "e-05", "1e-05 y 2e-05", "0.0001"):
        assert espanol.pasted_text(same) == same


def test_search_folds_accents_before_stemming():
    lang = espanol.FoldingSpanish({})
    assert lang.stem("activación") == lang.stem("activacion") == lang.stem("Activación")
    assert lang.stem("normalización") == lang.stem("normalizacion")
    assert lang.stem("pérdida") != lang.stem("exactitud")
    assert "normalize('NFD')" in lang.js_stemmer_code and "toLowerCase" in lang.js_stemmer_code


def test_bibliography_is_spanish_with_author_year_labels():
    register_plugin("pybtex.style.labels", "autor_anio", espanol.AuthorYearLabels, force=True)
    style = espanol.SpanishStyle()
    bib = parse_file(ROOT / "book" / "references.bib")
    entries = list(style.format_bibliography(bib))
    labels = {e.key: e.label for e in entries}
    assert labels["kingma2015adam"] == "Kingma y Ba, 2015"
    assert labels["srivastava2014dropout"] == "Srivastava et al., 2014"
    for entry in entries:
        text = entry.text.render_as("text")
        people = bib.entries[entry.key].persons.get("author", [])
        assert ". In " not in text and "Technical Report" not in text
        if len(people) >= 2:
            last = " ".join(t.render_as("text") for t in people[-1].rich_last_names)
            match = re.search(rf" y [^,]*?{re.escape(last)}", text)
            assert match, text[:120]
            assert " and " not in text[:match.end()], text[:120]
    assert any(". En " in e.text.render_as("text") for e in entries)
    first = [e.label.split(",")[0].split(" ")[0].lower() for e in entries]
    assert first == sorted(first)  # ordenada por el apellido del primer autor
    assert find_plugin("pybtex.style.labels", "autor_anio") is espanol.AuthorYearLabels


_QUANTITY = re.compile(r"(?<![\d.,\-/\w\\])\d{4,}(?![\d\w]|[.,]\d)")


def _prose_lines(path):
    """Las líneas de prosa de un capítulo: sin celdas de código ni etiquetas ``(…)=``."""
    inside = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```{code-cell}"):
            inside = True
        elif inside:
            inside = line != "```"
        elif not re.fullmatch(r"\(.*\)=", line.strip()):
            yield number, re.sub(r"`[^`]*`", "", line)  # el código en línea no cuenta


def test_prose_writes_quantities_with_thin_space_thousands():
    """Una cantidad de cuatro cifras o más lleva espacio fino (``1 563``, ``$1\\,216$``), como
    las salidas (:func:`cnnlab.glue.thousands`) y los valores pegados. Quedan sin espacio los
    años y las formas de tensores escritas juntas (``5×5×2048``), como las imprime Keras."""
    bad = []
    for path in sorted((ROOT / "book").glob("*.md")):
        for number, line in _prose_lines(path):
            for m in _QUANTITY.finditer(line):
                year = len(m.group()) == 4 and 1900 <= int(m.group()) <= 2030
                shape = "×" in line[max(0, m.start() - 1):m.end() + 1]
                if not (year or shape):
                    bad.append(f"{path.name}:{number}: {m.group()}")
    assert not bad, "cantidades sin espacio fino de miles: " + ", ".join(bad)
