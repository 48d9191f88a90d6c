"""Pesos publicados: un capítulo usa la red que otro ya entrenó, no solo su historia.

Complementa a :mod:`cnnlab.runs`, que publica la historia y las métricas de un
entrenamiento. Cuando un capítulo necesita la red entrenada misma (el capítulo de filtros
mira dentro de la versión 5 del capítulo de dropout):

* el capítulo que entrena llama a :func:`publish`: en una ejecución completa del libro guarda
  los pesos en un archivo ``.npz`` de la carpeta ``CNNLAB_WEIGHTS_OUT`` (la herramienta de la
  caché lo guarda en ``cache/weights/``) y publica, con el mecanismo de :mod:`cnnlab.runs`,
  una descripción del archivo con su huella (SHA-256) y las formas de los pesos;
* el capítulo que la reutiliza llama a :func:`load`: comprueba la huella y las formas, carga
  los pesos en su propio modelo (la misma arquitectura) y anota qué descripción leyó. Si el
  capítulo que los publicó se vuelve a ejecutar, el que los leyó queda desactualizado, igual
  que con los entrenamientos.

Fuera de una ejecución completa del libro (modo rápido, Colab, Binder) :func:`publish` no
hace nada y :func:`load` devuelve ``False``: el capítulo entrena su propia red.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np

from cnnlab import runs, runtime
from cnnlab.data import file_digest
from cnnlab.glue import glue_value

#: Variable de entorno con la carpeta donde :func:`publish` deja los pesos (la define bookcache).
WEIGHTS_OUT_ENV = "CNNLAB_WEIGHTS_OUT"
#: Prefijo del nombre con que se publica la descripción de unos pesos (``pesos_escalera_v5``).
PREFIX = "pesos_"


def publish(model: keras.Model, name: str) -> Path | None:
    """Guarda los pesos de ``model`` para que otro capítulo los lea con :func:`load`.

    Solo actúa en una ejecución completa del libro (``CNNLAB_WEIGHTS_OUT`` definida y modo
    completo); entonces devuelve la ruta del archivo. En cualquier otro caso devuelve ``None``.
    """
    runs._check_name(name)  # las mismas reglas de nombre que los entrenamientos
    out = os.environ.get(WEIGHTS_OUT_ENV, "").strip()
    if not out or not runtime.is_full():
        return None
    arrays = [np.asarray(w) for w in model.get_weights()]
    for i, array in enumerate(arrays):
        if not np.all(np.isfinite(array)):
            raise ValueError(f"No se publican los pesos {name!r}: el peso {i} de {model.name} "
                             "tiene valores no finitos (NaN o infinito).")
    path = Path(out) / f"{PREFIX}{name}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, *arrays)
    description = {"archivo": path.name, "sha256": file_digest(path, "sha256"),
                   "modelo": model.name, "formas": [list(a.shape) for a in arrays]}
    glue_value(runs.GLUE_PREFIX + PREFIX + name, json.dumps(description, sort_keys=True))
    return path


def load(model: keras.Model, name: str) -> bool:
    """Carga en ``model`` los pesos publicados ``name``; ``False`` si el capítulo debe entrenar.

    Devuelve ``False`` en modo rápido y fuera de una ejecución completa del libro (sin
    ``CNNLAB_RUNS_DIR``). Dentro de ella, que falten, que el archivo no sea el publicado o que
    sus formas no encajen en ``model`` son errores que dicen qué pasó.
    """
    runs._check_name(name)  # las mismas reglas de nombre que los entrenamientos
    where = runs.folder()
    if where is None or not runtime.is_full():
        return False
    described = where / f"{PREFIX}{name}.json"
    if not described.is_file():
        raise FileNotFoundError(f"No están los pesos publicados {name!r} en {runs.RUNS_DIR_ENV} "
                                "(ninguna ejecución al día de la caché los publicó). Ejecuta "
                                "antes el capítulo que los entrena, con tools/bookcache.py "
                                "execute, o quita la variable para entrenar aquí.")
    text = described.read_text(encoding="utf-8")
    try:
        description = json.loads(text)
        path = where / description["archivo"]
        expected_digest, expected_shapes = description["sha256"], description["formas"]
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"La descripción de los pesos {name!r} no se puede leer ({err!r}): no "
                         "es la que escribe cnnlab.published_weights.publish.") from err
    if not path.is_file():
        raise FileNotFoundError(f"Falta el archivo de los pesos publicados {name!r} "
                                f"({path.name}); vuelve a ejecutar el capítulo que los publica.")
    if file_digest(path, "sha256") != expected_digest:
        raise ValueError(f"El archivo {path.name} no es el que se publicó (su huella SHA-256 no "
                         "coincide): vuelve a ejecutar el capítulo que lo publica.")
    with np.load(path) as stored:
        arrays = [stored[f"arr_{i}"] for i in range(len(stored.files))]
    ours = [list(w.shape) for w in model.weights]
    if ours != expected_shapes or [list(a.shape) for a in arrays] != expected_shapes:
        raise ValueError(f"Los pesos publicados {name!r} no encajan en {model.name}: se "
                         f"publicaron {len(expected_shapes)} pesos con formas {expected_shapes} "
                         f"y el modelo tiene {len(ours)} con formas {ours}. Construye la misma "
                         "arquitectura que el capítulo que los publicó.")
    model.set_weights(arrays)
    glue_value(runs.READ_PREFIX + PREFIX + name, runs.digest(text))
    return True
