"""MNIST: cargarlo y reconocer si sus píxeles y etiquetas son los oficiales.

Busca primero ``mnist.npz`` en ``CNNLAB_DATA_DIR`` y, si no la hay, descarga el archivo
oficial con :func:`keras.utils.get_file`, que comprueba su suma SHA-256. Después juzga el
**contenido**, no los bytes del archivo: calcula la huella SHA-256 de las cuatro matrices
(imágenes y etiquetas de entrenamiento y de prueba, con sus formas) y la compara con la de
las oficiales. Así, un ``mnist.npz`` guardado de nuevo (otra compresión, otro orden de las
claves) con los mismos píxeles y etiquetas cuenta como «oficial», y uno con un solo píxel
cambiado, no. Es el mismo criterio que sigue :mod:`cnnlab.catsdogs` con sus fotos.
"""

from __future__ import annotations

import hashlib

import numpy as np

from cnnlab import runtime
from cnnlab.data import MNIST_SHA256, MNIST_URL, Arrays, _download, read_mnist_npz

#: Huella de :func:`content_digest` para el MNIST que distribuye Keras (60 000 + 10 000).
#: Calculada sobre una copia con sus píxeles y etiquetas; coincide además con las cifras que
#: se publican del conjunto: media de los píxeles de entrenamiento 33.3184 y desviación
#: estándar 78.5675 (0.1307 y 0.3081 en [0, 1]), 5923 ceros y 6742 unos en entrenamiento,
#: primeras etiquetas 5, 0, 4, 1, 9.
CONTENT_SHA256 = "058b7d3060d4152d0b15456348837b1a0994d641f5b806b94e6fea873889eebd"


def content_digest(arrays: Arrays) -> str:
    """Huella SHA-256 del contenido: forma y valores de cada matriz, en orden.

    Las imágenes cuentan como enteros de 8 bits y las etiquetas como enteros de 32 bits, así
    que no importa cómo las guardó el archivo, solo sus valores.
    """
    (x_train, y_train), (x_test, y_test) = arrays
    digest = hashlib.sha256()
    for values, dtype in ((x_train, np.uint8), (y_train, np.int32),
                          (x_test, np.uint8), (y_test, np.int32)):
        values = np.asarray(values)
        if not np.array_equal(values, values.astype(dtype)):
            raise ValueError(f"content_digest espera píxeles de 0 a 255 y etiquetas enteras; "
                             f"llegó una matriz {values.dtype} que no cabe en {np.dtype(dtype)}.")
        digest.update(f"{values.shape}\n".encode())
        digest.update(np.ascontiguousarray(values, dtype=dtype).tobytes())
    return digest.hexdigest()


def load_data() -> Arrays:
    """MNIST como ``keras.datasets.mnist.load_data()``: imágenes ``uint8`` de 28×28 y
    etiquetas ``int32``, en ``(x_train, y_train), (x_test, y_test)``.

    Anota en la procedencia de dónde salió y si su contenido es el oficial.
    """
    local = runtime.data_dir()
    if local is not None:
        path, source = local / "mnist.npz", "copia local en CNNLAB_DATA_DIR"
    else:
        path = _download("mnist.npz", MNIST_URL, MNIST_SHA256, False, "MNIST")
        source = "descarga oficial (keras.utils.get_file)"
    arrays = read_mnist_npz(path)
    official = content_digest(arrays) == CONTENT_SHA256
    detail = ("mismos píxeles y etiquetas que el de Keras" if official
              else "píxeles o etiquetas DISTINTOS de los del MNIST de Keras")
    runtime.register_dataset(runtime.DatasetRecord("MNIST", source, official, detail,
                                                   "de contenido (SHA-256)"))
    return arrays
