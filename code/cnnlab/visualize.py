"""¿Qué aprenden los filtros? Rejillas de kernels, mapas de características y ascenso por gradiente.

Tres maneras de mirar dentro de una red convolucional:

* :func:`filter_grid` dibuja los kernels de la primera capa como imágenes (solo ahí
  tienen el mismo número de canales que la entrada y se pueden ver directamente);
* :func:`feature_maps` y :func:`feature_map_grid` muestran las activaciones de varias
  capas para una imagen: qué responde cada filtro y dónde;
* :func:`maximize_filters` busca, por ascenso por gradiente sobre la **entrada**, un patrón
  que active mucho cada filtro elegido de una capa (todos a la vez, uno por imagen del
  lote); :func:`maximize_filter` hace lo mismo para un solo filtro.

El ascenso necesita el gradiente de la activación respecto a la imagen. Keras 3 no ofrece
una API común para eso, así que el único código propio de cada backend está aislado en
una función pequeña por backend (:func:`_gradient_tensorflow`, :func:`_gradient_jax`,
:func:`_gradient_torch`), que importa su biblioteca dentro de la propia función;
:func:`gradient_function` elige la del backend activo. Las de TensorFlow y JAX se prueban
en su backend; la de PyTorch no, porque el entorno del libro no instala PyTorch (no es
barato: solo serviría para esa prueba). El resto del módulo usa solo Keras y NumPy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import matplotlib.pyplot as plt
import numpy as np

from cnnlab.validation import positive_int


def _normalize(image: np.ndarray) -> np.ndarray:
    """Lleva un arreglo a [0, 1] (mínimo a 0, máximo a 1) para poder dibujarlo."""
    image = np.asarray(image, dtype=np.float64)
    low, high = image.min(), image.max()
    return (image - low) / (high - low) if high > low else np.zeros_like(image)


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return -(-n // ncols), ncols


# ------------------------------------------------------------------------- filtros


def first_conv_layer(model: keras.Model) -> keras.layers.Layer:
    """La primera capa ``Conv2D`` de un modelo (buscando también dentro de submodelos)."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            return layer
    raise ValueError(f"El modelo {model.name!r} no tiene ninguna capa Conv2D.")


