"""El lote pendiente (``pendiente/``): un cambio del paquete que se publica por etapas.

Mientras el lote exista, su parche debe poder aplicarse al paquete de hoy y cada cuaderno
del lote debe ser una ejecución completa y limpia del código actual de su capítulo: si
alguien cambia el paquete o el código de un capítulo entretanto, estas pruebas lo dicen
(hay que rehacer el parche o volver a ejecutar ese capítulo en el lote) en lugar de dejar
que el cierre del lote lo descubra.
"""

import shutil
import subprocess

import nbformat
import pytest

import bookcache
from conftest import ROOT

PENDING = ROOT / "pendiente"
NOTEBOOKS = sorted(PENDING.glob("*.ipynb")) if PENDING.is_dir() else []


@pytest.mark.skipif(not PENDING.is_dir(), reason="no hay lote pendiente")
def test_the_pending_patch_still_applies():
    done = subprocess.run(["git", "apply", "--check", str(PENDING / "paquete.patch")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, ("el parche del lote ya no se aplica al paquete de hoy; "
                                  f"rehazlo: {done.stderr.strip()}")


@pytest.fixture(scope="module")
def patched_code(tmp_path_factory):
    """Una copia de ``code/`` con el parche del lote aplicado."""
    where = tmp_path_factory.mktemp("parcheado")
    shutil.copytree(ROOT / "code", where / "code",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    subprocess.run(["git", "apply", "--include=code/*", str(PENDING / "paquete.patch")],
                   cwd=where, check=True)
    return where / "code"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_pending_notebook_is_a_clean_full_run_of_todays_chapter(path, patched_code,
                                                                     monkeypatch):
    executed = nbformat.read(path, as_version=4)
    chapter = bookcache.find_chapter(executed.metadata["cnnlab"]["chapter"])
    assert chapter.stem == path.stem
    assert bookcache.check_importable(executed, path.name) > 0
    assert bookcache.full_provenance(executed)
    assert bookcache.same_programs(bookcache.read_chapter(chapter), executed), (
        f"{path.stem} cambió desde que se ejecutó en el lote: vuelve a ejecutarlo (ver "
        "pendiente/README.md) o bórralo del lote")
    # la misma comprobación que hará import al cerrar el lote, contra el paquete parcheado
    monkeypatch.setattr(bookcache, "PACKAGE_ROOT", patched_code)
    bookcache.check_same_package(executed, path.name, bookcache.python_version_of(executed))
    texts = list(bookcache.output_texts(executed))
    assert not [t for t in texts if bookcache.PRIVATE_PATH_RE.search(t)]
