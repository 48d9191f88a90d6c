"""Extensión de Sphinx: en la web, el código de los capítulos sin las llamadas que pegan cifras.

Las sentencias ``glue_value(...)`` solo llevan valores de la ejecución al texto de la página
(myst-nb *glue*); para quien lee el código son ruido. En cada celda de código mostrada se
quitan con el mismo :func:`render.strip_glue` que usan los cuadernos de lanzamiento, y un
comentario al final dice cuántas se quitaron, para que nadie crea que la celda es todo lo que
corrió. La ejecución publicada (``cache/``) y la fuente MyST no cambian: solo lo que se ve.

Se registra en ``_config.yml`` (``sphinx.local_extensions``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render import GLUE_CALLS, IDENTIFIER, strip_glue, strip_glue_cells  # noqa: E402

#: Una llamada a cualquiera de las funciones que pegan (las mismas que quita ``strip_glue``).
GLUE_CALL = re.compile(r"\b(?:%s)\s*\(" % "|".join(sorted(GLUE_CALLS)))


def web_code(source: str, shown: str | None = None) -> str:
    """El código de una celda como se muestra en la web: sin pegados, con una nota si los había.

    ``shown`` es la celda ya limpia por :func:`render.strip_glue_cells` con el capítulo entero
    (que quita también lo que solo servía para pegar); sin él, solo se quitan las llamadas.
    """
    if shown is None:
        shown = strip_glue(source)
    if shown == source:
        return source
    removed = len(GLUE_CALL.findall(source)) - len(GLUE_CALL.findall(shown))
    if strip_glue(source) != shown:  # se fue también código que solo armaba lo pegado
        lines = sum(1 for line in source.splitlines() if line.strip()) - sum(
            1 for line in shown.splitlines() if line.strip())
        note = (f"# (y {lines} líneas que solo arman y pegan cifras y frases en el texto)"
                if lines != 1 else "# (y una línea que solo arma lo que se pega en el texto)")
    elif removed == 1:
        note = "# (y una llamada a glue_value, que pega una cifra en el texto)"
    else:
        note = f"# (y {removed} llamadas a glue_value, que pegan cifras en el texto)"
    return f"{shown}\n{note}" if shown else note


def _in_cell_input(node: nodes.Node) -> bool:
    while node is not None:
        if isinstance(node, nodes.container) and "cell_input" in node.get("classes", []):
            return True
        node = node.parent
    return False


class HideGlue(SphinxTransform):
    """Cambia el texto de cada bloque de código de celda (``cell_input``) por :func:`web_code`,
    con :func:`render.strip_glue_cells` sobre todas las celdas de la página a la vez."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        blocks = [block for container in self.document.findall(nodes.container)
                  if "cell_input" in container.get("classes", [])
                  for block in container.findall(nodes.literal_block)]
        if not blocks:
            return
        elsewhere = {name for text in self.document.findall(nodes.Text)
                     if not _in_cell_input(text) for name in IDENTIFIER.findall(text.astext())}
        sources = [block.astext() for block in blocks]
        for block, source, stripped in zip(blocks, sources,
                                           strip_glue_cells(sources, elsewhere)):
            shown = web_code(source, stripped)
            if shown != source:
                block.rawsource = shown
                block.clear()
                block += nodes.Text(shown)


def setup(app):
    app.add_transform(HideGlue)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
