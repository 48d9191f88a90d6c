"""cnnlab.runtime: modo, carpeta de datos, semillas y bloque de procedencia."""

import getpass
import re
import subprocess
import sys
import socket

import numpy as np
import pytest

from cnnlab import runtime


@pytest.mark.parametrize("value, expected", [("rapido", "rapido"), ("rápido", "rapido"),
                                             ("completo", "completo"), ("COMPLETO", "completo")])
def test_mode_from_environment(monkeypatch, value, expected):
    monkeypatch.setenv("CNNLAB_MODE", value)
    assert runtime.get_mode() == expected


@pytest.mark.parametrize("value", ["", "  "])
def test_empty_mode_means_auto(monkeypatch, value):
    monkeypatch.setenv("CNNLAB_MODE", value)
    monkeypatch.setattr(runtime, "gpu_name", lambda: None)
    assert runtime.get_mode() == "rapido"
    monkeypatch.setattr(runtime, "gpu_name", lambda: "NVIDIA H100")
    assert runtime.get_mode() == "completo"


def test_auto_mode_follows_gpu(monkeypatch):
    monkeypatch.setenv("CNNLAB_MODE", "auto")
    monkeypatch.setattr(runtime, "gpu_name", lambda: None)
    assert runtime.get_mode() == "rapido"
    monkeypatch.setattr(runtime, "gpu_name", lambda: "NVIDIA H100")
    assert runtime.get_mode() == "completo"


def test_invalid_mode_is_a_spanish_error(monkeypatch):
    monkeypatch.setenv("CNNLAB_MODE", "turbo")
    with pytest.raises(ValueError, match="CNNLAB_MODE='turbo' no es válido"):
        runtime.get_mode()


def test_pick_depends_on_mode(monkeypatch):
    monkeypatch.setenv("CNNLAB_MODE", "completo")
    assert runtime.pick(completo=25, rapido=2) == 25
    monkeypatch.setenv("CNNLAB_MODE", "rapido")
    assert runtime.pick(completo=25, rapido=2) == 2


def test_data_dir_missing_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path / "no-existe"))
    with pytest.raises(FileNotFoundError, match="CNNLAB_DATA_DIR apunta a una carpeta que no existe"):
        runtime.data_dir()
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    assert runtime.data_dir() == tmp_path


def test_seeds_make_numpy_repeatable():
    runtime.set_seeds(7)
    a = np.random.rand(3)
    runtime.set_seeds(7)
    assert np.array_equal(a, np.random.rand(3))


def test_report_has_mode_data_and_no_private_names(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("CNNLAB_MODE", "rapido")
    runtime.setup(seed=3)
    runtime.register_dataset(runtime.DatasetRecord("CIFAR-10", "copia local", False, "prueba"))
    info = runtime.report(glue=False)
    text = capsys.readouterr().out
    assert runtime.PROVENANCE_TITLE in text
    assert "Modo:        rapido" in text
    assert "CIFAR-10: copia local; suma md5 copia no oficial (prueba)" in text
    assert info["semilla"] == 3 and info["datos_oficiales"] is False
    for private in {getpass.getuser(), socket.gethostname()} - {"root", ""}:
        assert re.search(rf"(?<!\w){re.escape(private)}(?!\w)", text) is None
    assert str(tmp_path) not in text
    assert "/home/" not in text and "/root" not in text


def test_mode_is_fixed_at_setup(monkeypatch):
    monkeypatch.setenv("CNNLAB_MODE", "rapido")
    runtime.setup(seed=1)
    monkeypatch.setenv("CNNLAB_MODE", "completo")  # a mitad del capítulo: no cambia nada
    assert runtime.is_full() is False
    assert runtime.pick(completo=25, rapido=3) == 3


def test_gpu_comes_from_the_backend_not_from_nvidia_smi(monkeypatch):
    import keras

    runtime.gpu_name.cache_clear()
    # Un nvidia-smi que dice que hay una GPU: no debe bastar si el backend no la ve.
    import subprocess

    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(
        a, 0, stdout="NVIDIA H100\n", stderr=""))
    expected = None
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        expected = tf.config.list_physical_devices("GPU") or None
    assert (runtime.gpu_name() is None) == (expected is None)
    runtime.gpu_name.cache_clear()


def test_provenance_names_the_cores():
    runtime.setup(seed=1)
    assert f"({runtime.cpu_cores()} núcleos)" in runtime.provenance()["cpu"]


def test_long_data_lines_are_wrapped(capsys):
    runtime.setup(seed=1)
    runtime.register_dataset(runtime.DatasetRecord(
        "CIFAR-10", "copia local en JPEG de los archivos de la clase " * 3, False, "prueba"))
    runtime.report(glue=False)
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= runtime.LINE_WIDTH
    assert any("copia no oficial" in line for line in lines)


def test_importing_cnnlab_installs_no_warning_filters_but_setup_does():
    code = ("import keras, warnings; n = len(warnings.filters); import cnnlab.training; "
            "from cnnlab import runtime; a = len(warnings.filters); runtime.setup(); "
            "print(a - n, len(warnings.filters) - a > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, "CNNLAB_MODE": "rapido"})
    assert out.stdout.split()[-2:] == ["0", "True"], out.stderr[-500:]
