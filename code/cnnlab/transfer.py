"""Aprendizaje por transferencia (*transfer learning*) con ResNet50, como en la clase.

La receta: una base ResNet50 preentrenada en ImageNet sin su cabeza
(``include_top=False``), congelada; encima, aumento de datos →
``resnet50.preprocess_input(x * 255)`` → ``base(x, training=False)`` →
``GlobalAveragePooling2D`` → ``Dropout(0.4)`` → ``Dense(1, sigmoid)``. Fase 1: solo se
entrena la cabeza (extracción de características). Fase 2: se descongela la base salvo sus
primeras ``FINE_TUNE_AT = 100`` capas y se vuelve a compilar con una tasa menor (ajuste fino).

Pesos: con ``CNNLAB_DATA_DIR`` se leen los archivos locales con los nombres de Keras
(:data:`NOTOP_FILE`, :data:`TOP_FILE`); sin ella, los descarga ``keras.applications``.
Si faltan o están dañados se lanza :class:`WeightsError`: **nunca** se sigue en silencio
con pesos aleatorios.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import keras
import numpy as np
from keras import layers

from cnnlab import runtime
from cnnlab.data import download_failure, file_md5
from cnnlab.training import Result

FINE_TUNE_AT = 100
NOTOP_FILE = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
TOP_FILE = "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
#: Sumas md5 de los archivos que publica Keras (de ``keras.applications.resnet``).
KERAS_MD5 = {TOP_FILE: "2cb95161c43110f7111970584f804107",
             NOTOP_FILE: "4d473c1dd8becc155b73f8504c6f6626"}
CLASS_NAMES_FILE = "imagenet_classes.txt"
#: Índices de ImageNet-1k: razas de perro (151–268) y gatos domésticos (281–285).
IMAGENET_DOGS = range(151, 269)
IMAGENET_CATS = range(281, 286)

FIX_WEIGHTS = ("pon el archivo de pesos oficial de Keras en una carpeta ORIGEN, prepara una "
               "copia local con «python -m cnnlab.prepare ORIGEN CARPETA» y define "
               "CNNLAB_DATA_DIR=CARPETA, o quita CNNLAB_DATA_DIR para que keras.applications "
               "lo descargue")


class WeightsError(RuntimeError):
    """Los pesos preentrenados no se pudieron cargar; el mensaje dice qué archivo y cómo arreglarlo."""


def weights_path(include_top: bool = False) -> Path | None:
    """El archivo local de pesos en ``CNNLAB_DATA_DIR`` o ``None`` si la variable no está definida."""
    local = runtime.data_dir()
    if local is None:
        return None
    return local / (TOP_FILE if include_top else NOTOP_FILE)


def resnet50(img_size: int | None = 224, include_top: bool = False,
             weights: str | Path | None = "imagenet") -> keras.Model:
    """ResNet50 de ``keras.applications`` con los pesos de ImageNet (o los que se le den).

    ``weights``: ``"imagenet"`` (archivo local de ``CNNLAB_DATA_DIR`` o descarga de Keras),
    una ruta a un ``.h5``, o ``None`` para pesos aleatorios (solo si se pide explícitamente).
    Con ``include_top=True`` la entrada es siempre 224×224 (la red completa de ImageNet).
    """
    shape = (224, 224, 3) if include_top else (img_size, img_size, 3)
    if not include_top and (img_size is None or img_size < 32):
        raise ValueError(f"img_size debe ser al menos 32 para ResNet50 y vale {img_size!r}.")
    if weights is None:
        return keras.applications.ResNet50(include_top=include_top, weights=None, input_shape=shape)
    if weights == "imagenet":
        path = weights_path(include_top)
        if path is None:
            return _download_resnet50(include_top, shape)
        source = "copia local en CNNLAB_DATA_DIR"
    else:
        path, source = Path(weights), "archivo indicado"
    model = load_weights_file(path, include_top, shape)
    official = file_md5(path) == KERAS_MD5.get(path.name)
    runtime.register_dataset(runtime.DatasetRecord(
        f"Pesos ResNet50 ImageNet ({'con' if include_top else 'sin'} cabeza)", source, official,
        "" if official else ("sus bytes no son los del archivo que publica Keras, pero trae "
                             "los pesos de todas las capas de ResNet50")))
    return model


def load_weights_file(path: Path, include_top: bool, shape: tuple[int, int, int]) -> keras.Model:
    """Construye ResNet50 con ``weights=path``; falla en español si el archivo falta o está dañado."""
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"Falta el archivo de pesos {path.name}. Solución: {FIX_WEIGHTS}.")
    try:
        return keras.applications.ResNet50(include_top=include_top, weights=str(path),
                                           input_shape=shape)
    except Exception as err:  # h5py lanza OSError; Keras, ValueError si no encajan las capas
        raise WeightsError(
            f"El archivo de pesos {path.name} está truncado, corrupto o no corresponde a "
            f"ResNet50 {'con' if include_top else 'sin'} cabeza ({type(err).__name__}). "
            f"Solución: bórralo y {FIX_WEIGHTS}."
        ) from None


def _download_resnet50(include_top: bool, shape: tuple[int, int, int]) -> keras.Model:
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # sin barra de progreso
            model = keras.applications.ResNet50(include_top=include_top, weights="imagenet",
                                                input_shape=shape)
    except Exception as err:
        name = TOP_FILE if include_top else NOTOP_FILE
        raise WeightsError(
            f"No se pudieron descargar los pesos {name}: {download_failure(err)}. "
            f"Solución: conéctate a internet, o {FIX_WEIGHTS}."
        ) from None
    runtime.register_dataset(runtime.DatasetRecord(
        f"Pesos ResNet50 ImageNet ({'con' if include_top else 'sin'} cabeza)",
        "descarga oficial (keras.applications)", True, "suma comprobada por Keras"))
    return model


class ResNetPreprocess(layers.Layer):
    """``resnet50.preprocess_input(x * scale)`` como capa: de RGB en [0, 1] a BGR centrado.

    Con ``scale=255`` recibe imágenes en [0, 1] (como en la clase); con ``scale=1``,
    imágenes en [0, 255]. Envolverlo en una capa lo hace funcionar igual en todos los backends.
    """

    def __init__(self, scale: float = 255.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = float(scale)

    def call(self, x):
        return keras.applications.resnet50.preprocess_input(x * self.scale)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def data_augmentation(seed: int | None = None) -> keras.Sequential:
    """Aumento de datos para fotos de mascotas: volteo horizontal, rotación y zoom.

    La rotación llega a ±36° (``RandomRotation`` mide en fracciones de vuelta: 0.1 × 360°) y
    el zoom, a ±10 %.

    Las diapositivas no definen ``data_augmentation``; un gato volteado sigue siendo un
    gato, así que el volteo horizontal es seguro. Solo actúa al entrenar.
    """
    return keras.Sequential([layers.RandomFlip("horizontal", seed=seed),
                             layers.RandomRotation(0.1, seed=seed),
                             layers.RandomZoom(0.1, seed=seed)], name="data_augmentation")


def build_model(base: keras.Model, img_size: int, dropout: float = 0.4,
                base_training: bool | None = False, scale: float = 255.0) -> keras.Model:
    """La cabeza de la clase sobre ``base``: aumento → preprocesado → base → GAP → Dropout → sigmoide.

    ``base_training=False`` (la receta) ejecuta la base en modo inferencia: la normalización
    por lotes usa las estadísticas guardadas de ImageNet. Para una base con pesos aleatorios
    conviene ``None`` (la base usa las estadísticas de cada lote al entrenar).
    """
    inputs = layers.Input(shape=(img_size, img_size, 3))
    x = data_augmentation()(inputs)
    x = ResNetPreprocess(scale, name="preprocess_input")(x)
    x = base(x, training=base_training)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name="resnet50_perros_gatos")


def freeze(base: keras.Model) -> None:
    """Fase 1: congela toda la base (ningún peso suyo se actualiza)."""
    base.trainable = False


def unfreeze(base: keras.Model, fine_tune_at: int = FINE_TUNE_AT) -> None:
    """Fase 2: descongela la base salvo sus primeras ``fine_tune_at`` capas."""
    if not 0 <= fine_tune_at <= len(base.layers):
        raise ValueError(f"fine_tune_at debe estar entre 0 y {len(base.layers)} (las capas de la "
                         f"base) y vale {fine_tune_at}.")
    base.trainable = True
    # Cada capa explícitamente: así llamar dos veces con cortes distintos da lo esperado.
    for i, layer in enumerate(base.layers):
        layer.trainable = i >= fine_tune_at


def count_params(weights) -> int:
    """Número de parámetros (escalares) de una lista de pesos."""
    return int(sum(int(np.prod(w.shape)) for w in weights))


def trainable_report(model: keras.Model) -> dict[str, int]:
    """Tensores y parámetros entrenables y congelados de un modelo."""
    return {"tensores_entrenables": len(model.trainable_weights),
            "parametros_entrenables": count_params(model.trainable_weights),
            "parametros_congelados": count_params(model.non_trainable_weights)}


def join_results(first: Result, second: Result, name: str) -> Result:
    """Une las historias de dos fases en un solo :class:`Result` (la prueba es la de la segunda)."""
    history = {k: first.history[k] + second.history[k] for k in first.history if k in second.history}
    return Result(name, history, second.test_loss, second.test_accuracy,
                  first.seconds + second.seconds, second.train_images)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = 2) -> np.ndarray:
    """Matriz de confusión: filas = clase real, columnas = clase predicha."""
    y_true = np.asarray(y_true).reshape(-1).astype(int)
    y_pred = np.asarray(y_pred).reshape(-1).astype(int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true tiene {y_true.size} etiquetas e y_pred {y_pred.size}: deben coincidir.")
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def imagenet_class_names() -> list[str]:
    """Los 1000 nombres de clase de ImageNet-1k (en inglés), en el orden de sus índices.

    Vienen con el paquete (``imagenet_classes.txt``), así que están disponibles sin
    conexión: son los nombres de las clases de ILSVRC 2012 en el orden estándar que usan
    Keras y torchvision (tomados de torchvision 0.29.1, licencia BSD-3).
    """
    lines = (Path(__file__).with_name(CLASS_NAMES_FILE)
             .read_text(encoding="utf-8").splitlines())
    if len(lines) != 1000:
        raise RuntimeError(f"{CLASS_NAMES_FILE} tiene {len(lines)} líneas y debe tener 1000: "
                           "reinstala el paquete cnnlab.")
    return lines

