"""El código que lee el estudiante cabe en la columna de texto (79 caracteres) y en español."""

import re
from pathlib import Path

import pytest

import bookcache

BOOK = Path(__file__).resolve().parents[1] / "book"
WIDTH = 79
CHAPTERS = sorted(p.stem for p in BOOK.glob("[01][0-9]_*.md") if p.stem != "13_conclusiones")
#: Bloques de código que la página muestra sin ejecutarlos (soluciones, órdenes).
FENCE = re.compile(r"^(`{3,})(?:python|bash|text|console)\s*\n(.*?)^\1\s*$", re.S | re.M)


def code_cells(path: Path) -> list[list[str]]:
    """Las líneas de código de cada celda que ve el lector, leídas como las lee el libro
    (sin los metadatos de la celda ni las celdas ocultas)."""
    return [cell.source.split("\n") for cell in bookcache.read_chapter(path).cells
            if cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", [])]


def test_there_are_chapters():
    assert len(CHAPTERS) == 12


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_fits_the_text_column(chapter):
    """Ni las celdas ni los bloques de código de la página pasan de 79 caracteres.

    Partir una línea no obliga a volver a ejecutar: si la celda ejecuta el mismo programa,
    ``python tools/bookcache.py rekey CAPÍTULO`` guarda las mismas salidas con el texto nuevo.
    """
    page = (BOOK / f"{chapter}.md").read_text(encoding="utf-8")
    fenced = [block.group(2).split("\n") for block in FENCE.finditer(page)]
    long = [l for cell in code_cells(BOOK / f"{chapter}.md") + fenced for l in cell
            if len(l) > WIDTH]
    assert not long, (f"{chapter} tiene {len(long)} líneas de código de más de {WIDTH} "
                      "caracteres; pártelas: " + " | ".join(l.strip()[:60] for l in long[:3]))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_model_summaries_are_spanish(chapter):
    calls = [l for cell in code_cells(BOOK / f"{chapter}.md") for l in cell
             if re.search(r"\w*model\w*\.summary\(\)", l.split("#")[0])]
    assert not calls, (f"{chapter} imprime el resumen en inglés de Keras: usa "
                       f"cnnlab.summary.summary(model). Líneas: {calls}")


def test_the_parser_skips_metadata_and_hidden_cells(tmp_path):
    page = tmp_path / "x.md"
    page.write_text("```{code-cell} ipython3\n:tags: [remove-cell]\n" + "a" * 90 + "\n```\n"
                    "```{code-cell} ipython3\n---\nmystnb:\n  caption: " + "b" * 90 + "\n---\n"
                    "model.summary()\n```\n", encoding="utf-8")
    assert code_cells(page) == [["model.summary()"]]


def test_fenced_blocks_are_found():
    page = "Texto.\n\n```python\nx = 1\n" + "y" * 90 + "\n```\n\n```{code-cell} ipython3\nz\n```\n"
    assert [m.group(2).split("\n") for m in FENCE.finditer(page)] == [["x = 1", "y" * 90, ""]]
