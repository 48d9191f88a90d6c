"""Pegado (*glue*) de valores calculados para citarlos en la prosa del libro.

Envuelve :func:`myst_nb.glue`. Fuera del libro (Colab, un script) myst-nb puede no estar
instalado: entonces pegar no hace nada, porque solo sirve para construir las páginas.
"""

from __future__ import annotations

from typing import Any


def glue_value(name: str, value: Any, display: bool = False) -> None:
    """Pega ``value`` con el nombre ``name`` (redondea los flotantes a 4 decimales)."""
    if isinstance(value, float):
        value = round(value, 4)
    try:
        from myst_nb import glue
    except ImportError:
        return
    glue(name, value, display=display)


def glue_many(prefix: str, values: dict[str, Any]) -> None:
    """Pega varios valores como ``{prefix}_{clave}``."""
    for key, value in values.items():
        glue_value(f"{prefix}_{key}", value)
