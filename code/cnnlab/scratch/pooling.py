"""Agrupamiento (*pooling*) máximo y promedio desde cero con NumPy, como en Keras.

El agrupamiento recorre cada canal por separado con una ventana (``pool_size``) que avanza
con un paso (``strides``, por omisión igual a la ventana, como en Keras) y resume cada
ventana con una regla fija: el máximo o el promedio. No tiene pesos que aprender.

Con ``padding="same"`` las posiciones de relleno **no cuentan**: en el máximo se rellenan
con ``-inf`` y en el promedio se divide solo entre los píxeles reales de la ventana
(como hace TensorFlow).

El módulo incluye también el experimento de traslación del capítulo «Pooling frente a
convolución con paso»: :func:`shift_images` desplaza imágenes unos píxeles y
:func:`representation_change` / :func:`prediction_change` miden cuánto cambia la salida
de una función (una capa, una red) ante ese desplazamiento.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from cnnlab.scratch.convolution import _as_batch, _check_padding, _pair, pad_input, windows

MODES = ("max", "average")


def pool2d(x: np.ndarray, pool_size: int | tuple[int, int] = 2,
           strides: int | tuple[int, int] | None = None, padding: str = "valid",
           mode: str = "max") -> np.ndarray:
    """Agrupamiento 2D de una imagen ``(H, W, C)`` o un lote ``(N, H, W, C)``.

    Args:
        pool_size: tamaño de la ventana, un entero o ``(alto, ancho)``.
        strides: paso; ``None`` significa igual a ``pool_size`` (como en Keras).
        padding: ``"valid"`` o ``"same"`` (regla de Keras; el relleno no cuenta).
        mode: ``"max"`` (máximo) o ``"average"`` (promedio).
    """
    if mode not in MODES:
        raise ValueError(f"mode debe ser 'max' o 'average' y vale {mode!r}.")
    batch, single = _as_batch(x)
    window = _pair(pool_size, "pool_size")
    steps = window if strides is None else _pair(strides, "strides")
    padding = _check_padding(padding)
    if padding == "valid" and (window[0] > batch.shape[1] or window[1] > batch.shape[2]):
        raise ValueError(f"La ventana de agrupamiento ({window[0]}×{window[1]}) es más grande "
                         f"que la entrada ({batch.shape[1]}×{batch.shape[2]}) con "
                         "padding='valid'. Usa padding='same' o una ventana más pequeña.")
    batch = batch.astype(np.result_type(batch.dtype, np.float32), copy=False)
    if mode == "max":
        padded = pad_input(batch, window, steps, padding, value=-np.inf)
        out = windows(padded, window, steps).max(axis=(-2, -1))
    else:
        padded = pad_input(batch, window, steps, padding, value=0.0)
        ones = pad_input(np.ones((1,) + batch.shape[1:3] + (1,), batch.dtype), window, steps,
                         padding, value=0.0)
        total = windows(padded, window, steps).sum(axis=(-2, -1))
        count = windows(ones, window, steps).sum(axis=(-2, -1))
        out = total / count
    return out[0] if single else out


def max_pool2d(x: np.ndarray, pool_size: int | tuple[int, int] = 2,
               strides: int | tuple[int, int] | None = None, padding: str = "valid") -> np.ndarray:
    """Agrupamiento máximo, como ``keras.layers.MaxPooling2D``."""
    return pool2d(x, pool_size, strides, padding, mode="max")


def average_pool2d(x: np.ndarray, pool_size: int | tuple[int, int] = 2,
                   strides: int | tuple[int, int] | None = None,
                   padding: str = "valid") -> np.ndarray:
    """Agrupamiento promedio, como ``keras.layers.AveragePooling2D``."""
    return pool2d(x, pool_size, strides, padding, mode="average")


# ------------------------------------------------------------ el experimento de traslación


def shift_images(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Desplaza un lote ``(N, H, W, C)`` ``dy`` píxeles hacia abajo y ``dx`` a la derecha.

    Lo que sale por un borde se pierde y lo que entra por el otro es cero (fondo negro,
    como en MNIST). Desplazamientos negativos mueven hacia arriba o a la izquierda.
    """
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images debe ser un lote (lote, alto, ancho, canales) y tiene forma "
                         f"{images.shape}. Para una sola imagen usa images[None].")
    height, width = images.shape[1:3]
    if abs(dy) >= height or abs(dx) >= width:
        raise ValueError(f"El desplazamiento ({dy}, {dx}) es tan grande como la imagen "
                         f"({height}×{width}): no quedaría nada de ella.")
    out = np.zeros_like(images)
    src_y = slice(max(0, -dy), height - max(0, dy))
    dst_y = slice(max(0, dy), height - max(0, -dy))
    src_x = slice(max(0, -dx), width - max(0, dx))
    dst_x = slice(max(0, dx), width - max(0, -dx))
    out[:, dst_y, dst_x] = images[:, src_y, src_x]
    return out


DIRECTIONS = ((0, 1), (1, 0))  # a la derecha y hacia abajo


def representation_change(fn: Callable[[np.ndarray], np.ndarray], images: np.ndarray,
                          shifts: Sequence[int] = (1, 2, 3),
                          directions: Sequence[tuple[int, int]] = DIRECTIONS) -> np.ndarray:
    """Cambio relativo medio de ``fn(imágenes)`` al desplazar las imágenes.

    Para cada desplazamiento ``s`` y cada dirección ``(a, b)`` calcula, imagen por imagen,
    ``‖fn(desplazada) − fn(original)‖ / ‖fn(original)‖`` (norma euclídea de toda la
    representación) y promedia sobre imágenes y direcciones. 0 significa que la
    representación no cambió (invariancia perfecta); 1, que cambió tanto como mide.

    Returns:
        Un arreglo con un valor por desplazamiento, en el orden de ``shifts``.
    """
    reference = np.asarray(fn(images), dtype=np.float64).reshape(len(images), -1)
    norms = np.linalg.norm(reference, axis=1)
    norms = np.where(norms > 0, norms, 1.0)
    changes = []
    for s in shifts:
        per_direction = []
        for a, b in directions:
            moved = np.asarray(fn(shift_images(images, a * s, b * s)), dtype=np.float64)
            diff = np.linalg.norm(moved.reshape(len(images), -1) - reference, axis=1)
            per_direction.append(np.mean(diff / norms))
        changes.append(float(np.mean(per_direction)))
    return np.asarray(changes)


def prediction_change(fn: Callable[[np.ndarray], np.ndarray], images: np.ndarray,
                      shifts: Sequence[int] = (1, 2, 3),
                      directions: Sequence[tuple[int, int]] = DIRECTIONS) -> np.ndarray:
    """Fracción de imágenes cuya clase predicha (``argmax`` de ``fn``) cambia al desplazarlas."""
    reference = np.argmax(np.asarray(fn(images)), axis=-1)
    fractions = []
    for s in shifts:
        per_direction = [np.mean(np.argmax(np.asarray(fn(shift_images(images, a * s, b * s))),
                                           axis=-1) != reference) for a, b in directions]
        fractions.append(float(np.mean(per_direction)))
    return np.asarray(fractions)
