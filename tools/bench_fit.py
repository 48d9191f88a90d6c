"""Banco de pruebas: imágenes por segundo del `model.fit` simple de la clase frente a `cnnlab.training`.

Misma matemática (Adam, lotes de 32, un paso de Adam por lote, datos en memoria); solo
cambia cuántos pasos se agrupan en cada llamada al backend (`steps_per_execution`).
``--model`` elige la red: la versión 3 (sin aumento), la 4 (con el aumento de la clase,
``RandomFlip`` + ``RandomTranslation``) o la 4 con ``cnnlab.augment.RandomShift`` en lugar
de ``RandomTranslation`` (desplazamientos enteros, sin interpolar). El backend es el de
``KERAS_BACKEND``.
Uso:  python tools/bench_fit.py [--model v3|v4|v4_shift] [--images 20000] [--epochs 2]
"""

from __future__ import annotations

import argparse
import time

import cnnlab  # noqa: F401  (silencia registros antes de importar Keras)
import keras
import numpy as np

from cnnlab import models, runtime, training
from cnnlab.augment import RandomShift


def v4_with_shift() -> keras.Model:
    """La versión 4 con desplazamientos enteros (``RandomShift(3)``) en lugar de ``RandomTranslation``."""
    inputs = keras.Input(models.INPUT_SHAPE)
    x = keras.layers.RandomFlip("horizontal")(inputs)
    x = RandomShift(3)(x)
    x = models._v3_body(x, batch_norm=False)
    outputs = keras.layers.Dense(models.NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="cifar10_v4_shift")


BUILDERS = {"v3": models.cifar10_v3, "v4": models.cifar10_v4, "v4_shift": v4_with_shift}


def images_per_second(build, steps_per_execution: int, x, y, epochs: int) -> float:
    keras.utils.set_random_seed(0)
    model = training.compile_model(build(), steps_per_execution=steps_per_execution)
    model.fit(x[:2048], y[:2048], batch_size=32, epochs=1, verbose=0)  # compilación y calentamiento
    start = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0)
    return len(x) * epochs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(BUILDERS), default="v3")
    parser.add_argument("--images", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.random((args.images, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, args.images).astype("int32")
    build = BUILDERS[args.model]
    plain = images_per_second(build, 1, x, y, args.epochs)
    ours = images_per_second(build, 16, x, y, args.epochs)
    print(f"modelo {args.model} · backend {keras.backend.backend()} · "
          f"GPU {runtime.gpu_name() or 'ninguna'} · CPU {runtime.cpu_name()}")
    print(f"model.fit simple (steps_per_execution=1): {plain:.0f} imágenes/s")
    print(f"cnnlab.training (steps_per_execution=16): {ours:.0f} imágenes/s")
    print(f"cociente: {ours / plain:.2f}")


if __name__ == "__main__":
    main()
