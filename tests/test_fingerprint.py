"""La huella del paquete: cambia con el código de cnnlab, no con sus comentarios, y deja viejas
las ejecuciones guardadas."""

import re
import shutil
import sys

import nbformat
import pytest

import bookcache
import fakeruns
from cnnlab import fingerprint

TRAINING = (bookcache.PACKAGE_ROOT / "cnnlab" / "training.py").read_text(encoding="utf-8")


def test_comments_docstrings_and_format_do_not_count():
    base = fingerprint.code_digest(TRAINING)
    assert fingerprint.code_digest(TRAINING + "\n# un comentario nuevo\n") == base
    assert fingerprint.code_digest(TRAINING.replace(
        '"""Compilar y entrenar', '"""Compila y entrena', 1)) == base
    assert fingerprint.code_digest(TRAINING.replace("    model.compile(", "    model.compile(  ", 1)) == base


def test_a_change_of_behaviour_counts():
    base = fingerprint.code_digest(TRAINING)
    assert "keras.optimizers.Adam(" in TRAINING
    assert fingerprint.code_digest(TRAINING.replace("keras.optimizers.Adam(", "keras.optimizers.SGD(")) != base
    assert fingerprint.code_digest(TRAINING.replace("exactitud", "precisión")) != base  # un mensaje impreso


def test_digest_covers_the_listed_modules(tmp_path):
    shutil.copytree(bookcache.PACKAGE_ROOT / "cnnlab", tmp_path / "cnnlab")
    modules = ["cnnlab", "cnnlab.training", "cnnlab.scratch.pooling"]
    base = fingerprint.digest(modules, tmp_path)
    assert base == fingerprint.digest(modules, bookcache.PACKAGE_ROOT)
    (tmp_path / "cnnlab" / "plots.py").write_text("x = 1\n", encoding="utf-8")  # no la usa
    assert fingerprint.digest(modules, tmp_path) == base
    (tmp_path / "cnnlab" / "scratch" / "pooling.py").unlink()
    assert fingerprint.digest(modules, tmp_path) != base


def _stored_run(tmp_path, modules):
    """Una ejecución completa del capítulo 1 guardada con la huella de ``modules``."""
    chapter = bookcache.chapters()[0]
    cache_dir = tmp_path / "cache"
    fakeruns.store_run(chapter, cache_dir, modules=modules)
    return chapter, cache_dir


def test_changing_the_optimizer_makes_the_chapter_stale(tmp_path, monkeypatch):
    chapter, cache_dir = _stored_run(tmp_path, ["cnnlab", "cnnlab.training"])
    assert bookcache.status(cache_dir)[chapter.stem] == "al día"
    package = tmp_path / "code"
    shutil.copytree(bookcache.PACKAGE_ROOT / "cnnlab", package / "cnnlab")
    monkeypatch.setattr(bookcache, "PACKAGE_ROOT", package)
    training = package / "cnnlab" / "training.py"
    training.write_text(TRAINING + "\n# solo un comentario\n", encoding="utf-8")
    assert bookcache.status(cache_dir)[chapter.stem] == "al día"
    training.write_text(TRAINING.replace("keras.optimizers.Adam(", "keras.optimizers.SGD("),
                        encoding="utf-8")
    assert bookcache.status(cache_dir)[chapter.stem] == bookcache.PACKAGE_CHANGED


def test_a_run_without_fingerprint_is_stale(tmp_path):
    chapter, cache_dir = _stored_run(tmp_path, modules=None)
    assert bookcache.status(cache_dir)[chapter.stem] == bookcache.PACKAGE_UNKNOWN


def test_build_names_the_chapters_whose_package_changed(tmp_path, monkeypatch, capsys):
    chapter, cache_dir = _stored_run(tmp_path, ["cnnlab", "cnnlab.training"])
    package = tmp_path / "code"
    shutil.copytree(bookcache.PACKAGE_ROOT / "cnnlab", package / "cnnlab")
    (package / "cnnlab" / "training.py").write_text(
        TRAINING.replace("keras.optimizers.Adam(", "keras.optimizers.SGD("), encoding="utf-8")
    monkeypatch.setattr(bookcache, "PACKAGE_ROOT", package)
    states = bookcache.status(cache_dir)
    bad = {name: state for name, state in states.items() if state != "al día"}
    bookcache.report_stale(bad)
    out = capsys.readouterr().out
    assert f"{chapter.stem}: desactualizado: cnnlab cambió" in out


