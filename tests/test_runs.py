"""Entrenamientos publicados: un capítulo lee lo que otro ya entrenó (cnnlab.runs y bookcache)."""

import hashlib
import math
import os
import sys

import nbformat
import pytest

import bookcache
import fakeruns
from cnnlab import published_weights, runs, runtime
from cnnlab.training import Result

PROVENANCE = {"modo": "completo", "semilla": 42, "cpu": "CPU de prueba (2 núcleos)",
              "gpu": "ninguna", "backend": "tensorflow"}


def _result(epochs=4, name="versión 3"):
    history = {"loss": [2.0 - 0.1 * i for i in range(epochs)],
               "accuracy": [0.3 + 0.1 * i for i in range(epochs)],
               "val_loss": [2.1 - 0.1 * i for i in range(epochs)],
               "val_accuracy": [0.25 + 0.1 * i for i in range(epochs)]}
    return Result(name, history, history["val_loss"][-1], history["val_accuracy"][-1],
                  40.0, 1000)


@pytest.fixture
def glued(monkeypatch):
    """Lo que pegaría el capítulo, en un diccionario."""
    values = {}
    monkeypatch.setattr(runs, "glue_value", lambda name, value: values.__setitem__(name, value))
    monkeypatch.setattr(runtime, "provenance", lambda: dict(PROVENANCE, segundos=1.0))
    return values


@pytest.fixture
def book_full_run(monkeypatch, tmp_path):
    """Una ejecución completa del libro: modo completo y CNNLAB_RUNS_DIR definida."""
    monkeypatch.setenv("CNNLAB_MODE", "completo")
    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(tmp_path))
    return tmp_path


def test_a_published_run_is_read_back_the_same_and_the_read_is_recorded(glued, book_full_run):
    original = _result()
    runs.publish(original, "v3_25")
    text = glued["run_v3_25"]
    (book_full_run / "v3_25.json").write_text(text, encoding="utf-8")
    loaded = runs.load("v3_25")
    assert (loaded.name, loaded.history, loaded.test_accuracy, loaded.test_loss, loaded.seconds,
            loaded.train_images, loaded.epochs) == (
        original.name, original.history, original.test_accuracy, original.test_loss,
        original.seconds, original.train_images, 4)
    assert glued["run_leido_v3_25"] == hashlib.sha256(text.encode()).hexdigest()
    assert glued["run_leido_v3_25"] == bookcache.run_digest(text)
    assert '"procedencia"' in text and "CPU de prueba" in text


def test_outside_a_book_full_run_the_chapter_trains_its_own(glued, monkeypatch, tmp_path):
    (tmp_path / "v3_25.json").write_text(runs.to_json(_result()), encoding="utf-8")
    monkeypatch.setenv("CNNLAB_MODE", "completo")
    monkeypatch.delenv(runs.RUNS_DIR_ENV, raising=False)
    assert runs.load("v3_25") is None  # Colab o Binder en modo completo
    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("CNNLAB_MODE", "rapido")
    assert runs.load("v3_25") is None  # modo rápido: nunca lee ejecuciones completas
    assert "run_leido_v3_25" not in glued


def test_a_missing_run_in_a_book_full_run_says_which_chapter_to_run(glued, book_full_run):
    with pytest.raises(FileNotFoundError, match="Ejecuta antes el capítulo que lo entrena"):
        runs.load("v5_25")


@pytest.mark.parametrize("name", ["v3-25", "V3", "", "v3 25", 3, "../v3"])
def test_run_names_are_checked(glued, name):
    with pytest.raises(ValueError, match="minúsculas, dígitos y guiones bajos"):
        runs.publish(_result(), name)


def test_a_run_with_a_nan_accuracy_is_not_published(glued):
    broken = _result()
    broken.test_accuracy = math.nan
    with pytest.raises(ValueError, match="test_accuracy vale nan"):
        runs.publish(broken, "v3_25")
    assert glued == {}


def test_unreadable_text_says_what_it_expected():
    with pytest.raises(ValueError, match="no es el JSON que escribe cnnlab.runs.publish"):
        runs.from_json('{"name": "x"}')
    with pytest.raises(ValueError, match="no es el JSON"):
        runs.from_json("no es json")


def test_first_epochs_is_the_run_seen_after_those_epochs():
    full = _result(epochs=5)
    cut = runs.first_epochs(full, 2)
    assert cut.epochs == 2 and cut.history["accuracy"] == full.history["accuracy"][:2]
    assert cut.test_accuracy == full.history["val_accuracy"][1]
    assert cut.test_loss == full.history["val_loss"][1]
    assert cut.seconds == pytest.approx(full.seconds * 2 / 5)
    assert cut.images_per_second == pytest.approx(full.images_per_second)
    assert full.epochs == 5  # el original no cambia


@pytest.mark.parametrize("epochs, error, message", [
    (0, ValueError, "debe ser un entero positivo y vale 0"),
    (6, ValueError, "debe estar entre 1 y 5"),
    (True, TypeError, "debe ser un entero positivo y es bool"),
    (2.0, TypeError, "debe ser un entero positivo y es float")])
def test_first_epochs_rejects_impossible_counts(epochs, error, message):
    with pytest.raises(error, match=message):
        runs.first_epochs(_result(epochs=5), epochs)


def test_first_epochs_needs_the_validation_history():
    result = _result()
    del result.history["val_accuracy"]
    with pytest.raises(ValueError, match="validación en prueba"):
        runs.first_epochs(result, 2)


