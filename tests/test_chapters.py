"""Cada capítulo se ejecuta de principio a fin en modo rápido, sin tocar la caché versionada."""

import hashlib
import re

import pytest

import bookcache
from cnnlab.claims import FAILED

CHAPTERS = bookcache.all_notebooks()
PRIVATE = bookcache.PRIVATE_PATH_RE
ECHO = bookcache.OBJECT_ECHO_RE
#: Los backends de Keras con que corre cada capítulo: TensorFlow (Colab, Binder) y JAX (la GPU).
BACKENDS = ["tensorflow", "jax"]
#: Afirmaciones que en modo rápido con JAX no se cumplen hoy (comienzo del texto), por
#: capítulo. Con tan pocos datos (11: 32 fotos de entrenamiento y 16 de prueba, y la cabeza
#: recibe un solo paso de Adam) decide el ruido: en TensorFlow se cumple y en JAX no. Se
#: tolera esta y solo esta; cualquier otra que falle hace fallar la prueba. Crecer no basta:
#: con 128 fotos de entrenamiento y 64 de prueba (4 pasos de Adam) la cabeza sigue cerca del
#: azar en los dos backends (a 64×64 aprende despacio) y el 11 tarda 49 s en TensorFlow, por
#: encima de los 45 s del modo rápido.
JAX_QUICK_FAILURES = {
    "11_transfer_learning": ("con el mismo presupuesto de épocas, la red preentrenada",),
}


def cache_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(bookcache.CACHE_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(bookcache.ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.mark.notebooks
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_runs_in_quick_mode(chapter, backend, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", backend)  # el núcleo hereda el entorno
    before = cache_fingerprint()
    executed, _seconds = bookcache.execute(bookcache.read_chapter(chapter), "rapido")
    assert cache_fingerprint() == before, "una ejecución rápida modificó cache/"
    texts = list(bookcache.output_texts(executed))
    assert any(re.search(r"Procedencia de esta ejecución\s*\n\s*Modo:\s+rapido", t) for t in texts)
    assert any(f"backend {backend}" in t for t in texts), f"el capítulo no corrió con {backend}"
    assert not bookcache.full_provenance(executed)
    for cell in executed.cells:
        for out in cell.get("outputs", []):
            assert out.get("name") != "stderr", f"salida en stderr: {out.get('text', '')[:300]}"
            assert out.get("output_type") != "error"
    failed = [line for t in texts for line in t.splitlines() if line.startswith(FAILED)
              and not line.startswith(f"{FAILED} todo")]
    if backend == "jax":
        tolerated = JAX_QUICK_FAILURES.get(chapter.stem, ())
        failed = [line for line in failed
                  if not any(line.startswith(f"{FAILED}: {t}") for t in tolerated)]
    assert not failed, f"afirmaciones del capítulo que no se cumplen en modo rápido: {failed}"
    leaks = [t[:200] for t in texts if PRIVATE.search(t)]
    assert not leaks, f"rutas absolutas en las salidas: {leaks}"
    echoes = [t[:120] for t in texts if ECHO.search(t)]
    assert not echoes, f"ecos de objetos bajo una celda (termínala con fig.tight_layout()): {echoes}"
