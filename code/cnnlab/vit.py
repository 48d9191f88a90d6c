"""Un Vision Transformer (ViT) pequeño para CIFAR-10, solo con capas de Keras.

La imagen se corta en parches (*patches*) cuadrados que no se solapan; cada parche se
aplana y se proyecta a un vector (su embedding); se antepone un token de clase ``[CLS]``
aprendido y se suma un embedding de posición aprendido. Después, bloques de codificador
Transformer: normalización de capa, **autoatención** (*self-attention*) multicabeza en la
que cada token atiende a **todos** los demás (no hay máscara causal: no es atención
autorregresiva), y un perceptrón de dos capas, ambos con conexión residual. La salida del
token ``[CLS]`` alimenta el clasificador.

Funciones NumPy (:func:`image_to_patches`, :func:`patches_to_image`, :func:`attention_rollout`)
y capas de Keras que solo usan ``keras.ops`` (:class:`Patches`, :class:`ClassTokenAndPosition`),
así que el modelo funciona con TensorFlow, JAX o PyTorch.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, models, ops

from cnnlab.validation import positive_int

# ------------------------------------------------------------------ parches en NumPy


def _check_images(images, patch_size: int) -> np.ndarray:
    positive_int("patch_size", patch_size)
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[None]
    if images.ndim != 4:
        raise ValueError(f"Se esperaban imágenes (lote, alto, ancho, canales) o una sola imagen "
                         f"(alto, ancho, canales), y llegó la forma {images.shape}.")
    _, height, width, _ = images.shape
    if height % patch_size or width % patch_size:
        raise ValueError(f"El tamaño de la imagen ({height}×{width}) no es múltiplo del tamaño de "
                         f"parche ({patch_size}). Elige un patch_size que divida a {height} y {width}.")
    return images


def image_to_patches(images, patch_size: int) -> np.ndarray:
    """Corta imágenes ``(N, H, W, C)`` en parches: devuelve ``(N, (H/p)·(W/p), p·p·C)``.

    Los parches se recorren por filas (de izquierda a derecha y de arriba abajo), y cada
    parche se aplana en el mismo orden (fila, columna, canal).
    """
    images = _check_images(images, patch_size)
    n, height, width, channels = images.shape
    p = patch_size
    grid = images.reshape(n, height // p, p, width // p, p, channels)
    grid = grid.transpose(0, 1, 3, 2, 4, 5)
    return grid.reshape(n, (height // p) * (width // p), p * p * channels)


def patches_to_image(patches, image_size: int | tuple[int, int], patch_size: int,
                     channels: int = 3) -> np.ndarray:
    """La operación inversa de :func:`image_to_patches`: reconstruye ``(N, H, W, C)``."""
    patches = np.asarray(patches)
    height, width = (image_size, image_size) if isinstance(image_size, (int, np.integer)) else image_size
    p = patch_size
    if patches.ndim != 3:
        raise ValueError(f"Se esperaban parches (lote, número de parches, valores) y llegó la forma "
                         f"{patches.shape}.")
    if height % p or width % p:
        raise ValueError(f"El tamaño {height}×{width} no es múltiplo del parche {p}.")
    expected = ((height // p) * (width // p), p * p * channels)
    if patches.shape[1:] != expected:
        raise ValueError(f"Para imágenes {height}×{width}×{channels} y parches de {p} se esperaban "
                         f"parches de forma (N, {expected[0]}, {expected[1]}) y llegó {patches.shape}.")
    n = patches.shape[0]
    grid = patches.reshape(n, height // p, width // p, p, p, channels).transpose(0, 1, 3, 2, 4, 5)
    return grid.reshape(n, height, width, channels)


# ------------------------------------------------------------------ capas de Keras


@keras.saving.register_keras_serializable(package="cnnlab")
class Patches(layers.Layer):
    """Capa que corta un lote de imágenes en parches aplanados (igual que :func:`image_to_patches`)."""

    def __init__(self, patch_size: int, **kwargs):
        super().__init__(**kwargs)
        positive_int("patch_size", patch_size)
        self.patch_size = patch_size

    def compute_output_shape(self, input_shape):
        _, height, width, channels = input_shape
        p = self.patch_size
        return (input_shape[0], (height // p) * (width // p), p * p * channels)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"Patches espera imágenes (lote, alto, ancho, canales) y recibió {input_shape}.")
        _, height, width, _ = input_shape
        if height % self.patch_size or width % self.patch_size:
            raise ValueError(f"El tamaño de la imagen ({height}×{width}) no es múltiplo del tamaño "
                             f"de parche ({self.patch_size}).")

    def call(self, images):
        _, height, width, channels = images.shape
        p = self.patch_size
        x = ops.reshape(images, (-1, height // p, p, width // p, p, channels))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        return ops.reshape(x, (-1, (height // p) * (width // p), p * p * channels))

    def get_config(self):
        return {**super().get_config(), "patch_size": self.patch_size}


@keras.saving.register_keras_serializable(package="cnnlab")
class ClassTokenAndPosition(layers.Layer):
    """Antepone un token ``[CLS]`` aprendido y suma un embedding de posición aprendido.

    Entrada ``(lote, parches, dim)``; salida ``(lote, parches + 1, dim)``. Sin la posición,
    la autoatención no sabría dónde está cada parche: trata la secuencia como un conjunto.
    """

    def build(self, input_shape):
        _, num_patches, dim = input_shape
        self.cls_token = self.add_weight(shape=(1, 1, dim), initializer="zeros", name="cls_token")
        self.position = self.add_weight(shape=(1, num_patches + 1, dim),
                                        initializer=keras.initializers.RandomNormal(stddev=0.02),
                                        name="position_embedding")

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] + 1, input_shape[2])

    def call(self, x):
        batch = ops.shape(x)[0]
        cls = ops.broadcast_to(ops.cast(self.cls_token, x.dtype), (batch, 1, x.shape[-1]))
        return ops.concatenate([cls, x], axis=1) + ops.cast(self.position, x.dtype)


# ------------------------------------------------------------------ el modelo


def transformer_block(x, num_heads: int, dim: int, mlp_dim: int, dropout: float = 0.0,
                      name: str = "block"):
    """Bloque de codificador (pre-normalización). Devuelve ``(salida, pesos de atención)``.

    ``x = x + MHA(LN(x), LN(x))`` (autoatención: consultas, claves y valores salen de la misma
    secuencia) y ``x = x + MLP(LN(x))``. Los pesos de atención tienen forma
    ``(lote, cabezas, tokens, tokens)``; cada fila suma 1.
    """
    if dim % num_heads:
        raise ValueError(f"dim={dim} debe ser múltiplo de num_heads={num_heads}: cada cabeza "
                         "usa dim / num_heads dimensiones.")
    h = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_ln1")(x)
    h, scores = layers.MultiHeadAttention(num_heads=num_heads, key_dim=dim // num_heads,
                                          dropout=dropout, name=f"{name}_mha")(
        h, h, return_attention_scores=True)
    x = layers.Add(name=f"{name}_add1")([x, h])
    h = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_ln2")(x)
    h = layers.Dense(mlp_dim, activation="gelu", name=f"{name}_mlp1")(h)
    h = layers.Dropout(dropout)(h)
    h = layers.Dense(dim, name=f"{name}_mlp2")(h)
    h = layers.Dropout(dropout)(h)
    return layers.Add(name=f"{name}_add2")([x, h]), scores


def small_vit(image_size: int = 32, patch_size: int = 4, dim: int = 64, depth: int = 4,
              num_heads: int = 4, mlp_dim: int = 128, num_classes: int = 10,
              dropout: float = 0.1, augmentation: keras.layers.Layer | None = None,
              return_attention_model: bool = False):
    """Un ViT pequeño: parches → embedding → ``depth`` bloques → ``[CLS]`` → softmax.

    Con ``return_attention_model=True`` devuelve ``(modelo, modelo_de_atención)``; el segundo
    comparte las capas y da la lista de pesos de atención de cada bloque.
    """
    for key, value in (("image_size", image_size), ("patch_size", patch_size), ("dim", dim),
                       ("depth", depth), ("num_heads", num_heads), ("mlp_dim", mlp_dim),
                       ("num_classes", num_classes)):
        positive_int(key, value)
    if image_size % patch_size:
        raise ValueError(f"image_size={image_size} no es múltiplo de patch_size={patch_size}.")
    input_layer = layers.Input((image_size, image_size, 3))
    x = augmentation(input_layer) if augmentation is not None else input_layer
    x = Patches(patch_size, name="patches")(x)
    x = layers.Dense(dim, name="patch_embedding")(x)
    x = ClassTokenAndPosition(name="cls_position")(x)
    all_scores = []
    for i in range(depth):
        x, scores = transformer_block(x, num_heads, dim, mlp_dim, dropout, name=f"block{i + 1}")
        all_scores.append(scores)
    x = layers.LayerNormalization(epsilon=1e-6, name="final_ln")(x)
    cls = layers.Lambda(lambda t: t[:, 0], output_shape=(dim,), name="cls_output")(x)
    output_layer = layers.Dense(num_classes, activation="softmax", name="head")(cls)
    model = models.Model(input_layer, output_layer, name="vit_pequeno")
    if return_attention_model:
        return model, models.Model(input_layer, all_scores, name="vit_atencion")
    return model


# ------------------------------------------------------------------ mapas de atención


def attention_rollout(scores, head_fusion: str = "mean") -> np.ndarray:
    """*Attention rollout* (Abnar y Zuidema, 2020): combina la atención de todos los bloques.

    ``scores`` es la lista de pesos por bloque, cada uno ``(N, cabezas, T, T)``. Para cada
    bloque se promedian las cabezas, se suma la identidad (la conexión residual) y se
    renormalizan las filas; después se multiplican los bloques. Devuelve ``(N, T, T)``.
    """
    if head_fusion not in ("mean", "max"):
        raise ValueError(f"head_fusion={head_fusion!r} no existe: usa 'mean' o 'max'.")
    scores = [np.asarray(s, dtype=np.float64) for s in scores]
    if not scores or any(s.ndim != 4 or s.shape[-1] != s.shape[-2] for s in scores):
        raise ValueError("attention_rollout espera una lista no vacía de pesos de forma "
                         "(lote, cabezas, tokens, tokens).")
    n, _, tokens, _ = scores[0].shape
    rollout = np.broadcast_to(np.eye(tokens), (n, tokens, tokens)).copy()
    for s in scores:
        a = s.mean(axis=1) if head_fusion == "mean" else s.max(axis=1)
        a = a + np.eye(tokens)
        a = a / a.sum(axis=-1, keepdims=True)
        rollout = a @ rollout
    return rollout


def cls_attention_map(rollout: np.ndarray, grid: int) -> np.ndarray:
    """Fila del token ``[CLS]`` sin él mismo, como mapa ``(N, grid, grid)`` normalizado a [0, 1]."""
    rollout = np.asarray(rollout)
    if rollout.ndim != 3 or rollout.shape[1] != grid * grid + 1:
        raise ValueError(f"Se esperaba un rollout (N, {grid * grid + 1}, {grid * grid + 1}) para una "
                         f"rejilla de {grid}×{grid} parches y llegó {rollout.shape}.")
    maps = rollout[:, 0, 1:].reshape(-1, grid, grid)
    low = maps.min(axis=(1, 2), keepdims=True)
    high = maps.max(axis=(1, 2), keepdims=True)
    return (maps - low) / np.maximum(high - low, 1e-12)
