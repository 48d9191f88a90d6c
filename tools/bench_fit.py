"""Banco de pruebas: cuánto cuesta entrenar cada modelo del libro con cada opción de Keras.

Para cada modelo y cada combinación de opciones mide dos cosas, con datos aleatorios en
memoria, Adam y lotes de 32 (la misma matemática que la clase: un paso de Adam por lote):

* **primera época**: los segundos de un primer ``fit`` de ``--warmup`` imágenes, que incluye
  trazar y compilar el paso de entrenamiento y el de validación. Es lo que más pesa en modo
  rápido, donde cada modelo entrena pocos pasos;
* **imágenes/s**: el ritmo de un segundo ``fit`` de ``--images`` imágenes, ya compilado. Es lo
  que pesa en modo completo.

Las opciones son las que el paquete podría elegir sin cambiar la matemática:
``steps_per_execution`` (``spe``: cuántos pasos se agrupan por llamada al backend),
de dónde salen los lotes (``-lotes``: de ``training.tf_batches``, los mismos lotes que arma
``fit`` pero sin el autoajuste de ``tf.data``; solo con TensorFlow), si el modelo pasa por
``training.jit_on_jax`` (``-jitjax``: XLA aunque el aumento de datos lo impida por omisión;
solo con JAX) y
``jit_compile`` (XLA: ``auto`` es lo que hace Keras si no se le dice nada; con TensorFlow
en una máquina sin GPU, ``auto`` apaga XLA en todos los modelos, así que ahí ``auto`` y
``off`` son el mismo cálculo y su diferencia mide el ruido de la máquina). La columna
«relación» compara las imágenes/s de cada fila con las de la primera opción pedida para ese
modelo; por omisión es ``spe1-auto``, el ``model.fit`` de la clase (``spe=1``, ``jit_compile``
por defecto). El backend es el de
``KERAS_BACKEND``: para la tabla de los dos, ejecútalo dos veces.

Con ``--repeats N`` cada medida se repite N veces, alternando las opciones en cada vuelta
(así un rato lento de la máquina no cae siempre sobre la misma opción), y la tabla da la
mediana y, entre paréntesis, el mínimo y el máximo. Hace falta: en la máquina de 2 núcleos
de CI el mismo ``fit`` salta entre dos ritmos, uno casi el doble del otro (v3: 785 y
1566 imágenes/s), y una sola medida por opción confunde ese salto con el efecto de la opción.
Buena parte de ese salto era la espera del autoajuste de ``tf.data`` al terminar cada
``fit`` (ver ``training.tf_batches``), que las opciones ``-lotes`` quitan.

Uso:  python tools/bench_fit.py [--models v1 v3 v5 vit] [--options spe1-auto spe16-off]
                                [--images 4096] [--warmup 2048] [--repeats 3] [--markdown]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import cnnlab  # noqa: F401  (silencia registros antes de importar Keras)
import keras
import numpy as np

from cnnlab import models, runtime, training, transfer, vit


def v5_without_augmentation() -> keras.Model:
    """La versión 5 de la clase sin su aumento de datos: frente a ``v5``, lo que cuesta por
    paso el aumento (volteo y ``RandomTranslation``)."""
    inputs = keras.Input(models.INPUT_SHAPE)
    x = models._v3_body(inputs, batch_norm=True)
    x = keras.layers.Dropout(0.5)(x)
    outputs = keras.layers.Dense(models.NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="cifar10_v5_sin_aumento")


def transfer_phase(size: int, fine_tune: bool) -> Callable[[], keras.Model]:
    """ResNet50 con la cabeza del capítulo 11, congelada (fase 1) o con el ajuste fino (fase 2).

    Pesos aleatorios: la velocidad no depende de sus valores, y así no hace falta descargar.
    """
    def build() -> keras.Model:
        base = transfer.resnet50(size, weights=None)
        if fine_tune:
            transfer.unfreeze(base)
        else:
            transfer.freeze(base)
        return transfer.build_model(base, size)
    return build


#: nombre → (constructor, forma de una imagen, número de clases)
MODELS: dict[str, tuple[Callable[[], keras.Model], tuple[int, ...], int]] = {
    **{f"v{v}": ((lambda v=v: models.cifar10(v)), (32, 32, 3), 10) for v in range(1, 6)},
    "v5_sin_aumento": (v5_without_augmentation, (32, 32, 3), 10),
    "mnist_pool": (models.mnist_pooling, (28, 28, 1), 10),
    "mnist_stride": (models.mnist_strided, (28, 28, 1), 10),
    "vit": (vit.small_vit, (32, 32, 3), 10),
    # 128×128: el tamaño del capítulo 11 en modo completo
    "resnet_fase1": (transfer_phase(128, fine_tune=False), (128, 128, 3), 2),
    "resnet_fase2": (transfer_phase(128, fine_tune=True), (128, 128, 3), 2),
}

#: nombre → (steps_per_execution, jit_compile, backend cuyo camino de training.train sigue:
#: los lotes de training.tf_batches con TensorFlow, training.jit_on_jax con JAX; None: fit)
OPTIONS: dict[str, tuple[int, bool | str, str | None]] = {
    "spe1-auto": (1, "auto", None), "spe16-auto": (16, "auto", None),
    "spe1-off": (1, False, None), "spe16-off": (16, False, None),
    "spe1-xla": (1, True, None), "spe16-xla": (16, True, None),
    "spe16-auto-lotes": (16, "auto", "tensorflow"), "spe16-auto-jitjax": (16, "auto", "jax"),
}


def measure(build: Callable[[], keras.Model], classes: int, steps_per_execution: int,
            jit_compile: bool | str, x: np.ndarray, y: np.ndarray,
            warmup: int, package: bool = False) -> tuple[float, float]:
    """Segundos de la primera época (``warmup`` imágenes) e imágenes/s del ``fit`` siguiente.

    Con ``package``, lo que hace ``training.train`` en cada backend: con TensorFlow, ``fit``
    recibe los lotes de ``training.tf_batches`` en vez de los arreglos; con JAX, el modelo
    pasa por ``training.jit_on_jax``.
    """
    on_tf = keras.backend.backend() == "tensorflow"
    batches, jit_on_jax = package and on_tf, package and not on_tf

    def data(xs: np.ndarray, ys: np.ndarray, shuffle: bool) -> dict:
        if batches:
            return {"x": training.tf_batches(xs, ys, 32, shuffle), "shuffle": False}
        return {"x": xs, "y": ys, "batch_size": 32}

    keras.utils.set_random_seed(0)
    model = build()
    binary = classes == 2
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=steps_per_execution,
                  jit_compile=jit_compile)
    if jit_on_jax:
        training.jit_on_jax(model)
    val = (training.tf_batches(x[:256], y[:256], 32, shuffle=False) if batches
           else (x[:256], y[:256]))
    start = time.perf_counter()
    model.fit(**data(x[:warmup], y[:warmup], True), epochs=1, validation_data=val, verbose=0)
    first = time.perf_counter() - start
    start = time.perf_counter()
    model.fit(**data(x, y, True), epochs=1, validation_data=val, verbose=0)
    return first, len(x) / (time.perf_counter() - start)


def table_row(cells: tuple[str, ...], markdown: bool) -> str:
    """Una fila de la tabla: en Markdown o en columnas de ancho fijo."""
    if markdown:
        return "| " + " | ".join(cells) + " |"
    return f"{cells[0]:<14} {cells[1]:<17} {cells[2]:>17} {cells[3]:>16} {cells[4]:>9}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=["v1", "v3", "v5"])
    parser.add_argument("--options", nargs="+", choices=list(OPTIONS),
                        help="por omisión, todas las que valen con el backend")
    parser.add_argument("--images", type=int, default=4096)
    parser.add_argument("--warmup", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=1,
                        help="veces que se repite cada medida (mediana, mínimo y máximo)")
    parser.add_argument("--markdown", action="store_true", help="tabla en Markdown")
    args = parser.parse_args()
    if args.images < 32 or args.warmup < 32:
        parser.error("--images y --warmup deben ser al menos 32 (un lote).")
    if args.repeats < 1:
        parser.error("--repeats debe ser al menos 1.")
    backend = keras.backend.backend()
    args.options = args.options or [o for o in OPTIONS if OPTIONS[o][2] in (None, backend)]
    if any(OPTIONS[o][2] not in (None, backend) for o in args.options):
        parser.error("Las opciones -lotes usan tf.data y solo valen con "
                     "KERAS_BACKEND=tensorflow; las -jitjax, solo con KERAS_BACKEND=jax.")
    rng = np.random.default_rng(0)
    print(f"backend {backend} · GPU {runtime.gpu_name() or 'ninguna'} · CPU {runtime.cpu_name()}")
    header = ("modelo", "opción", "primera época (s)", "imágenes/s", "relación")
    print(table_row(header, args.markdown)
          + ("\n|" + "---|" * len(header) if args.markdown else ""))
    for name in args.models:
        build, shape, classes = MODELS[name]
        x = rng.random((args.images,) + shape, dtype=np.float32)
        y = rng.integers(0, classes, args.images).astype("float32" if classes == 2 else "int32")
        runs: dict[str, list[tuple[float, float]]] = {option: [] for option in args.options}
        for _ in range(args.repeats):
            for option in args.options:
                spe, jit, package = OPTIONS[option]
                runs[option].append(measure(build, classes, spe, jit, x, y, args.warmup,
                                            package is not None))
        baseline = statistics.median(rate for _, rate in runs[args.options[0]])
        for option in args.options:
            firsts = [first for first, _ in runs[option]]
            rates = [rate for _, rate in runs[option]]
            rate = statistics.median(rates)
            spread = f" ({min(rates):.0f}–{max(rates):.0f})" if args.repeats > 1 else ""
            cells = (name, option, f"{statistics.median(firsts):.1f}", f"{rate:.0f}{spread}",
                     f"{rate / baseline:.2f}")
            print(table_row(cells, args.markdown), flush=True)


if __name__ == "__main__":
    main()
