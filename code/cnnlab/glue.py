"""Pegado (*glue*) de valores calculados para citarlos en la prosa del libro.

Envuelve :func:`myst_nb.glue`. Fuera del libro (Colab, un script) myst-nb puede no estar
instalado: entonces pegar no hace nada, porque solo sirve para construir las páginas.
"""

from __future__ import annotations

import numbers
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


#: Separador de miles del libro: un espacio fino que no se parte al final de una línea.
THIN_SPACE = "\u202f"


def thousands(number: int | float, decimals: int | None = None) -> str:
    """Un número con los miles separados por un espacio fino: ``23 587 712``.

    Sin ``decimals``, solo enteros (un real daría un error en lugar de perder sus decimales en
    silencio); con ``decimals``, cualquier número, con esos decimales:
    ``thousands(1212.06, 1)`` da ``1 212.1``.
    """
    if decimals is None:
        if isinstance(number, bool) or not isinstance(number, int) and not hasattr(number, "__index__"):
            raise TypeError(f"thousands espera un entero y recibió {type(number).__name__} "
                            "(para un real, indica los decimales: thousands(x, 1)).")
        return f"{int(number):,}".replace(",", THIN_SPACE)
    if isinstance(number, (bool, str)) or not isinstance(number, numbers.Real):
        raise TypeError(f"thousands espera un número y recibió {type(number).__name__}.")
    return f"{float(number):,.{decimals}f}".replace(",", THIN_SPACE)
