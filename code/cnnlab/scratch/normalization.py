"""Normalización por lotes (*batch normalization*) desde cero con NumPy.

Reproduce el cálculo de :class:`keras.layers.BatchNormalization` con ``axis=-1`` (un par
``gamma``/``beta`` y un par de medias móviles por canal, el último eje):

* en **entrenamiento** normaliza con la media y la varianza (sesgada, dividiendo entre
  ``m``) del lote y actualiza las medias móviles:
  ``movil = movil * momentum + lote * (1 - momentum)``;
* en **inferencia** normaliza con las medias móviles y no cambia nada.

Acepta entradas de forma ``(N, C)`` (tras una capa densa) o ``(N, H, W, C)`` (tras una
convolución); en el segundo caso las estadísticas de cada canal se calculan sobre el lote
y sobre todas las posiciones espaciales, ``N · H · W`` valores por canal.
"""

from __future__ import annotations

import numpy as np

from cnnlab.validation import positive_int

#: Valores por omisión de Keras.
DEFAULT_MOMENTUM = 0.99
DEFAULT_EPSILON = 1e-3


def batch_moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Media y varianza (sesgada) por canal de un lote ``(N, C)`` o ``(N, H, W, C)``."""
    x = _check_input(x)
    axes = tuple(range(x.ndim - 1))
    mean = x.mean(axis=axes)
    variance = ((x - mean) ** 2).mean(axis=axes)
    return mean, variance


def batch_norm(x: np.ndarray, mean: np.ndarray, variance: np.ndarray, gamma: np.ndarray,
               beta: np.ndarray, epsilon: float = DEFAULT_EPSILON) -> np.ndarray:
    """Normaliza ``x`` por canal con ``mean`` y ``variance`` y después escala y desplaza.

    ``y = gamma * (x - mean) / sqrt(variance + epsilon) + beta``.
    """
    x = _check_input(x)
    channels = x.shape[-1]
    for name, value in (("mean", mean), ("variance", variance), ("gamma", gamma), ("beta", beta)):
        _check_vector(name, value, channels)
    x_hat = (x - mean) / np.sqrt(np.asarray(variance) + epsilon)
    return gamma * x_hat + beta


class BatchNorm:
    """Una capa de normalización por lotes en NumPy, con el comportamiento de Keras.

    ``BatchNorm(channels)`` crea ``gamma = 1``, ``beta = 0``, ``moving_mean = 0`` y
    ``moving_variance = 1`` (los valores iniciales de Keras). Se llama como una capa:
    ``bn(x, training=True)`` usa las estadísticas del lote y actualiza las móviles;
    ``bn(x, training=False)`` usa las móviles.
    """

    def __init__(self, channels: int, momentum: float = DEFAULT_MOMENTUM,
                 epsilon: float = DEFAULT_EPSILON, gamma: np.ndarray | None = None,
                 beta: np.ndarray | None = None) -> None:
        positive_int("channels", channels, "el número de canales")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum debe estar en [0, 1) y vale {momentum}. "
                             "Keras usa 0.99: la media móvil conserva el 99 % de su valor anterior.")
        if not epsilon > 0:
            raise ValueError(f"epsilon debe ser positivo (evita dividir entre cero) y vale {epsilon}.")
        self.channels = int(channels)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.gamma = _as_vector("gamma", np.ones(channels) if gamma is None else gamma, self.channels)
        self.beta = _as_vector("beta", np.zeros(channels) if beta is None else beta, self.channels)
        self.moving_mean = np.zeros(self.channels)
        self.moving_variance = np.ones(self.channels)

    def __call__(self, x: np.ndarray, training: bool) -> np.ndarray:
        """Aplica la capa; en entrenamiento actualiza ``moving_mean`` y ``moving_variance``."""
        x = _check_input(x)
        if x.shape[-1] != self.channels:
            raise ValueError(f"La entrada tiene {x.shape[-1]} canales (último eje) y la capa se "
                             f"creó para {self.channels}. Crea BatchNorm({x.shape[-1]}) o revisa "
                             "la forma de la entrada.")
        if training:
            if np.prod(x.shape[:-1]) < 2:
                raise ValueError("En entrenamiento hacen falta al menos dos valores por canal "
                                 "para estimar la varianza del lote; usa un lote mayor o training=False.")
            mean, variance = batch_moments(x)
            m = self.momentum
            self.moving_mean = self.moving_mean * m + mean * (1.0 - m)
            self.moving_variance = self.moving_variance * m + variance * (1.0 - m)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        return batch_norm(x, mean, variance, self.gamma, self.beta, self.epsilon)

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copia los pesos en el orden de Keras: ``[gamma, beta, moving_mean, moving_variance]``."""
        if len(weights) != 4:
            raise ValueError(f"Se esperaban 4 arreglos (gamma, beta, moving_mean, moving_variance) "
                             f"y llegaron {len(weights)}.")
        names = ("gamma", "beta", "moving_mean", "moving_variance")
        values = [_as_vector(n, w, self.channels) for n, w in zip(names, weights)]
        self.gamma, self.beta, self.moving_mean, self.moving_variance = values

    def get_weights(self) -> list[np.ndarray]:
        """Los pesos en el orden de Keras: ``[gamma, beta, moving_mean, moving_variance]``."""
        return [self.gamma.copy(), self.beta.copy(), self.moving_mean.copy(),
                self.moving_variance.copy()]


def _check_input(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype.kind not in "fiu":
        raise TypeError(f"La entrada debe ser numérica y es de tipo {x.dtype}.")
    if x.ndim not in (2, 4):
        raise ValueError(f"La entrada debe tener forma (N, C) o (N, H, W, C) y tiene {x.ndim} "
                         f"dimensiones {x.shape}. Añade la dimensión del lote si falta "
                         "(por ejemplo x[None]).")
    return x.astype(np.float64, copy=False)


def _check_vector(name: str, value: np.ndarray, channels: int) -> None:
    shape = np.shape(value)
    if shape != (channels,):
        raise ValueError(f"{name} debe tener forma ({channels},), un valor por canal, "
                         f"y tiene forma {shape}.")


def _as_vector(name: str, value, channels: int) -> np.ndarray:
    value = np.asarray(value, dtype=np.float64)
    _check_vector(name, value, channels)
    return value.copy()
