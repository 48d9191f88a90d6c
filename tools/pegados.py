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

from render import GLUE_CALLS, strip_glue  # noqa: E402  (render vive en tools/)

#: Una llamada a cualquiera de las funciones que pegan (las mismas que quita ``strip_glue``).
GLUE_CALL = re.compile(r"\b(?:%s)\s*\(" % "|".join(sorted(GLUE_CALLS)))


def web_code(source: str) -> str:
    """El código de una celda como se muestra en la web: sin pegados, con una nota si los había."""
    shown = strip_glue(source)
    removed = len(GLUE_CALL.findall(source)) - len(GLUE_CALL.findall(shown))
    if removed <= 0:
        return source
    note = ("# (y una llamada a glue_value, que pega una cifra en el texto)" if removed == 1 else
            f"# (y {removed} llamadas a glue_value, que pegan cifras en el texto)")
    return f"{shown}\n{note}" if shown else note


class HideGlue(SphinxTransform):
    """Cambia el texto de cada bloque de código de celda (``cell_input``) por :func:`web_code`."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        for container in self.document.findall(nodes.container):
            if "cell_input" not in container.get("classes", []):
                continue
            for block in container.findall(nodes.literal_block):
                source = block.astext()
                shown = web_code(source)
                if shown != source:
                    block.rawsource = shown
                    block.clear()
                    block += nodes.Text(shown)


def setup(app):
    app.add_transform(HideGlue)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