def test_import_refuses_a_run_of_another_package(tmp_path):
    chapter, cache_dir = _stored_run(tmp_path, ["cnnlab", "cnnlab.training"])
    nb = bookcache.open_cache(cache_dir).get_cache_bundle(1).nb
    bookcache.check_same_package(nb, "bien.ipynb")
    code = [c for c in nb.cells if c.cell_type == "code"][-1]
    code.outputs[-1]["data"]["application/papermill.record/text/plain"] = repr("0" * 64)
    with pytest.raises(SystemExit, match="otro código de cnnlab"):
        bookcache.check_same_package(nb, "otro.ipynb")
    code.outputs = code.outputs[:1]
    with pytest.raises(SystemExit, match="no trae la huella"):
        bookcache.check_same_package(nb, "viejo.ipynb")


def test_provenance_prints_the_fingerprint_of_the_imported_modules(capsys):
    from cnnlab import runtime

    runtime.setup(seed=1)
    info = runtime.report(glue=False)
    assert "cnnlab.runtime" in info["paquete_modulos"]
    assert re.fullmatch(r"[0-9a-f]{64}", info["paquete_huella"])
    assert f"huella {info['paquete_huella'][:fingerprint.SHORT]}" in capsys.readouterr().out


def test_digest_with_another_python_is_computed_in_that_interpreter(monkeypatch):
    """El camino de otra versión de Python (un subproceso con ese intérprete) da la misma huella
    que el cálculo en este proceso: se fuerza con este mismo intérprete haciéndolo pasar por
    «otra» versión."""
    modules = ["cnnlab", "cnnlab.training"]
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    asked = []

    def which(name):
        asked.append(name)
        return sys.executable if name == f"python{here}" else None

    monkeypatch.setattr(bookcache, "PYTHON_VERSION", "0.0")  # sin el atajo de este proceso
    monkeypatch.setattr(bookcache.shutil, "which", which)
    assert bookcache.digest_with_python(here, modules) == fingerprint.digest(
        modules, bookcache.PACKAGE_ROOT)
    assert asked == [f"python{here}"]


def test_digest_with_a_missing_python_says_what_to_install():
    with pytest.raises(SystemExit, match="instala python2.1"):
        bookcache.digest_with_python("2.1", ["cnnlab"])


def test_python_version_of_an_executed_notebook():
    nb = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python", "version": "3.12.1"}})
    assert bookcache.python_version_of(nb) == "3.12"
    assert bookcache.python_version_of(nbformat.v4.new_notebook()) is None


def test_huella_finds_the_commits_whose_package_gives_that_digest(tmp_path):
    """``bookcache huella``: una huella impresa lleva a los commits del paquete que la dan."""
    import subprocess

    def commit(source: str, message: str) -> str:
        init = tmp_path / "code" / "cnnlab" / "__init__.py"
        init.parent.mkdir(parents=True, exist_ok=True)
        init.write_text(source, encoding="utf-8")
        git = ["git", "-C", str(tmp_path), "-c", "user.name=x", "-c", "user.email=x@x"]
        subprocess.run(git + ["add", "."], check=True)
        subprocess.run(git + ["commit", "-qm", message], check=True)
        return fingerprint.digest(["cnnlab"], tmp_path / "code")

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    first = commit("X = 1\n", "uno")
    second = commit("X = 2\n", "dos")
    same = commit('"""Solo cambia la explicación."""\nX = 2\n', "tres")
    assert same == second != first
    found = bookcache.commits_with_digest(second, ["cnnlab"], repo=tmp_path)
    assert [line.split()[-1] for line in found] == ["tres", "dos"]
    assert [line.split()[-1] for line in
            bookcache.commits_with_digest(first, ["cnnlab"], repo=tmp_path)] == ["uno"]
    assert bookcache.main(["huella", "zz"]) == 2