# ------------------------------------------------------------------ bookcache


def _store(chapter, cache_dir, glue):
    """Guarda una «ejecución completa» de ``chapter`` que pegó ``glue`` (nombre → valor)."""
    return fakeruns.store_run(chapter, cache_dir, glue=glue, name=chapter.stem)


def test_a_reader_goes_stale_when_the_run_it_read_is_published_again(tmp_path):
    producer, reader = bookcache.chapters()[:2]
    cache_dir = tmp_path / "cache"
    first = runs.to_json(_result())
    _store(producer, cache_dir, {"run_v3_25": first})
    _store(reader, cache_dir, {"run_leido_v3_25": bookcache.run_digest(first)})
    published = bookcache.published_runs(cache_dir)
    assert published == {"v3_25": (producer.stem, first)}
    assert bookcache.status(cache_dir)[reader.stem] == "al día"
    record = next(r for r in bookcache.open_cache(cache_dir).list_cache_records()
                  if r.uri == bookcache.uri(reader))
    assert record.data["runs_read"] == {"v3_25": bookcache.run_digest(first)}

    _store(producer, cache_dir, {"run_v3_25": runs.to_json(_result(epochs=5))})
    states = bookcache.status(cache_dir)
    assert states[producer.stem] == "al día"
    assert states[reader.stem] == bookcache.RUNS_CHANGED


def test_import_refuses_a_reader_of_another_run_and_accepts_the_same(tmp_path):
    producer, reader = bookcache.chapters()[:2]
    cache_dir = tmp_path / "cache"
    text = runs.to_json(_result())
    _store(producer, cache_dir, {"run_v3_25": text})
    good = _store(reader, tmp_path / "otra", {"run_leido_v3_25": bookcache.run_digest(text)})
    bookcache.check_runs_current(good, "bueno.ipynb", cache_dir)
    bad = _store(reader, tmp_path / "otra", {"run_leido_v3_25": "0" * 64})
    with pytest.raises(SystemExit, match=f"v3_25 \\({producer.stem}\\).*Importa antes"):
        bookcache.check_runs_current(bad, "malo.ipynb", cache_dir)
    missing = _store(reader, tmp_path / "otra", {"run_leido_v9_25": "0" * 64})
    with pytest.raises(SystemExit, match="v9_25 \\(nadie lo publica\\)"):
        bookcache.check_runs_current(missing, "malo.ipynb", cache_dir)


def test_a_batch_run_reads_what_earlier_chapters_of_the_batch_published(tmp_path):
    producer, other = bookcache.chapters()[:2]
    cache_dir = tmp_path / "cache"
    _store(producer, cache_dir, {"run_v3_25": runs.to_json(_result())})
    newer = _store(producer, tmp_path / "tanda", {"run_v3_25": runs.to_json(_result(epochs=5))})
    found = bookcache.published_runs(cache_dir, newer={producer.stem: newer})
    assert runs.from_json(found["v3_25"][1]).epochs == 5
    assert bookcache.published_runs(cache_dir, exclude=producer.stem) == {}
    _store(other, cache_dir, {"run_v3_25": runs.to_json(_result())})
    with pytest.raises(SystemExit, match="lo publican dos capítulos"):
        bookcache.published_runs(cache_dir)


def test_published_runs_are_read_without_jupyter_cache_and_without_writing(tmp_path, monkeypatch):
    """La máquina de GPU solo tiene sus ruedas (sin jupyter-cache): ``run --mode completo``
    lee lo publicado con sqlite3 y no toca la caché (ni la fecha de acceso del índice)."""
    producer = bookcache.chapters()[0]
    cache_dir = tmp_path / "cache"
    text = runs.to_json(_result())
    _store(producer, cache_dir, {"run_v3_25": text})
    before = (cache_dir / "global.db").read_bytes()
    monkeypatch.setitem(sys.modules, "jupyter_cache", None)  # importarlo falla
    with pytest.raises(ImportError):
        bookcache.open_cache(cache_dir)
    assert bookcache.published_runs(cache_dir) == {"v3_25": (producer.stem, text)}
    assert list(bookcache.cached_notebooks(cache_dir)) == [producer.stem]
    assert (cache_dir / "global.db").read_bytes() == before
    assert bookcache.cached_notebooks(tmp_path / "no_existe") == {}


def test_write_runs_leaves_one_json_per_run(tmp_path):
    folder = bookcache.write_runs(tmp_path / "runs", {"v3_25": ("04_x", '{"a": 1}')})
    assert [p.name for p in folder.iterdir()] == ["v3_25.json"]
    assert (folder / "v3_25.json").read_text(encoding="utf-8") == '{"a": 1}'


def test_execute_gives_the_kernel_its_folders_and_restores_the_environment(tmp_path, monkeypatch):
    """La carpeta de entrenamientos publicados que lee y la de pesos que publica."""
    names = (runs.RUNS_DIR_ENV, published_weights.WEIGHTS_OUT_ENV)
    for name in names:
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f'import os; print(os.environ.get("{names[0]}"), os.environ.get("{names[1]}"), '
        'os.environ["CNNLAB_MODE"])')])
    executed, _seconds = bookcache.execute(nb, "completo", runs_dir=tmp_path / "runs",
                                           weights_out=tmp_path / "weights")
    assert executed.cells[0].outputs[0]["text"] == \
        f"{tmp_path / 'runs'} {tmp_path / 'weights'} completo\n"
    assert not any(name in os.environ for name in names)
