"""Entrenamientos publicados: un capítulo reutiliza lo que otro ya entrenó.

Varios capítulos entrenan la misma receta que otro ya entrenó en su ejecución completa (el
capítulo de comparación, por ejemplo, vuelve a necesitar las versiones 1 a 5). En lugar de
pagar ese entrenamiento dos veces:

* el capítulo que entrena **publica** el resultado con :func:`publish`: la historia y las
  métricas quedan pegadas (sin mostrarse) en las salidas de su ejecución, dentro de la caché
  del libro, junto a su bloque de procedencia;
* el capítulo que solo compara lo **lee** con :func:`load`. Solo lo encuentra en una
  ejecución completa hecha por la herramienta de la caché (``tools/bookcache.py``), que le
  deja los entrenamientos publicados en la carpeta ``CNNLAB_RUNS_DIR`` y anota cuáles leyó:
  si el capítulo que los publicó se vuelve a ejecutar, el que los leyó queda desactualizado.

Fuera de esa ejecución (modo rápido, Colab, Binder) :func:`load` devuelve ``None`` y el
capítulo entrena su propia versión, como siempre.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from pathlib import Path
from typing import Any

from cnnlab import runtime
from cnnlab.glue import glue_value
from cnnlab.training import Result
from cnnlab.validation import positive_int

#: Variable de entorno con la carpeta de entrenamientos publicados (la define bookcache).
RUNS_DIR_ENV = "CNNLAB_RUNS_DIR"
#: Prefijo del valor pegado con un entrenamiento publicado (``run_v3_25``).
GLUE_PREFIX = "run_"
#: Prefijo del valor pegado que anota un entrenamiento leído y su huella (``run_leido_v3_25``).
READ_PREFIX = "run_leido_"

_NAME_RE = re.compile(r"[a-z0-9_]+")


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise ValueError(f"El nombre de un entrenamiento publicado debe usar solo minúsculas, "
                         f"dígitos y guiones bajos (por ejemplo 'v3_25'); se recibió {name!r}.")


def to_json(result: Result) -> str:
    """El resultado como texto JSON estable (claves ordenadas), con la procedencia de la
    ejecución que lo entrenó (modo, semilla, CPU, GPU y backend)."""
    data: dict[str, Any] = {
        "name": result.name,
        "history": result.history,
        "test_loss": result.test_loss,
        "test_accuracy": result.test_accuracy,
        "seconds": result.seconds,
        "train_images": result.train_images,
    }
    info = runtime.provenance()
    data["procedencia"] = {key: info[key] for key in ("modo", "semilla", "cpu", "gpu", "backend")}
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def from_json(text: str) -> Result:
    """El :class:`~cnnlab.training.Result` guardado por :func:`to_json`."""
    try:
        data = json.loads(text)
        return Result(data["name"], {k: [float(v) for v in vals] for k, vals in data["history"].items()},
                      float(data["test_loss"]), float(data["test_accuracy"]),
                      float(data["seconds"]), int(data["train_images"]))
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"El entrenamiento publicado no se puede leer ({err!r}): no es el JSON "
                         "que escribe cnnlab.runs.publish.") from err


def digest(text: str) -> str:
    """Huella (SHA-256) del texto de un entrenamiento publicado."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_epochs(result: Result, epochs: int) -> Result:
    """El mismo entrenamiento visto tras sus primeras ``epochs`` épocas.

    Vale porque la validación de ``training.train`` usa el conjunto de prueba: la exactitud y
    la pérdida de prueba tras la época ``epochs`` son las de validación de esa época. Los
    segundos se prorratean por época (la evaluación final no se cuenta).
    """
    epochs = positive_int("epochs", epochs, "las primeras épocas que se conservan")
    if epochs > result.epochs:
        raise ValueError(f"epochs debe estar entre 1 y {result.epochs} (las épocas de "
                         f"{result.name!r}) y vale {epochs}.")
    for key in ("val_loss", "val_accuracy"):
        if key not in result.history:
            raise ValueError(f"{result.name!r} no tiene {key!r} en su historia: hace falta la "
                             "validación en prueba de cada época para cortarlo.")
    history = {k: list(v[:epochs]) for k, v in result.history.items()}
    return Result(result.name, history, history["val_loss"][-1], history["val_accuracy"][-1],
                  result.seconds * epochs / result.epochs, result.train_images)


def publish(result: Result, name: str) -> None:
    """Pega ``result`` (sin mostrarlo) para que otros capítulos lo lean con :func:`load`."""
    _check_name(name)
    for key in ("test_accuracy", "test_loss", "seconds"):
        value = getattr(result, key)
        if not math.isfinite(value):
            raise ValueError(f"No se publica {name!r}: su {key} vale {value}.")
    glue_value(GLUE_PREFIX + name, to_json(result))


def folder() -> Path | None:
    """La carpeta de entrenamientos publicados, o ``None`` fuera de una ejecución del libro."""
    value = os.environ.get(RUNS_DIR_ENV, "").strip()
    return Path(value) if value else None


def load(name: str) -> Result | None:
    """El entrenamiento publicado ``name``, o ``None`` si el capítulo debe entrenarlo él mismo.

    Devuelve ``None`` en modo rápido y fuera de una ejecución completa del libro (sin
    ``CNNLAB_RUNS_DIR``). Dentro de ella, que falte es un error: el capítulo que lo publica
    tiene que estar ejecutado y al día.
    """
    _check_name(name)
    where = folder()
    if where is None or not runtime.is_full():
        return None
    path = where / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"No está el entrenamiento publicado {name!r} en {RUNS_DIR_ENV} "
                                "(ninguna ejecución al día de la caché lo publicó). Ejecuta "
                                "antes el capítulo que lo entrena, con tools/bookcache.py "
                                "execute, o quita la variable para entrenarlo aquí.")
    text = path.read_text(encoding="utf-8")
    result = from_json(text)
    glue_value(READ_PREFIX + name, digest(text))
    return result
