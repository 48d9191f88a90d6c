"""Conjuntos de datos del libro: CIFAR-10 y utilidades comunes (MNIST está en :mod:`cnnlab.mnist`).

Cada cargador busca primero una copia local en ``CNNLAB_DATA_DIR`` (con la estructura
oficial: ``cifar-10-batches-py/``, ``mnist.npz``) y, si no la hay, descarga el archivo
oficial con :func:`keras.utils.get_file`, que comprueba su suma SHA-256. Después verifica
las sumas md5 de los archivos oficiales y anota en la procedencia si los datos son la
versión «oficial» o una «copia no oficial». Nada leído a medias se usa: ante un archivo
que falta, truncado o corrupto se lanza :class:`DataError` con el archivo y la solución.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np

from cnnlab import runtime
from cnnlab.validation import positive_int

CIFAR10_CLASSES = ["avión", "automóvil", "pájaro", "gato", "ciervo",
                   "perro", "rana", "caballo", "barco", "camión"]
CIFAR10_FILES_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
}
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

FIX_LOCAL = ("descarga a mano los archivos oficiales a una carpeta ORIGEN, prepara una copia "
             "local con «python -m cnnlab.prepare ORIGEN CARPETA» y define "
             "CNNLAB_DATA_DIR=CARPETA, o vuelve a descargar el archivo oficial")
CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class DataError(RuntimeError):
    """Un conjunto de datos no se pudo cargar; el mensaje dice qué archivo y cómo arreglarlo."""


def file_digest(path: Path, algorithm: str = "md5") -> str:
    """Suma de verificación de un archivo (``"md5"`` o ``"sha256"``), leída por bloques."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_md5(path: Path) -> str:
    """Suma md5 de un archivo."""
    return file_digest(path, "md5")


def _download(fname: str, origin: str, sha256: str, extract: bool, what: str) -> Path:
    import keras

    try:
        return Path(keras.utils.get_file(fname=fname, origin=origin, file_hash=sha256,
                                         extract=extract))
    except Exception as err:  # get_file lanza tipos distintos según el fallo
        raise DataError(f"No se pudo descargar {what} desde {origin}: {download_failure(err)}. "
                        f"CNNLAB_DATA_DIR no está definida. Solución: {FIX_LOCAL}.") from None


def download_failure(err: Exception) -> str:
    """Qué falló en una descarga de ``keras.utils.get_file``: la red o la suma del archivo."""
    text = str(err).lower()
    if "hash" in text or "corrupt" in text or "incomplete" in text:
        return ("el archivo llegó, pero su suma de verificación no es la oficial (descarga "
                "incompleta o archivo cambiado); bórralo de ~/.keras/datasets y reintenta")
    return f"falló la conexión ({type(err).__name__}: {str(err)[:120]})"


def extract_cifar10(archive: Path, target: Path) -> Path:
    """Extrae ``cifar-10-batches-py/`` de ``cifar-10-python.tar.gz`` en ``target``."""
    import tarfile

    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("cifar-10-batches-py/")]
            if not members:
                raise DataError(f"{archive.name} no contiene la carpeta cifar-10-batches-py/. "
                                f"Solución: {FIX_LOCAL}.")
            tar.extractall(target, members=members, filter="data")
    except (tarfile.TarError, OSError, EOFError) as err:
        raise DataError(f"{archive.name} está truncado o corrupto ({type(err).__name__}). "
                        f"Solución: {FIX_LOCAL}.") from None
    return target / "cifar-10-batches-py"


def _read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    if not path.is_file():
        raise DataError(f"Falta el archivo de CIFAR-10 {path.parent.name}/{path.name}. "
                        f"Solución: {FIX_LOCAL}.")
    try:
        with open(path, "rb") as f:
            record = pickle.load(f, encoding="bytes")
        data = np.asarray(record[b"data"], dtype=np.uint8)
        labels = np.asarray(record[b"labels"], dtype=np.int32)
    except Exception as err:
        raise DataError(
            f"El archivo de CIFAR-10 {path.name} está truncado o corrupto "
            f"({type(err).__name__}). Solución: bórralo y {FIX_LOCAL}."
        ) from None
    if data.ndim != 2 or data.shape[1] != 3072 or len(labels) != len(data) or len(data) == 0:
        raise DataError(f"El archivo de CIFAR-10 {path.name} no tiene el formato oficial "
                        f"(datos {data.shape}, {len(labels)} etiquetas). Solución: {FIX_LOCAL}.")
    if labels.min() < 0 or labels.max() > 9:
        raise DataError(f"El archivo de CIFAR-10 {path.name} tiene etiquetas fuera de 0..9. "
                        f"Solución: {FIX_LOCAL}.")
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels


def read_cifar10_folder(folder: Path) -> tuple[Arrays, bool]:
    """Lee ``cifar-10-batches-py/`` y dice si todas sus sumas md5 son las oficiales."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"No existe la carpeta {folder.name}/ con los lotes de CIFAR-10. "
                        f"Solución: {FIX_LOCAL}.")
    missing = [name for name in CIFAR10_FILES_MD5 if not (folder / name).is_file()]
    if missing:
        raise DataError(f"Faltan lotes de CIFAR-10 en {folder.name}/: {', '.join(missing)}. "
                        f"Solución: {FIX_LOCAL}.")
    parts = [_read_cifar_batch(folder / f"data_batch_{i}") for i in range(1, 6)]
    x_test, y_test = _read_cifar_batch(folder / "test_batch")
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    official = all(file_md5(folder / n) == md5 for n, md5 in CIFAR10_FILES_MD5.items())
    return ((x_train, y_train), (x_test, y_test)), official


def load_cifar10() -> Arrays:
    """CIFAR-10 completo: ``(x_train, y_train), (x_test, y_test)``, imágenes ``uint8``
    de 32×32×3 y etiquetas ``int32`` de forma ``(N,)``."""
    local = runtime.data_dir()
    if local is not None:
        folder = local / "cifar-10-batches-py"
        source = "copia local en CNNLAB_DATA_DIR"
        if not folder.is_dir() and (local / CIFAR10_ARCHIVE).is_file():
            folder = extract_cifar10(local / CIFAR10_ARCHIVE, local)  # el archivo oficial tal cual
    else:
        folder = _download("cifar-10-batches-py-target", CIFAR10_URL, CIFAR10_SHA256,
                           True, "CIFAR-10") / "cifar-10-batches-py"
        source = "descarga oficial (keras.utils.get_file)"
    arrays, official = read_cifar10_folder(folder)
    detail = "" if official else "copia JPEG con pérdida: los píxeles difieren de los originales"
    runtime.register_dataset(runtime.DatasetRecord("CIFAR-10", source, official, detail))
    return arrays


def read_mnist_npz(path: Path) -> Arrays:
    """Lee un ``mnist.npz`` con la estructura de Keras, validando claves y formas."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Falta el archivo {path.name}. Solución: {FIX_LOCAL}.")
    try:
        with np.load(path, allow_pickle=False) as f:
            x_train, y_train = f["x_train"], f["y_train"]
            x_test, y_test = f["x_test"], f["y_test"]
    except Exception as err:
        raise DataError(f"El archivo {path.name} está truncado o corrupto ({type(err).__name__}). "
                        f"Solución: bórralo y {FIX_LOCAL}.") from None
    for x, y in ((x_train, y_train), (x_test, y_test)):
        if x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) != len(y):
            raise DataError(f"El archivo {path.name} no tiene el formato de Keras "
                            f"(imágenes {x.shape}, {len(y)} etiquetas). Solución: {FIX_LOCAL}.")
    return ((x_train, y_train.astype(np.int32)), (x_test, y_test.astype(np.int32)))


def load_mnist() -> Arrays:
    """MNIST: imágenes ``uint8`` de 28×28 y etiquetas ``int32``.

    Reemplazada por :func:`cnnlab.mnist.load_data`, que juzga el contenido y no los bytes del
    archivo. Ningún capítulo la usa ya; sigue aquí solo hasta el próximo cambio de código de
    este módulo, porque quitarla ahora dejaría desactualizadas las ejecuciones publicadas de
    todos los capítulos que importan ``cnnlab.data``.
    """
    local = runtime.data_dir()
    if local is not None:
        path, source = local / "mnist.npz", "copia local en CNNLAB_DATA_DIR"
    else:
        path = _download("mnist.npz", MNIST_URL, MNIST_SHA256, False, "MNIST")
        source = "descarga oficial (keras.utils.get_file)"
    arrays = read_mnist_npz(path)
    official = file_digest(path, "sha256") == MNIST_SHA256
    detail = "" if official else "archivo distinto del publicado por Keras"
    runtime.register_dataset(runtime.DatasetRecord("MNIST", source, official, detail, "SHA-256"))
    return arrays


def stratified_indices(labels: np.ndarray, per_class: int, seed: int = 0,
                       class_names: list[str] | None = None) -> np.ndarray:
    """Índices de ``per_class`` ejemplos de cada clase, elegidos al azar y barajados."""
    labels = np.asarray(labels).reshape(-1)
    positive_int("per_class", per_class, "imágenes por clase")
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(labels):
        idx = np.flatnonzero(labels == label)
        if len(idx) < per_class:
            name = class_names[label] if class_names else label
            raise ValueError(f"La clase {name} tiene {len(idx)} ejemplos y se pidieron "
                             f"{per_class}. Pide menos ejemplos por clase.")
        chosen.append(rng.choice(idx, per_class, replace=False))
    return rng.permutation(np.concatenate(chosen))


def stratified_subset(x: np.ndarray, y: np.ndarray, per_class: int,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Subconjunto con ``per_class`` ejemplos de cada clase, elegidos al azar y barajados."""
    y = np.asarray(y).reshape(-1)
    order = stratified_indices(y, per_class, seed)
    return x[order], y[order]


def for_mode(arrays: Arrays, train_per_class: int, test_per_class: int, seed: int = 0) -> Arrays:
    """Todo el conjunto en modo completo; subconjuntos estratificados en modo rápido."""
    if runtime.is_full():
        return arrays
    (x_train, y_train), (x_test, y_test) = arrays
    return (stratified_subset(x_train, y_train, train_per_class, seed),
            stratified_subset(x_test, y_test, test_per_class, seed + 1))


def scale(x: np.ndarray) -> np.ndarray:
    """Pasa imágenes ``uint8`` a ``float32`` en [0, 1], como en la clase."""
    return (np.asarray(x, dtype=np.float32) / 255.0)