def filter_grid(kernels: np.ndarray, ncols: int = 8, title: str = "Filtros de la primera capa",
                size: float = 0.9):
    """Dibuja cada filtro ``(kh, kw, C)`` de un arreglo ``(kh, kw, C, F)`` como una imagen.

    Con ``C == 3`` cada filtro se ve en color (normalizado a [0, 1] por filtro); con
    ``C == 1`` en gris. Con otro número de canales se dibuja el promedio de los canales.
    """
    kernels = np.asarray(kernels)
    if kernels.ndim != 4:
        raise ValueError(f"kernels debe tener forma (alto, ancho, canales, filtros) y tiene "
                         f"{kernels.shape}. Usa layer.get_weights()[0] de una capa Conv2D.")
    n = kernels.shape[-1]
    rows, cols = _grid(n, ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(min(9, cols * size), rows * size + 0.5))
    axes = np.asarray(axes).reshape(-1)
    for i, ax in enumerate(axes):
        ax.axis("off")
        if i >= n:
            continue
        k = kernels[..., i]
        if k.shape[-1] == 3:
            ax.imshow(_normalize(k), interpolation="nearest")
        else:
            ax.imshow(_normalize(k.mean(axis=-1)), cmap="gray", interpolation="nearest")
        ax.set_title(str(i), fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------ mapas de características


def feature_extractor(model: keras.Model, layer_names: Sequence[str]) -> keras.Model:
    """Un modelo que devuelve las salidas de las capas ``layer_names`` de ``model``."""
    names = {layer.name for layer in model.layers}
    missing = [name for name in layer_names if name not in names]
    if missing:
        raise ValueError(f"El modelo no tiene las capas {missing}. Capas disponibles: "
                         f"{[layer.name for layer in model.layers]}.")
    outputs = [model.get_layer(name).output for name in layer_names]
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    outputs = outputs[0] if len(outputs) == 1 else outputs
    return keras.Model(inputs, outputs, name=f"{model.name}_mapas")


def feature_maps(model: keras.Model, images: np.ndarray,
                 layer_names: Sequence[str]) -> dict[str, np.ndarray]:
    """Activaciones de las capas ``layer_names`` para un lote ``images`` (en inferencia)."""
    images = np.asarray(images, dtype="float32")
    if images.ndim == 3:
        images = images[None]
    outputs = feature_extractor(model, layer_names).predict(images, verbose=0)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    return {name: np.asarray(out) for name, out in zip(layer_names, outputs)}


def feature_map_grid(maps: dict[str, np.ndarray], image: np.ndarray | None = None,
                     channels: int = 8, title: str = "Mapas de características por capa",
                     index: int = 0, size: float = 0.95):
    """Una fila por capa con los primeros ``channels`` mapas de la imagen ``index``.

    Si se da ``image`` se dibuja a la izquierda de la primera fila. Cada mapa se
    normaliza por separado (el color indica dónde responde el filtro, no cuánto
    comparado con los demás).
    """
    if not maps:
        raise ValueError("maps está vacío: pasa el resultado de feature_maps(...).")
    rows = len(maps)
    cols = channels + (1 if image is not None else 0)
    fig, axes = plt.subplots(rows, cols, figsize=(min(9, cols * size), rows * size + 0.5),
                             squeeze=False)
    for r, (name, batch) in enumerate(maps.items()):
        fmap = np.asarray(batch)[index]
        offset = 0
        if image is not None:
            ax = axes[r, 0]
            ax.axis("off")
            if r == 0:
                img = np.asarray(image)
                ax.imshow(img.squeeze(), cmap="gray" if img.shape[-1] == 1 else None)
                ax.set_title("entrada", fontsize=7)
            offset = 1
        for c in range(channels):
            ax = axes[r, c + offset]
            ax.axis("off")
            if c < fmap.shape[-1]:
                ax.imshow(fmap[..., c], cmap="viridis", interpolation="nearest")
        axes[r, 0].text(-0.1, 0.5, f"{name}\n{fmap.shape[0]}×{fmap.shape[1]}×{fmap.shape[2]}",
                        transform=axes[r, 0].transAxes, ha="right", va="center", fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.subplots_adjust(left=0.16, wspace=0.06, hspace=0.12)
    return fig


# --------------------------------------------------------------- ascenso por gradiente


def _as_value(value) -> float | np.ndarray:
    """Un número si ``value`` es escalar; si no, un arreglo de NumPy."""
    array = np.asarray(value)
    return float(array) if array.ndim == 0 else array


def _gradient_tensorflow(fn: Callable) -> Callable:
    """``x -> (valor, gradiente)`` de ``fn`` con ``tf.GradientTape`` (solo backend TensorFlow)."""
    import tensorflow as tf

    def value_and_grad(x):
        xt = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            value = fn(xt)
            total = tf.reduce_sum(value)
        return _as_value(value), np.asarray(tape.gradient(total, xt))

    return value_and_grad


def _gradient_jax(fn: Callable) -> Callable:
    """``x -> (valor, gradiente)`` de ``fn`` con ``jax.value_and_grad``, compilada con
    ``jax.jit`` una sola vez (solo backend JAX)."""
    import jax

    def total(x):
        value = fn(x)
        return keras.ops.sum(value), value

    compiled = jax.jit(jax.value_and_grad(total, has_aux=True))

    def value_and_grad(x):
        (_, value), grad = compiled(x)
        return _as_value(value), np.asarray(grad)

    return value_and_grad


def _gradient_torch(fn: Callable) -> Callable:
    """``x -> (valor, gradiente)`` de ``fn`` con ``torch.autograd`` (solo backend PyTorch)."""
    import torch

    def value_and_grad(x):
        xt = keras.ops.convert_to_tensor(x).detach().requires_grad_(True)
        value = fn(xt)
        (grad,) = torch.autograd.grad(value.sum(), xt)
        return _as_value(value.detach().cpu().numpy()), grad.detach().cpu().numpy()

    return value_and_grad


_GRADIENTS = {"tensorflow": _gradient_tensorflow, "jax": _gradient_jax, "torch": _gradient_torch}


def gradient_function(fn: Callable) -> Callable:
    """Devuelve ``x -> (valor de fn(x), gradiente respecto a x)`` en el backend activo.

    Si ``fn`` da un escalar, el valor es un ``float``; si da un vector (un valor por imagen
    de un lote), el valor es ese vector y el gradiente es el de su suma: cada imagen recibe
    el gradiente de su propio valor cuando los valores no se mezclan entre imágenes.
    """
    backend = keras.backend.backend()
    if backend not in _GRADIENTS:
        raise ValueError(f"El ascenso por gradiente no está disponible en el backend {backend!r}; "
                         f"usa uno de {', '.join(_GRADIENTS)} (variable KERAS_BACKEND).")
    return _GRADIENTS[backend](fn)


def _blur(image: np.ndarray) -> np.ndarray:
    """Desenfoque gaussiano 3×3 (pesos 1/4, 1/2, 1/4 en cada eje) de un lote ``(N, H, W, C)``."""
    padded = np.pad(image, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")
    weights = (0.25, 0.5, 0.25)
    rows = sum(w * padded[:, i:i + image.shape[1], :, :] for i, w in enumerate(weights))
    return sum(w * rows[:, :, j:j + image.shape[2], :] for j, w in enumerate(weights))


def maximize_filters(model: keras.Model, layer_name: str, filter_indices: Sequence[int],
                     steps: int = 60, step_size: float = 0.02,
                     seeds: Sequence[int] | None = None, border: int = 2,
                     value_range: tuple[float, float] = (0.0, 1.0),
                     blur_every: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Busca, para cada filtro de ``filter_indices`` de la capa ``layer_name``, una entrada que
    lo active mucho.

    Cada filtro tiene su propia imagen en un lote: empieza por gris con ruido (semilla
    ``seeds[i]``, o ``i`` si no se dan; el ruido hace que el filtro responda algo y haya
    gradiente) y repite ``steps`` veces: calcula la activación media de su filtro (sin los
    ``border`` píxeles del borde, que el relleno distorsiona), su gradiente respecto a la
    imagen, y da un paso de tamaño ``step_size`` en la dirección del gradiente normalizado
    (dividido entre su raíz media cuadrática), recortando la imagen a ``value_range``. Si
    ``blur_every > 0``, cada ``blur_every`` pasos desenfoca un poco la imagen (una
    regularización habitual: sin ella el ascenso llena la imagen de patrones de un píxel que
    el ojo no distingue del ruido). La red se usa en modo inferencia (``training=False``: sin
    aumento de datos ni dropout, normalización por lotes con sus estadísticas guardadas), así
    que las imágenes del lote no se influyen entre sí: el resultado es el mismo que buscando
    cada filtro por separado, con un solo cálculo por paso para todos.

    Returns:
        Las imágenes encontradas ``(N, H, W, C)`` y la activación media de cada filtro en
        cada paso, ``(steps + 1, N)`` (la primera fila, antes de empezar).
    """
    extractor = feature_extractor(model, [layer_name])
    channels = extractor.output.shape[-1]
    indices = [int(i) for i in filter_indices]
    if not indices:
        raise ValueError("filter_indices está vacío: da al menos un filtro, por ejemplo [0].")
    for index in indices:
        if not 0 <= index < channels:
            raise ValueError(f"filter_index debe estar entre 0 y {channels - 1} (la capa "
                             f"{layer_name!r} tiene {channels} filtros) y vale {index}.")
    steps = positive_int("steps", steps, "los pasos de ascenso por gradiente")
    seeds = list(range(len(indices))) if seeds is None else [int(s) for s in seeds]
    if len(seeds) != len(indices):
        raise ValueError(f"seeds debe tener una semilla por filtro: hay {len(indices)} filtros "
                         f"y {len(seeds)} semillas.")
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    low, high = value_range
    middle = (low + high) / 2
    image = np.concatenate([
        middle + 0.1 * (high - low) * np.random.default_rng(seed).standard_normal((1,) + shape)
        for seed in seeds]).astype("float32")
    image = np.clip(image, low, high)
    # Una columna por imagen del lote: la imagen i solo cuenta la activación de su filtro
    selector = keras.ops.convert_to_tensor(np.eye(channels, dtype="float32")[indices])

    def objective(x):
        activation = extractor(x, training=False)
        if border:
            activation = activation[:, border:-border, border:-border, :]
        per_channel = keras.ops.mean(activation, axis=(1, 2))          # (N, canales)
        return keras.ops.sum(per_channel * selector, axis=1)           # (N,)

    value_and_grad = gradient_function(objective)
    trace = []
    for step in range(steps):
        value, grad = value_and_grad(image)
        trace.append(value)
        grad = grad / (np.sqrt(np.mean(grad ** 2, axis=(1, 2, 3), keepdims=True)) + 1e-8)
        image = image + step_size * grad
        if blur_every and (step + 1) % blur_every == 0:
            image = _blur(image)
        image = np.clip(image, low, high).astype("float32")
    trace.append(value_and_grad(image)[0])
    return image, np.asarray(trace, dtype="float64")


def maximize_filter(model: keras.Model, layer_name: str, filter_index: int, steps: int = 60,
                    step_size: float = 0.02, seed: int = 0, border: int = 2,
                    value_range: tuple[float, float] = (0.0, 1.0),
                    blur_every: int = 0) -> tuple[np.ndarray, list[float]]:
    """:func:`maximize_filters` para un solo filtro, con la semilla ``seed``.

    Returns:
        La imagen encontrada ``(H, W, C)`` y la activación media en cada paso
        (``steps + 1`` valores, el primero antes de empezar).
    """
    images, trace = maximize_filters(model, layer_name, [filter_index], steps=steps,
                                     step_size=step_size, seeds=[seed], border=border,
                                     value_range=value_range, blur_every=blur_every)
    return images[0], [float(v) for v in trace[:, 0]]


def mean_spatial_frequency(pattern: np.ndarray) -> float:
    """Frecuencia espacial media (ciclos por píxel) de una imagen ``(H, W)`` o ``(H, W, C)``.

    Es el promedio de la frecuencia radial ponderado por la potencia del espectro de Fourier
    (sin la media): cerca de 0 para manchas grandes y suaves, cerca de 0.5 para un patrón
    que alterna en cada píxel. Sirve para decir con un número si un patrón es fino o grueso.
    """
    image = np.asarray(pattern, dtype=np.float64)
    if image.ndim == 3:
        image = image.mean(axis=-1)
    if image.ndim != 2:
        raise ValueError(f"pattern debe tener forma (alto, ancho) o (alto, ancho, canales) y "
                         f"tiene {np.asarray(pattern).shape}.")
    power = np.abs(np.fft.fft2(image - image.mean())) ** 2
    fy = np.fft.fftfreq(image.shape[0])[:, None]
    fx = np.fft.fftfreq(image.shape[1])[None, :]
    radius = np.sqrt(fy ** 2 + fx ** 2)
    total = power.sum()
    return float((power * radius).sum() / total) if total > 0 else 0.0


def pattern_grid(patterns: Sequence[np.ndarray], labels: Sequence[str], ncols: int = 8,
                 title: str = "Patrones que más activan cada filtro", size: float = 1.1):
    """Dibuja en una rejilla los patrones de :func:`maximize_filter` con sus rótulos."""
    n = len(patterns)
    if n == 0 or n != len(labels):
        raise ValueError(f"Hace falta un rótulo por patrón: hay {n} patrones y "
                         f"{len(labels)} rótulos.")
    rows, cols = _grid(n, ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(min(9, cols * size), rows * (size + 0.2) + 0.4),
                             squeeze=False)
    for i, ax in enumerate(axes.reshape(-1)):
        ax.axis("off")
        if i < n:
            p = np.asarray(patterns[i])
            ax.imshow(_normalize(p).squeeze(), cmap="gray" if p.shape[-1] == 1 else None)
            ax.set_title(labels[i], fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
