"""Compilar y entrenar con los ajustes de la escalera, con un registro de una línea por época.

Ajustes: Adam con sus valores por omisión (lo elige el libro: las diapositivas no muestran
cómo se compiló la escalera), lotes de 32 como en la clase, entropía cruzada categórica
dispersa y exactitud como métrica. Como en la clase, el conjunto de prueba
se usa también como validación (por eso la exactitud de validación final coincide con la
de prueba).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np

from cnnlab.glue import thousands
from cnnlab.validation import positive_int

METRIC_NAMES = {"loss": "pérdida", "accuracy": "exactitud",
                "val_loss": "val_pérdida", "val_accuracy": "val_exactitud"}


@dataclass
class Result:
    """Lo que queda de un entrenamiento: historia, métricas de prueba y tiempos."""

    name: str
    history: dict[str, list[float]]
    test_loss: float
    test_accuracy: float
    seconds: float
    train_images: int
    epochs: int = field(init=False)

    def __post_init__(self) -> None:
        self.epochs = len(self.history.get("loss", []))

    def final(self, key: str) -> float:
        """Último valor de una métrica de la historia (por ejemplo ``'accuracy'``)."""
        if key not in self.history:
            raise KeyError(f"La historia no tiene la métrica {key!r}; tiene {sorted(self.history)}.")
        return float(self.history[key][-1])

    @property
    def images_per_second(self) -> float:
        """Imágenes de entrenamiento procesadas por segundo.

        Los segundos son los de ``model.fit``: incluyen la validación de cada época, no la
        evaluación final.
        """
        return self.train_images * self.epochs / self.seconds if self.seconds else float("nan")

    @property
    def gap(self) -> float:
        """Exactitud de entrenamiento menos exactitud de prueba: una medida del sobreajuste."""
        return self.final("accuracy") - self.test_accuracy

    def metrics(self) -> dict[str, float]:
        """Métricas finales redondeadas, listas para pegar en la prosa."""
        return {"train_acc": round(self.final("accuracy"), 4),
                "train_loss": round(self.final("loss"), 4),
                "test_acc": round(self.test_accuracy, 4),
                "test_loss": round(self.test_loss, 4),
                "epochs": self.epochs,
                "seconds": round(self.seconds, 1)}


class EpochLog(keras.callbacks.Callback):
    """Imprime una tabla en español, una fila por época, en lugar de las barras de Keras.

    Las columnas llevan los nombres de las métricas de Keras traducidos
    (``val_exactitud`` es la exactitud en los datos de validación); la tabla cabe en
    79 caracteres.
    """

    def __init__(self, epochs: int) -> None:
        super().__init__()
        self.epochs = epochs
        self._start = 0.0
        self._header = False

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        keys = [k for k in METRIC_NAMES if k in logs]
        width = len(str(self.epochs))
        first = max(5, 2 * width + 1)
        if not self._header:
            print(f"{'Época':>{first}}  " + "  ".join(METRIC_NAMES[k] for k in keys)
                  + "  segundos", flush=True)
            self._header = True
        cells = [f"{logs[k]:>{len(METRIC_NAMES[k])}.4f}" for k in keys]
        print(f"{f'{epoch + 1}/{self.epochs}':>{first}}  " + "  ".join(cells)
              + f"  {time.perf_counter() - self._start:>8.1f}", flush=True)


def compile_model(model: keras.Model, learning_rate: float = 0.001,
                  steps_per_execution: int = 1) -> keras.Model:
    """Compila con los ajustes de la escalera: Adam (lo elige el libro), entropía cruzada
    categórica dispersa y exactitud.

    ``steps_per_execution`` agrupa varios pasos por llamada al backend: la matemática es la
    misma (un paso de Adam por lote), solo cambia cuántas veces vuelve el control a Python.
    """
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


def tf_batches(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool):
    """Los lotes que ``fit`` arma con TensorFlow a partir de arreglos, sin el autoajuste de ``tf.data``.

    Con arreglos de NumPy, Keras arma por dentro un ``tf.data.Dataset`` con el autoajuste
    (*autotune*) encendido, y ``fit`` crea un iterador nuevo en cada época. Al destruir el
    anterior, TensorFlow espera a que termine un hilo del autoajuste, y esa espera crece con
    lo que dura la época: en una máquina de 2 núcleos medimos hasta ~40 s por época con la
    CPU parada (la pila del proceso, en esa espera: ``~IteratorResource`` →
    ``UnboundedThreadPool``). Aquí armamos el mismo conjunto que arma Keras (la misma
    permutación de cada época, los mismos lotes, en el mismo orden) con el autoajuste
    apagado, y la espera desaparece. Solo para el backend TensorFlow: con JAX, Keras no usa
    ``tf.data``.
    """
    import tensorflow as tf
    # Es lo que usa model.fit con arreglos; no es API pública de Keras. Si cambia, la prueba
    # que compara train con fit (tests/test_training.py) deja de pasar.
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    dataset = ArrayDataAdapter(x, y, batch_size=batch_size, shuffle=shuffle).get_tf_dataset()
    options = tf.data.Options()
    options.autotune.enabled = False
    steps = -(-len(x) // batch_size)  # lotes por época, contando el último incompleto
    return dataset.with_options(options).apply(tf.data.experimental.assert_cardinality(steps))


#: Capas de aumento que Keras declara no compilables con XLA (``supports_jit = False``)
#: porque en TensorFlow su transformación afín no lo admite. En JAX son ``jax.numpy`` y se
#: compilan sin problema.
JAX_JITTABLE = (keras.layers.RandomTranslation, keras.layers.RandomRotation,
                keras.layers.RandomZoom)


def _all_layers(layer: keras.layers.Layer) -> list[keras.layers.Layer]:
    """``layer`` y todas las capas que contiene, a cualquier profundidad."""
    found = [layer]
    for inner in getattr(layer, "layers", []):
        found += _all_layers(inner)
    return found


def jit_on_jax(model: keras.Model) -> bool:
    """En JAX, compila con XLA un modelo que Keras dejaría sin compilar por su aumento de datos.

    Keras marca ``RandomTranslation``, ``RandomRotation`` y ``RandomZoom`` como capas que no
    admiten ``jit_compile`` (lo que no admite XLA es la operación de TensorFlow que usan) y, con
    ``jit_compile="auto"``, entrena **todo** el modelo sin compilar. En JAX eso es ejecutar
    el paso de entrenamiento operación por operación desde Python (medido en una CPU de 2
    núcleos: la versión 5 de CIFAR-10 entrena a unas 230 imágenes/s así y a unas 930
    compilada; la red de MNIST con *pooling*, a unas 340 y 1 600). Con JAX esas capas son
    código de ``jax.numpy`` que XLA compila sin problema; aquí las declaramos compilables y
    pedimos ``jit_compile=True``. La matemática no cambia: las mismas operaciones, compiladas.

    No hace nada con otro backend, con ``run_eagerly=True``, si el modelo ya se compila con
    XLA o si tiene otras capas que no lo admiten. Devuelve si cambió algo.
    """
    if keras.backend.backend() != "jax" or model.run_eagerly or model.jit_compile:
        return False
    blocking = [layer for layer in _all_layers(model) if not layer.supports_jit]
    if not blocking or not all(isinstance(layer, JAX_JITTABLE) for layer in blocking):
        return False
    for layer in blocking:
        layer.supports_jit = True
    model.jit_compile = True
    # las funciones que ya se armaron sin XLA se vuelven a armar en la próxima llamada
    model.train_function = model.test_function = model.predict_function = None
    return True


def train(model: keras.Model, x_train: np.ndarray, y_train: np.ndarray,
          x_test: np.ndarray, y_test: np.ndarray, epochs: int, batch_size: int = 32,
          name: str | None = None, learning_rate: float = 0.001,
          steps_per_execution: int = 16, compile: bool = True,
          callbacks: list | None = None, log: bool = True) -> Result:
    """Compila (si ``compile``), entrena con validación en prueba y evalúa; devuelve un :class:`Result`.

    Compilar un modelo que ya estaba compilado reinicia su optimizador: ``train`` lo avisa
    con una línea. Con ``compile=False`` el modelo debe venir compilado.
    """
    epochs = positive_int("epochs", epochs, "el número de épocas")
    batch_size = positive_int("batch_size", batch_size, "el tamaño del lote")
    if len(x_train) != len(y_train):
        raise ValueError(f"x_train tiene {len(x_train)} ejemplos e y_train {len(y_train)}: "
                         "deben coincidir.")
    if compile:
        if getattr(model, "compiled", False):
            print(f"Aviso: {model.name} ya estaba compilado; se vuelve a compilar con tasa "
                  f"{learning_rate:g} (el optimizador empieza de cero).")
        compile_model(model, learning_rate, steps_per_execution)
    elif not getattr(model, "compiled", False):
        raise ValueError(f"{model.name} no está compilado y se pidió compile=False: "
                         "compílalo antes (training.compile_model) o usa compile=True.")
    jit_on_jax(model)
    if keras.backend.backend() == "tensorflow":  # los mismos lotes, sin esperas (tf_batches)
        train_data = {"x": tf_batches(x_train, y_train, batch_size, shuffle=True),
                      "shuffle": False}  # ya barajado, como lo baraja fit
        validation = tf_batches(x_test, y_test, batch_size, shuffle=False)
        test_data = {"x": tf_batches(x_test, y_test, 256, shuffle=False)}
    else:
        train_data = {"x": x_train, "y": y_train, "batch_size": batch_size}
        validation = (x_test, y_test)
        test_data = {"x": x_test, "y": y_test, "batch_size": 256}
    log_cb = [EpochLog(epochs)] if log else []
    start = time.perf_counter()
    history = model.fit(**train_data, epochs=epochs, validation_data=validation, verbose=0,
                        callbacks=log_cb + list(callbacks or []))
    seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(**test_data, verbose=0)
    result = Result(name or model.name, {k: [float(v) for v in vals]
                                         for k, vals in history.history.items()},
                    float(test_loss), float(test_accuracy), seconds, len(x_train))
    if log:
        rate = thousands(result.images_per_second, 0)
        print(f"Prueba · pérdida {result.test_loss:.4f} · exactitud {result.test_accuracy:.4f}"
              f" · {thousands(seconds, 1)} s ({rate} imágenes/s)")
    return result
