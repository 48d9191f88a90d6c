"""Entorno de ejecución de un capítulo: modo, semillas, carpeta de datos, dispositivo y procedencia.

Cada capítulo empieza con :func:`setup` y termina con :func:`report`, que imprime el
bloque de procedencia (hardware, versiones, datos usados, modo, semillas, tiempo). El
bloque nunca contiene nombres de máquina, de usuario ni rutas absolutas.
"""

from __future__ import annotations

import os
import platform
import random
import textwrap
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

MODES = ("rapido", "completo", "auto")
PROVENANCE_TITLE = "Procedencia de esta ejecución"
#: Ancho máximo de lo que imprime el paquete: cabe sin desplazarse en la columna de la web.
LINE_WIDTH = 79
T = TypeVar("T")


def quiet_env() -> None:
    """Pide a TensorFlow/XLA menos registros en stderr; debe correr antes de importar Keras.

    Solo fija variables de entorno que aún no existan (``setdefault``): quien las haya
    definido conserva las suyas. No toca filtros de avisos de Python (eso lo hace
    :func:`quiet_logs`, que llama :func:`setup` al empezar un capítulo).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")


def quiet_logs() -> None:
    """Silencia, para la ejecución del capítulo, los avisos que no aportan nada al lector.

    Lo llama :func:`setup`; importar ``cnnlab`` no instala filtros de avisos.
    """
    import logging
    import warnings

    quiet_env()
    # TensorFlow avisa en stderr («retracing») cuando un capítulo crea varias redes seguidas.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)

    # Avisos de bibliotecas que imprimen rutas de archivo y no aportan nada al lector.
    for module in ("keras", "jax", "absl", "tensorflow", "google"):
        warnings.filterwarnings("ignore", module=module)
    warnings.filterwarnings("ignore", message=".*int64.*")


def get_mode() -> str:
    """Devuelve el modo efectivo, ``'rapido'`` o ``'completo'``, según ``CNNLAB_MODE``.

    ``auto`` (valor por omisión) significa completo si hay una GPU y rápido si no.
    """
    value = os.environ.get("CNNLAB_MODE", "").strip().lower() or "auto"  # vacía = auto
    value = {"rápido": "rapido", "quick": "rapido", "full": "completo"}.get(value, value)
    if value not in MODES:
        raise ValueError(
            f"CNNLAB_MODE={value!r} no es válido. Usa uno de {', '.join(MODES)} "
            "(por ejemplo: export CNNLAB_MODE=rapido)."
        )
    if value == "auto":
        return "completo" if gpu_name() else "rapido"
    return value


def is_full() -> bool:
    """``True`` si el capítulo se ejecuta en modo completo.

    El modo se fija una vez, en :func:`setup`: cambiar ``CNNLAB_MODE`` a mitad de un
    capítulo no cambia lo que elige :func:`pick`.
    """
    mode = _SESSION.mode if _SESSION is not None else get_mode()
    return mode == "completo"


def pick(completo: T, rapido: T) -> T:
    """Elige un valor según el modo: ``pick(completo=25, rapido=2)``."""
    return completo if is_full() else rapido


def data_dir() -> Path | None:
    """Carpeta local de datos (``CNNLAB_DATA_DIR``) o ``None`` si no está definida."""
    value = os.environ.get("CNNLAB_DATA_DIR", "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise FileNotFoundError(
            f"CNNLAB_DATA_DIR apunta a una carpeta que no existe ({path.name!r}). "
            "Corrige la variable o prepara los datos con: python -m cnnlab.prepare ORIGEN CARPETA"
        )
    return path


def set_seeds(seed: int) -> None:
    """Fija las semillas de Python, NumPy y Keras (y con ello del backend)."""
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    import keras

    keras.utils.set_random_seed(seed)


def cpu_name() -> str:
    """Modelo del procesador (sin nombre de máquina)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_cores() -> int:
    """Núcleos de CPU que puede usar este proceso (no los de la máquina entera)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS y Windows
        return os.cpu_count() or 1


@functools.cache
def gpu_name() -> str | None:
    """El acelerador que usa de verdad el backend activo de Keras, o ``None`` si calcula en CPU.

    Pregunta al backend (TensorFlow, JAX o PyTorch), no al sistema: una GPU que el backend no
    ve (por ejemplo con ``tensorflow-cpu``) no cuenta. Se consulta una sola vez por proceso.
    """
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            if not gpus:
                return None
            details = tf.config.experimental.get_device_details(gpus[0])
            return str(details.get("device_name") or gpus[0].name)
        if backend == "jax":
            import jax

            devices = [d for d in jax.devices() if d.platform != "cpu"]
            return str(devices[0].device_kind) if devices else None
        if backend == "torch":
            import torch

            return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except Exception:  # noqa: BLE001 - sin información del backend, no afirmamos que hay GPU
        return None
    return None


@dataclass
class DatasetRecord:
    """Qué datos usó el capítulo y de dónde salieron."""

    name: str
    source: str
    official: bool | None
    detail: str = ""
    checksum: str = "md5"

    def describe(self) -> str:
        status = {True: "oficial", False: "copia no oficial", None: "sin verificar"}[self.official]
        text = f"{self.name}: {self.source}; suma {self.checksum} {status}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass
class Session:
    """Estado de la ejecución de un capítulo."""

    seed: int
    mode: str
    started: float = field(default_factory=time.perf_counter)
    datasets: dict[str, DatasetRecord] = field(default_factory=dict)


_SESSION: Session | None = None


def setup(seed: int = 42) -> Session:
    """Prepara el capítulo: silencia registros, fija semillas e informa del modo."""
    global _SESSION
    quiet_logs()
    mode = get_mode()
    set_seeds(seed)
    _configure_matplotlib()
    _SESSION = Session(seed=seed, mode=mode)
    detail = ("los tamaños de la ejecución publicada" if mode == "completo"
              else "subconjuntos y pocas épocas: las cifras no serán las del texto")
    print(f"Modo {mode} ({detail})\nSemilla {seed} · backend {_backend()}")
    return _SESSION


def session() -> Session:
    """La sesión actual; crea una con valores por omisión si el capítulo no llamó a :func:`setup`."""
    return _SESSION if _SESSION is not None else setup()


def register_dataset(record: DatasetRecord) -> None:
    """Anota en la procedencia un conjunto de datos usado (lo llaman los cargadores)."""
    if _SESSION is not None:
        _SESSION.datasets[record.name] = record


def _backend() -> str:
    import keras

    return keras.backend.backend()


def _configure_matplotlib() -> None:
    import matplotlib

    matplotlib.rcParams.update({"figure.dpi": 150, "savefig.dpi": 150, "figure.figsize": (7, 3.6)})


def _versions() -> dict[str, str]:
    import keras
    import numpy as np

    versions = {"Python": platform.python_version(), "NumPy": np.__version__,
                "Keras": keras.__version__}
    backend = keras.backend.backend()
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend)
    if module:
        try:
            versions[backend] = __import__(module).__version__
        except ImportError:  # pragma: no cover - el backend siempre está instalado
            pass
    return versions


def provenance() -> dict[str, Any]:
    """La procedencia de la ejecución como diccionario (lo que imprime :func:`report`)."""
    from cnnlab import fingerprint

    s = session()
    versions = _versions()
    modules = fingerprint.imported_modules()
    return {
        "modo": s.mode,
        "semilla": s.seed,
        "cpu": f"{cpu_name()} ({cpu_cores()} núcleos)",
        "gpu": gpu_name() or "ninguna",
        "backend": _backend(),
        "versiones": versions,
        "datos": [d.describe() for d in s.datasets.values()],
        "datos_oficiales": all(d.official for d in s.datasets.values()) if s.datasets else None,
        "segundos": round(time.perf_counter() - s.started, 1),
        "paquete_modulos": modules,
        "paquete_huella": fingerprint.digest(modules),
    }


def report(glue: bool = True) -> dict[str, Any]:
    """Imprime el bloque de procedencia y, si ``glue``, lo pega (myst-nb) para otras páginas."""
    from cnnlab.fingerprint import SHORT

    info = provenance()
    lines = [
        f"{PROVENANCE_TITLE}",
        f"  Modo:        {info['modo']}",
        f"  Semilla:     {info['semilla']}",
        f"  CPU:         {info['cpu']}",
        f"  GPU:         {info['gpu']}",
        f"  Backend:     {info['backend']}",
        "  Versiones:   " + ", ".join(f"{k} {v}" for k, v in info["versiones"].items()),
        f"  Paquete:     cnnlab, huella {info['paquete_huella'][:SHORT]} "
        f"({len(info['paquete_modulos'])} módulos)",
    ]
    for i, item in enumerate(info["datos"] or ["ninguno"]):
        head = "  Datos:       " if i == 0 else " " * 15
        lines += textwrap.wrap(item, LINE_WIDTH, initial_indent=head,
                               subsequent_indent=" " * 17, break_on_hyphens=False)
    minutes, seconds = divmod(info["segundos"], 60)
    lines.append(f"  Tiempo:      {int(minutes)} min {seconds:.1f} s")
    print("\n".join(lines))
    if glue:
        from cnnlab.glue import glue_value

        glue_value("prov_modo", info["modo"])
        glue_value("prov_gpu", info["gpu"])
        glue_value("prov_cpu", info["cpu"])
        glue_value("prov_minutos", round(info["segundos"] / 60, 1))
        glue_value("prov_paquete_huella", info["paquete_huella"])
        glue_value("prov_paquete_modulos", info["paquete_modulos"])
    return info
