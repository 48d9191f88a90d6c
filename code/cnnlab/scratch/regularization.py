"""Dropout invertido (*inverted dropout*) desde cero con NumPy.

En **entrenamiento** cada valor se anula con probabilidad ``rate`` y los que sobreviven se
multiplican por ``1 / (1 - rate)``: así el valor esperado de cada salida es igual a su
entrada y en inferencia no hay que corregir nada. En **inferencia** la capa es la
identidad. Es lo que hace :class:`keras.layers.Dropout`.
"""

from __future__ import annotations

import numpy as np


def dropout(x: np.ndarray, rate: float, training: bool,
            rng: np.random.Generator | None = None) -> np.ndarray:
    """Aplica dropout invertido a ``x`` (cualquier forma).

    ``rate`` es la fracción de unidades que se anulan, en ``[0, 1)``. ``rng`` es un
    generador de NumPy (``np.random.default_rng(semilla)``) para que el resultado sea
    reproducible; si falta se crea uno sin semilla.
    """
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating, np.integer)):
        raise TypeError(f"rate debe ser un número en [0, 1) y es de tipo {type(rate).__name__}.")
    if not 0.0 <= float(rate) < 1.0:
        raise ValueError(f"rate debe estar en [0, 1) (la fracción de unidades que se anulan) y "
                         f"vale {rate}. Con rate=1 se anularía todo; usa por ejemplo rate=0.5.")
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError("rng debe ser un generador de NumPy, por ejemplo "
                        f"np.random.default_rng(0), y es de tipo {type(rng).__name__}.")
    x = np.asarray(x)
    if x.dtype.kind not in "fiu":
        raise TypeError(f"La entrada debe ser numérica y es de tipo {x.dtype}.")
    if not training or rate == 0:
        return x
    rng = rng if rng is not None else np.random.default_rng()
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(np.result_type(x.dtype, np.float32))


def dropout_mask(shape: tuple[int, ...], rate: float,
                 rng: np.random.Generator | None = None) -> np.ndarray:
    """La máscara de unos y ceros que usaría :func:`dropout` en entrenamiento (``True`` = se conserva)."""
    return dropout(np.ones(shape), rate, training=True, rng=rng) != 0
