"""Configuración común de las pruebas."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))  # bookcache: herramientas de autoría
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture
def no_data_dir(monkeypatch):
    """Sin CNNLAB_DATA_DIR: obliga a los cargadores a intentar la descarga."""
    monkeypatch.delenv("CNNLAB_DATA_DIR", raising=False)


@pytest.fixture
def rapido(monkeypatch):
    monkeypatch.setenv("CNNLAB_MODE", "rapido")


@pytest.fixture
def completo(monkeypatch):
    monkeypatch.setenv("CNNLAB_MODE", "completo")


@pytest.fixture(autouse=True)
def fresh_runtime_session(monkeypatch):
    """Cada prueba empieza sin sesión: el modo que fijó el setup() de otra prueba no cuenta."""
    from cnnlab import runtime

    monkeypatch.setattr(runtime, "_SESSION", None)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """La web construida una sola vez desde la caché (la usan test_book y test_html)."""
    import bookcache

    out = tmp_path_factory.mktemp("web")
    assert bookcache.build(out) == 0
    return out / "_build" / "html"
