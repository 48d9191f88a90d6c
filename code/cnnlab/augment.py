"""Traslaciones aleatorias de un número entero de píxeles, rápidas en cualquier backend.

``keras.layers.RandomTranslation`` sortea desplazamientos continuos e interpola: en JAX esa
interpolación es muy lenta (una ejecución completa del capítulo 5, con 25 épocas, no terminó
en 8 minutos en una GPU H200, y en CPU con JAX el paso cuesta varias veces lo que en
TensorFlow). :class:`RandomShift` hace lo que hace casi toda receta de CIFAR-10: rellena la
imagen reflejando sus bordes y recorta una ventana del tamaño original en una posición
sorteada, es decir, la desplaza un número **entero** de píxeles, sin interpolar. El recorte
es un producto de matrices de selección (``keras.ops.einsum``), así que es el mismo código en
TensorFlow, JAX y PyTorch.

No es la capa de la clase: los capítulos usan ``RandomTranslation``, como la clase. Esta capa
es la alternativa para entrenar rápido en JAX; cambia la matemática del aumento (sin
desplazamientos de fracciones de píxel), así que adoptarla en un capítulo exige volver a
ejecutarlo y decirlo en su texto.
"""

from __future__ import annotations

import numbers

import keras
from keras import ops


class RandomShift(keras.layers.Layer):
    """Desplaza cada imagen hasta ``max_shift`` píxeles enteros en cada eje (solo en entrenamiento).

    Cada imagen del lote sortea su desplazamiento vertical y horizontal, uniforme entre
    ``-max_shift`` y ``max_shift``; lo que queda vacío se rellena reflejando la imagen (como
    ``fill_mode="reflect"`` de ``RandomTranslation``). En inferencia devuelve la entrada.
    Espera lotes ``(lote, alto, ancho, canales)``.
    """

    def __init__(self, max_shift: int = 3, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(max_shift, bool) or not isinstance(max_shift, numbers.Integral):
            raise TypeError(f"max_shift debe ser un entero mayor o igual que 0 (píxeles) y es "
                            f"{type(max_shift).__name__} ({max_shift!r}). Para el 10 % de 32 "
                            "píxeles usa 3.")
        if max_shift < 0:
            raise ValueError(f"max_shift debe ser un entero mayor o igual que 0 (píxeles) y "
                             f"vale {max_shift}. Para el 10 % de 32 píxeles usa 3.")
        max_shift = int(max_shift)
        self.max_shift = max_shift
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, images, training=None):
        if not training or self.max_shift == 0:
            return images
        if len(images.shape) != 4:
            raise ValueError(f"RandomShift espera lotes (lote, alto, ancho, canales) y recibió "
                             f"forma {tuple(images.shape)}.")
        m = self.max_shift
        height, width = images.shape[1], images.shape[2]
        if m >= height or m >= width:
            raise ValueError(f"max_shift={m} debe ser menor que el alto y el ancho de la "
                             f"imagen ({height}×{width}) para poder reflejar los bordes.")
        padded = ops.pad(images, [[0, 0], [m, m], [m, m], [0, 0]], mode="reflect")
        batch = ops.shape(images)[0]
        offsets = keras.random.randint((2, batch), 0, 2 * m + 1, seed=self.seed_generator)
        rows = self._selection(offsets[0], height, height + 2 * m, padded.dtype)
        cols = self._selection(offsets[1], width, width + 2 * m, padded.dtype)
        shifted = ops.einsum("bip,bpqc->biqc", rows, padded)
        return ops.einsum("bjq,biqc->bijc", cols, shifted)

    @staticmethod
    def _selection(offset, size: int, padded_size: int, dtype):
        """Matrices ``(lote, size, padded_size)`` con un 1 en la columna ``offset + i`` de la fila ``i``."""
        positions = ops.expand_dims(offset, 1) + ops.expand_dims(ops.arange(size), 0)
        return ops.one_hot(positions, padded_size, dtype=dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "max_shift": self.max_shift, "seed": self.seed}
