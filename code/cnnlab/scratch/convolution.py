"""Convolución 2D desde cero con NumPy, con el mismo convenio que ``keras.layers.Conv2D``.

Como en Keras (y en casi todas las bibliotecas de aprendizaje profundo), lo que llamamos
«convolución» es en realidad una **correlación cruzada**: el filtro no se voltea. Para cada
posición de salida multiplicamos la ventana de la entrada por el filtro, elemento a
elemento y en todos los canales, sumamos y añadimos el sesgo.

Formas, como en Keras con ``data_format="channels_last"``:

* entrada ``(H, W, C)`` (una imagen) o ``(N, H, W, C)`` (un lote);
* filtros ``(kh, kw, C, F)``: ``F`` filtros que ven los ``C`` canales;
* sesgo ``(F,)``;
* salida ``(H', W', F)`` o ``(N, H', W', F)``.

Relleno (*padding*): ``"valid"`` no rellena; ``"same"`` rellena con ceros para que la
salida mida ``ceil(H / paso)``. Si el relleno total es impar, Keras pone el píxel de más
**abajo y a la derecha**; :func:`same_padding` sigue esa regla.
"""

from __future__ import annotations

import math

import numpy as np

PADDINGS = ("valid", "same")


def _pair(value, name: str) -> tuple[int, int]:
    """Convierte ``2`` o ``(2, 3)`` en una pareja de enteros positivos."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{name} debe ser un entero o una pareja de enteros, como 2 o (2, 2); "
                        f"recibí {value!r}.")
    if min(pair) <= 0:
        raise ValueError(f"{name} debe ser positivo en las dos direcciones y vale {pair}. "
                         f"Usa un entero mayor que cero, por ejemplo {name}=1.")
    return pair


def _check_padding(padding: str) -> str:
    if not isinstance(padding, str) or padding.lower() not in PADDINGS:
        raise ValueError(f"padding debe ser 'valid' o 'same' y vale {padding!r}.")
    return padding.lower()


def output_size(size: int, window: int, stride: int, padding: str) -> int:
    """Tamaño de salida en una dimensión, con la regla de Keras.

    ``"valid"``: ``floor((size - window) / stride) + 1``; ``"same"``: ``ceil(size / stride)``.
    """
    padding = _check_padding(padding)
    if padding == "same":
        return math.ceil(size / stride)
    return (size - window) // stride + 1


def same_padding(size: int, window: int, stride: int) -> tuple[int, int]:
    """Ceros (antes, después) que añade ``"same"`` en una dimensión, como Keras.

    El relleno total es ``max((salida - 1) * paso + ventana - tamaño, 0)``; la mitad (por
    defecto) va antes y el resto después, así que un píxel impar de más queda al final.
    """
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def _as_batch(x: np.ndarray, what: str = "x") -> tuple[np.ndarray, bool]:
    """Acepta ``(H, W, C)`` o ``(N, H, W, C)``; devuelve el lote y si había que añadir N."""
    x = np.asarray(x)
    if x.ndim == 3:
        return x[None], True
    if x.ndim == 4:
        return x, False
    raise ValueError(f"{what} debe tener forma (alto, ancho, canales) o (lote, alto, ancho, "
                     f"canales), pero tiene {x.ndim} dimensiones: {x.shape}. Si es una imagen "
                     "en escala de grises de forma (alto, ancho), añade un eje: x[..., None].")


def pad_input(x: np.ndarray, window: tuple[int, int], strides: tuple[int, int],
              padding: str, value: float = 0.0) -> np.ndarray:
    """Rellena un lote ``(N, H, W, C)`` según ``padding`` (no hace nada con ``"valid"``)."""
    if _check_padding(padding) == "valid":
        return x
    (top, bottom) = same_padding(x.shape[1], window[0], strides[0])
    (left, right) = same_padding(x.shape[2], window[1], strides[1])
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def windows(x: np.ndarray, window: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """Todas las ventanas de un lote ya rellenado: forma ``(N, H', W', C, kh, kw)``.

    Usa :func:`numpy.lib.stride_tricks.sliding_window_view`, que no copia memoria, y se
    queda con una de cada ``paso`` posiciones.
    """
    view = np.lib.stride_tricks.sliding_window_view(x, window, axis=(1, 2))
    return view[:, ::strides[0], ::strides[1]]


def conv2d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None,
           strides: int | tuple[int, int] = 1, padding: str = "valid") -> np.ndarray:
    """Convolución 2D (correlación cruzada) con paso y relleno, como ``keras.layers.Conv2D``.

    Args:
        x: imagen ``(H, W, C)`` o lote ``(N, H, W, C)``.
        kernel: filtros ``(kh, kw, C, F)`` (el mismo orden que ``layer.get_weights()[0]``).
        bias: sesgos ``(F,)`` o ``None`` (sin sesgo).
        strides: paso (*stride*), un entero o ``(paso_vertical, paso_horizontal)``.
        padding: ``"valid"`` (sin relleno) o ``"same"`` (relleno con ceros, regla de Keras).

    Returns:
        ``(H', W', F)`` o ``(N, H', W', F)``, en ``float64`` salvo que la entrada sea ``float32``.
    """
    batch, single = _as_batch(x)
    kernel = np.asarray(kernel)
    if kernel.ndim != 4:
        raise ValueError(f"kernel debe tener forma (alto, ancho, canales, filtros), pero tiene "
                         f"{kernel.ndim} dimensiones: {kernel.shape}.")
    kh, kw, kc, filters = kernel.shape
    if kc != batch.shape[-1]:
        raise ValueError(f"Los canales no coinciden: la entrada tiene {batch.shape[-1]} canales y "
                         f"el kernel espera {kc}. El tercer eje del kernel debe ser igual al "
                         "último eje de la entrada.")
    strides = _pair(strides, "strides")
    padding = _check_padding(padding)
    if padding == "valid" and (kh > batch.shape[1] or kw > batch.shape[2]):
        raise ValueError(f"El kernel ({kh}×{kw}) es más grande que la entrada "
                         f"({batch.shape[1]}×{batch.shape[2]}) con padding='valid': no cabe "
                         "ninguna ventana. Usa padding='same' o un kernel más pequeño.")
    if bias is not None:
        bias = np.asarray(bias)
        if bias.shape != (filters,):
            raise ValueError(f"bias debe tener forma ({filters},), uno por filtro, y tiene {bias.shape}.")
    padded = pad_input(batch, (kh, kw), strides, padding)
    patches = windows(padded, (kh, kw), strides)          # (N, H', W', C, kh, kw)
    out = np.einsum("nhwcij,ijcf->nhwf", patches, kernel, optimize=True)
    if bias is not None:
        out = out + bias
    return out[0] if single else out
