"""Comprobación de argumentos compartida por todo el paquete.

Un solo criterio: un tipo equivocado es ``TypeError`` y un valor fuera de rango es
``ValueError``; los dos dicen en español qué argumento falla y qué se esperaba.
"""

from __future__ import annotations

import numbers


def positive_int(name: str, value, hint: str = "") -> int:
    """Devuelve ``value`` como ``int`` si es un entero (de Python o de NumPy) mayor que cero.

    ``hint`` añade al mensaje qué representa el argumento, por ejemplo «el número de canales».
    Los booleanos no cuentan como enteros.
    """
    what = f" ({hint})" if hint else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}{what} debe ser un entero positivo y es "
                        f"{type(value).__name__} ({value!r}).")
    if value < 1:
        raise ValueError(f"{name}{what} debe ser un entero positivo y vale {value}.")
    return int(value)
