"""Perros y gatos: cargadores de imágenes JPEG para cualquier backend de Keras.

El conjunto por omisión es ``cats_and_dogs_filtered``, el subconjunto de 2000 imágenes de
entrenamiento y 1000 de validación del tutorial de aprendizaje por transferencia de
TensorFlow, con la estructura ``{train,validation}/{cats,dogs}/*.jpg``. Se busca en
``CNNLAB_DATA_DIR/cats_and_dogs_filtered``; si la variable no está definida se descarga el
ZIP del tutorial con :func:`keras.utils.get_file`.

Verificación: Google no publica una suma del ZIP. Por eso comprobamos el **contenido**: la
huella (*fingerprint*) SHA-256 de las 3000 imágenes (ruta relativa y suma de cada archivo,
en orden) debe coincidir con :data:`FILTERED_FINGERPRINT`, calculada sobre una copia exacta
del subconjunto del tutorial. La procedencia anota si coincide («oficial») o no.

El conjunto grande (unas 25 000 fotos de Kaggle/Microsoft, ``PetImages/{Cat,Dog}/*.jpg``,
sin división en entrenamiento y validación) se usa con :func:`pet_images_files` y
:class:`CatsDogsDataset`, un :class:`keras.utils.PyDataset` que lee las imágenes por lotes
sin cargarlas todas en memoria.

Etiquetas: 0 = gato, 1 = perro. Nada leído a medias se usa: una carpeta o un archivo que
falta, o un JPEG corrupto, lanzan :class:`cnnlab.data.DataError` con el archivo y la solución.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np

from cnnlab import runtime
from cnnlab import data
from cnnlab.data import DataError
from cnnlab.glue import thousands
from cnnlab.validation import positive_int

CLASS_NAMES = ["gato", "perro"]
#: Subcarpetas de cada división, en el orden de las etiquetas (0 = gato, 1 = perro).
CLASS_FOLDERS = ("cats", "dogs")
SPLITS = ("train", "validation")
FILTERED_NAME = "cats_and_dogs_filtered"
FILTERED_URL = "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
FILTERED_COUNTS = {"train": 1000, "validation": 500}  # imágenes por clase
#: Huella SHA-256 del contenido de las 3000 imágenes (ver :func:`folder_fingerprint`).
FILTERED_FINGERPRINT = "8ab0f64eb6f16d8c05191410eaab6bb358bf4ad87e0047484b76149c617fa9e0"
PET_IMAGES_FOLDERS = ("Cat", "Dog")

FIX = ("pon cats_and_dogs_filtered.zip (el del tutorial de TensorFlow) en una carpeta ORIGEN, "
       "prepara una copia local con «python -m cnnlab.prepare ORIGEN CARPETA» y define "
       "CNNLAB_DATA_DIR=CARPETA, o quita la variable para que el libro lo descargue")

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def list_split(folder: Path, split: str) -> tuple[list[Path], np.ndarray]:
    """Archivos ``*.jpg`` de ``folder/split/{cats,dogs}`` en orden, con sus etiquetas ``int32``."""
    folder = Path(folder)
    files: list[Path] = []
    labels: list[int] = []
    for label, name in enumerate(CLASS_FOLDERS):
        sub = folder / split / name
        if not sub.is_dir():
            raise DataError(f"Falta la carpeta {folder.name}/{split}/{name}/. Solución: {FIX}.")
        found = sorted(p for p in sub.iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))
        if not found:
            raise DataError(f"La carpeta {folder.name}/{split}/{name}/ no tiene imágenes .jpg. "
                            f"Solución: {FIX}.")
        files += found
        labels += [label] * len(found)
    return files, np.asarray(labels, dtype=np.int32)


def folder_fingerprint(folder: Path) -> str:
    """Huella SHA-256 del contenido: rutas relativas y suma SHA-256 de cada imagen, en orden."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for split in SPLITS:
        files, _ = list_split(folder, split)
        for path in files:
            digest.update(f"{split}/{path.parent.name}/{path.name}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read_image(path: Path, img_size: int) -> np.ndarray:
    """Lee un JPEG completo, lo pasa a RGB y lo redimensiona a ``img_size``×``img_size`` (``uint8``)."""
    from PIL import Image

    path = Path(path)
    if not path.is_file():
        raise DataError(f"Falta la imagen {path.parent.name}/{path.name}. Solución: {FIX}.")
    try:
        with Image.open(path) as image:
            image.load()  # decodifica todo el archivo: un JPEG truncado falla aquí
            rgb = image.convert("RGB").resize((img_size, img_size), Image.BILINEAR)
            array = np.asarray(rgb, dtype=np.uint8)
    except Exception as err:  # Pillow lanza OSError, SyntaxError o ValueError según el daño
        raise DataError(
            f"La imagen {path.parent.name}/{path.name} está corrupta o no es un JPEG "
            f"({type(err).__name__}). Solución: bórrala o reemplázala por una copia sana "
            f"del conjunto de datos."
        ) from None
    return array


def read_images(files: list[Path], img_size: int) -> np.ndarray:
    """Lee y redimensiona una lista de imágenes; falla entera si una sola está mal."""
    _check_size(img_size)
    out = np.empty((len(files), img_size, img_size, 3), dtype=np.uint8)
    for i, path in enumerate(files):
        out[i] = read_image(path, img_size)
    return out


def _check_size(img_size: int) -> None:
    positive_int("img_size", img_size, "el lado de las imágenes en píxeles")
    if img_size < 32:
        raise ValueError(f"img_size debe ser de al menos 32 (ResNet50 lo exige) y vale "
                         f"{img_size!r}. Usa por ejemplo 160 o 224.")


def stratified_files(files: list[Path], labels: np.ndarray, per_class: int,
                     seed: int = 0) -> tuple[list[Path], np.ndarray]:
    """Elige ``per_class`` archivos de cada clase al azar (antes de decodificar) y los baraja."""
    order = data.stratified_indices(labels, per_class, seed, class_names=CLASS_NAMES)
    return [files[i] for i in order], labels[order]


def filtered_folder() -> tuple[Path, str]:
    """Carpeta de ``cats_and_dogs_filtered`` (local o descargada) y de dónde salió."""
    local = runtime.data_dir()
    if local is not None:
        folder = local / FILTERED_NAME
        if not folder.is_dir():
            raise DataError(f"CNNLAB_DATA_DIR no contiene la carpeta {FILTERED_NAME}/. "
                            f"Solución: {FIX}.")
        return folder, "copia local en CNNLAB_DATA_DIR"
    import keras

    try:
        path = Path(keras.utils.get_file(fname=f"{FILTERED_NAME}.zip", origin=FILTERED_URL,
                                         extract=True))
    except Exception as err:
        raise DataError(f"No se pudo descargar {FILTERED_NAME}.zip desde {FILTERED_URL}: "
                        f"{data.download_failure(err)}. Solución: conéctate a internet, o "
                        f"{FIX}.") from None
    # Según la versión de Keras, get_file devuelve la carpeta extraída o el ZIP.
    for candidate in (path / FILTERED_NAME, path, path.parent / FILTERED_NAME):
        if (candidate / "train").is_dir():
            return candidate, "descarga del tutorial de TensorFlow (keras.utils.get_file)"
    raise DataError(f"El ZIP descargado no contiene {FILTERED_NAME}/train. Solución: borra "
                    f"~/.keras/datasets/{FILTERED_NAME}* y vuelve a intentarlo, o {FIX}.")


def load_cats_dogs(img_size: int = 160, train_per_class: int | None = None,
                   test_per_class: int | None = None, seed: int = 0) -> Arrays:
    """``cats_and_dogs_filtered`` como arreglos: ``(x_train, y_train), (x_val, y_val)``.

    Imágenes ``uint8`` de ``img_size``×``img_size``×3, etiquetas ``int32`` (0 = gato,
    1 = perro). Con ``train_per_class``/``test_per_class`` se leen solo subconjuntos
    estratificados (se eligen los archivos antes de decodificar).
    """
    _check_size(img_size)
    folder, source = filtered_folder()
    train_files, train_labels = list_split(folder, "train")
    val_files, val_labels = list_split(folder, "validation")
    fingerprint = folder_fingerprint(folder)
    official = fingerprint == FILTERED_FINGERPRINT
    if train_per_class is not None:
        train_files, train_labels = stratified_files(train_files, train_labels, train_per_class, seed)
    if test_per_class is not None:
        val_files, val_labels = stratified_files(val_files, val_labels, test_per_class, seed + 1)
    x_train = read_images(train_files, img_size)
    x_val = read_images(val_files, img_size)
    detail = (f"{thousands(len(x_train))} de entrenamiento + {thousands(len(x_val))} de "
              "validación usadas como prueba, "
              f"a {img_size}×{img_size}; huella del contenido "
              + ("igual a la del subconjunto del tutorial" if official else "DISTINTA de la del tutorial"))
    runtime.register_dataset(runtime.DatasetRecord(
        "Perros y gatos (cats_and_dogs_filtered, 2\u202f000 + 1\u202f000 imágenes)", source, official, detail,
        "de contenido (SHA-256)"))
    return (x_train, train_labels), (x_val, val_labels)


def load_for_mode(img_size: int, train_per_class: int, test_per_class: int,
                  seed: int = 0) -> Arrays:
    """Todo ``cats_and_dogs_filtered`` en modo completo; subconjuntos estratificados en modo rápido."""
    if runtime.is_full():
        return load_cats_dogs(img_size, seed=seed)
    return load_cats_dogs(img_size, train_per_class, test_per_class, seed=seed)


def pet_images_files(folder: Path, validation_fraction: float = 0.2,
                     seed: int = 0) -> tuple[tuple[list[Path], np.ndarray], tuple[list[Path], np.ndarray]]:
    """El conjunto grande de Kaggle/Microsoft (``PetImages/{Cat,Dog}/*.jpg``), dividido por clase.

    Devuelve listas de archivos y etiquetas para :class:`CatsDogsDataset`. Ese conjunto trae
    algunos archivos dañados: compruébalos antes con :func:`check_files` (o lístalos con
    :func:`damaged_files`).
    """
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction debe estar entre 0 y 1 y vale {validation_fraction}.")
    folder = Path(folder)
    rng = np.random.default_rng(seed)
    train, val = ([], []), ([], [])
    for label, name in enumerate(PET_IMAGES_FOLDERS):
        sub = folder / name
        if not sub.is_dir():
            raise DataError(f"Falta la carpeta {folder.name}/{name}/ del conjunto grande. "
                            "Solución: descomprime el archivo de Kaggle/Microsoft de modo que "
                            "queden PetImages/Cat y PetImages/Dog.")
        found = sorted(p for p in sub.iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))
        if not found:
            raise DataError(f"La carpeta {folder.name}/{name}/ no tiene imágenes .jpg.")
        order = rng.permutation(len(found))
        n_val = int(round(len(found) * validation_fraction))
        for part, idx in ((val, order[:n_val]), (train, order[n_val:])):
            part[0].extend(found[i] for i in idx)
            part[1].extend([label] * len(idx))
    runtime.register_dataset(runtime.DatasetRecord(
        "Perros y gatos (PetImages, conjunto grande)", "copia local", None,
        f"{thousands(len(train[0]))} de entrenamiento + {thousands(len(val[0]))} de validación"))
    return ((train[0], np.asarray(train[1], np.int32)), (val[0], np.asarray(val[1], np.int32)))


