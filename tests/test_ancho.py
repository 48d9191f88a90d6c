"""El código que lee el estudiante cabe en la columna de texto (79 caracteres) y en español.

Cada capítulo se corrige cuando se vuelve a ejecutar en modo completo. Hasta entonces, la
tabla de abajo dice cuántas líneas largas le quedan: la prueba falla si un capítulo tiene
más (alguien alargó una línea) o menos (ya se corrigió: baja la cifra de la tabla).
"""

import re
from pathlib import Path

import pytest

import bookcache

BOOK = Path(__file__).resolve().parents[1] / "book"
WIDTH = 79

#: Líneas de código de más de 79 caracteres que le quedan a cada capítulo.
PENDING_LONG_LINES = {
    "01_cifar10_v1": 0, "02_pooling_vs_stride": 0, "03_sin_activacion": 27,
    "04_profundidad": 0, "05_aumento_de_datos": 11, "06_normalizacion_por_lotes": 50,
    "07_dropout_v5": 14, "08_comparacion": 0, "09_filtros": 0, "10_historia": 47,
    "11_transfer_learning": 39, "12_vit": 0,
}
CHAPTERS = sorted(PENDING_LONG_LINES)


def code_cells(path: Path) -> list[list[str]]:
    """Las líneas de código de cada celda que ve el lector, leídas como las lee el libro
    (sin los metadatos de la celda ni las celdas ocultas)."""
    return [cell.source.split("\n") for cell in bookcache.read_chapter(path).cells
            if cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", [])]


def test_every_chapter_is_listed():
    assert sorted(p.stem for p in BOOK.glob("[01][0-9]_*.md") if p.stem != "13_conclusiones") \
        == CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_long_code_lines_only_go_down(chapter):
    long = [l for cell in code_cells(BOOK / f"{chapter}.md") for l in cell if len(l) > WIDTH]
    assert len(long) == PENDING_LONG_LINES[chapter], (
        f"{chapter} tiene {len(long)} líneas de código de más de {WIDTH} caracteres y la tabla "
        f"dice {PENDING_LONG_LINES[chapter]}. Si las acortaste, baja la cifra; si no, parte "
        "estas: " + " | ".join(l.strip()[:60] for l in long[:3]))


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