def damaged_files(files: list[Path]) -> list[Path]:
    """Las imágenes de ``files`` que faltan o no se pueden decodificar, en su orden."""
    bad = []
    for path in files:
        try:
            read_image(path, 32)
        except DataError:
            bad.append(Path(path))
    return bad


def check_files(files: list[Path]) -> None:
    """Decodifica cada imagen una vez (a tamaño pequeño) y falla nombrando todas las dañadas."""
    bad = damaged_files(files)
    if bad:
        names = ", ".join(f"{p.parent.name}/{p.name}" for p in bad[:10])
        more = f" y {len(bad) - 10} más" if len(bad) > 10 else ""
        raise DataError(f"Hay {len(bad)} imágenes que faltan, están corruptas o no son JPEG: "
                        f"{names}{more}. Solución: bórralas (o reemplázalas por copias sanas) "
                        "y vuelve a listar los archivos.")


class CatsDogsDataset:
    """Fábrica de un :class:`keras.utils.PyDataset` que lee lotes de JPEG bajo demanda.

    Se usa como ``CatsDogsDataset(files, labels, img_size=160, batch_size=32)``; el
    resultado se pasa a ``model.fit`` en cualquier backend. Las imágenes salen en
    ``float32`` en [0, 1] y las etiquetas en ``float32`` (entropía cruzada binaria).
    """

    def __new__(cls, files: list[Path], labels: np.ndarray, img_size: int = 160,
                batch_size: int = 32, shuffle: bool = True, seed: int = 0, **kwargs):
        import keras

        _check_size(img_size)
        if len(files) != len(labels) or not len(files):
            raise ValueError(f"Hay {len(files)} archivos y {len(labels)} etiquetas: deben "
                             "coincidir y no estar vacíos.")

        class _Dataset(keras.utils.PyDataset):
            def __init__(self):
                super().__init__(**kwargs)
                self.files, self.labels = list(files), np.asarray(labels, np.float32)
                self.rng = np.random.default_rng(seed)
                self.order = np.arange(len(self.files))
                self.on_epoch_end()

            def __len__(self):
                return math.ceil(len(self.files) / batch_size)

            def __getitem__(self, index):
                idx = self.order[index * batch_size:(index + 1) * batch_size]
                x = read_images([self.files[i] for i in idx], img_size)
                return x.astype(np.float32) / 255.0, self.labels[idx]

            def on_epoch_end(self):
                if shuffle:
                    self.order = self.rng.permutation(len(self.files))

        return _Dataset()
