"""Pesos publicados: un capítulo carga la red que otro entrenó (cnnlab.published_weights y bookcache)."""

import json

import keras
import numpy as np
import pytest

import bookcache
import fakeruns
from cnnlab import published_weights, runs


def _model(units=3, seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((4,))
    x = keras.layers.Dense(units)(inputs)
    x = keras.layers.BatchNormalization()(x)
    return keras.Model(inputs, keras.layers.Dense(2)(x), name="pequeña")


@pytest.fixture
def glued(monkeypatch):
    values = {}
    monkeypatch.setattr(published_weights, "glue_value",
                        lambda name, value: values.__setitem__(name, value))
    return values


@pytest.fixture
def book_full_run(monkeypatch, tmp_path):
    """Una ejecución completa del libro: modo completo, carpeta de lectura y de escritura."""
    monkeypatch.setenv("CNNLAB_MODE", "completo")
    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(tmp_path / "runs"))
    monkeypatch.setenv(published_weights.WEIGHTS_OUT_ENV, str(tmp_path / "out"))
    (tmp_path / "runs").mkdir()
    return tmp_path


def _publish_and_serve(model, glued, where):
    """Publica ``model`` y deja la descripción y el archivo donde los pone bookcache."""
    path = published_weights.publish(model, "red")
    text = glued["run_pesos_red"]
    bookcache.write_runs(where / "runs", {"pesos_red": ("07_x", text)},
                         weights_sources=(path.parent,))
    return text


def test_published_weights_load_into_a_fresh_model_and_the_read_is_recorded(glued, book_full_run):
    trained = _model(seed=1)
    text = _publish_and_serve(trained, glued, book_full_run)
    description = json.loads(text)
    assert description["archivo"] == "pesos_red.npz"
    assert description["formas"] == [list(w.shape) for w in trained.weights]
    fresh = _model(seed=2)
    assert not np.allclose(fresh.get_weights()[0], trained.get_weights()[0])
    assert published_weights.load(fresh, "red") is True
    for ours, theirs in zip(fresh.get_weights(), trained.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    assert glued["run_leido_pesos_red"] == runs.digest(text) == bookcache.run_digest(text)


def test_outside_a_book_full_run_nothing_is_written_or_read(glued, monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLAB_MODE", "rapido")
    monkeypatch.setenv(published_weights.WEIGHTS_OUT_ENV, str(tmp_path))
    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(tmp_path))
    assert published_weights.publish(_model(), "red") is None
    assert published_weights.load(_model(), "red") is False
    monkeypatch.setenv("CNNLAB_MODE", "completo")
    monkeypatch.delenv(published_weights.WEIGHTS_OUT_ENV)
    monkeypatch.delenv(runs.RUNS_DIR_ENV)
    assert published_weights.publish(_model(), "red") is None
    assert published_weights.load(_model(), "red") is False
    assert list(tmp_path.iterdir()) == [] and glued == {}


def test_a_tampered_file_is_refused(glued, book_full_run):
    _publish_and_serve(_model(), glued, book_full_run)
    served = book_full_run / "runs" / "pesos_red.npz"
    np.savez(served, np.zeros(1))
    with pytest.raises(ValueError, match="no es el que se publicó"):
        published_weights.load(_model(), "red")
    served.unlink()
    with pytest.raises(FileNotFoundError, match="Falta el archivo"):
        published_weights.load(_model(), "red")


def test_another_architecture_is_refused_with_both_shapes(glued, book_full_run):
    _publish_and_serve(_model(units=3), glued, book_full_run)
    with pytest.raises(ValueError, match="no encajan en pequeña"):
        published_weights.load(_model(units=5), "red")


def test_missing_weights_in_a_book_full_run_say_what_to_run(glued, book_full_run):
    with pytest.raises(FileNotFoundError, match="Ejecuta antes el capítulo que los entrena"):
        published_weights.load(_model(), "nada")


def test_non_finite_weights_are_not_published(glued, book_full_run):
    model = _model()
    weights = model.get_weights()
    weights[0][0, 0] = np.nan
    model.set_weights(weights)
    with pytest.raises(ValueError, match="no finitos"):
        published_weights.publish(model, "red")


@pytest.mark.parametrize("name", ["Red", "red-5", "", "red/5"])
def test_names_follow_the_rules_of_runs(glued, book_full_run, name):
    with pytest.raises(ValueError, match="minúsculas"):
        published_weights.publish(_model(), name)


# ------------------------------------------------------------------ bookcache


def _description(tmp_path, content=b"pesos"):
    produced = tmp_path / "producidos"
    produced.mkdir(exist_ok=True)
    (produced / "pesos_red.npz").write_bytes(content)
    text = json.dumps({"archivo": "pesos_red.npz", "sha256": bookcache.file_sha256(
        produced / "pesos_red.npz"), "formas": [[1]], "modelo": "m"}, sort_keys=True)
    return produced, text


def test_an_executed_chapter_keeps_its_weights_and_prune_drops_orphans(tmp_path):
    producer, reader = bookcache.chapters()[:2]
    cache_dir = tmp_path / "cache"
    produced, text = _description(tmp_path)
    nb = fakeruns.store_run(producer, cache_dir, glue={"run_pesos_red": text}, name=producer.stem)
    kept = bookcache.keep_weights(nb, produced, producer.stem, dest=cache_dir / "weights")
    assert kept == ["pesos_red.npz"]
    (cache_dir / "weights" / "vieja.npz").write_bytes(b"x")
    removed = bookcache.prune(cache_dir)
    assert removed == ["weights/vieja.npz (pesos que ya no publica ningún capítulo)"]
    assert [p.name for p in (cache_dir / "weights").iterdir()] == ["pesos_red.npz"]

    # El lector queda al día con esos pesos y desactualizado si se vuelven a publicar.
    fakeruns.store_run(reader, cache_dir, glue={"run_leido_pesos_red": bookcache.run_digest(text)},
                       name=reader.stem)
    assert bookcache.status(cache_dir)[reader.stem] == "al día"
    _, other = _description(tmp_path, b"otros pesos")
    fakeruns.store_run(producer, cache_dir, glue={"run_pesos_red": other}, name=producer.stem)
    assert bookcache.status(cache_dir)[reader.stem] == bookcache.RUNS_CHANGED


def test_keep_weights_refuses_a_missing_or_different_file(tmp_path):
    producer = bookcache.chapters()[0]
    produced, text = _description(tmp_path)
    nb = fakeruns.store_run(producer, tmp_path / "cache", glue={"run_pesos_red": text})
    (produced / "pesos_red.npz").write_bytes(b"cambiado")
    with pytest.raises(SystemExit, match="su huella SHA-256 no coincide"):
        bookcache.keep_weights(nb, produced, "a.ipynb", dest=tmp_path / "dest")
    (produced / "pesos_red.npz").unlink()
    with pytest.raises(SystemExit, match="falta su archivo pesos_red.npz"):
        bookcache.keep_weights(nb, produced, "a.ipynb", dest=tmp_path / "dest")
    assert not (tmp_path / "dest").exists()


def test_write_runs_serves_only_files_with_the_published_digest(tmp_path):
    produced, text = _description(tmp_path)
    folder = bookcache.write_runs(tmp_path / "runs", {"pesos_red": ("07_x", text)},
                                  weights_sources=(tmp_path / "vacía", produced))
    assert sorted(p.name for p in folder.iterdir()) == ["pesos_red.json", "pesos_red.npz"]
    (produced / "pesos_red.npz").write_bytes(b"otro")
    folder = bookcache.write_runs(tmp_path / "runs2", {"pesos_red": ("07_x", text)},
                                  weights_sources=(produced,))
    assert [p.name for p in folder.iterdir()] == ["pesos_red.json"]


def test_bookcache_and_the_package_name_the_same_variable_and_prefix():
    """bookcache no importa cnnlab al arrancar: repite los dos nombres, que deben coincidir
    (que execute se la pasa al núcleo lo comprueba test_runs)."""
    assert bookcache.WEIGHTS_OUT_ENV == published_weights.WEIGHTS_OUT_ENV
    assert bookcache.WEIGHTS_PREFIX == published_weights.PREFIX


def test_the_published_cache_has_every_weights_file_it_describes_and_no_other():
    described = bookcache.weights_descriptions(bookcache.published_runs())
    files = {p.name for p in bookcache.WEIGHTS_DIR.glob("*.npz")}
    assert files == {d["archivo"] for d in described.values()}
    for description in described.values():
        assert bookcache.file_sha256(bookcache.WEIGHTS_DIR / description["archivo"]) == \
            description["sha256"]


def test_outputs_name_the_weights_where_the_cache_keeps_them():
    """La celda que termina en publish() muestra la ruta; en la caché es la de cache/weights."""
    import nbformat

    cell = nbformat.v4.new_code_cell("published_weights.publish(model, 'x')")
    cell.outputs = [
        nbformat.v4.new_output("execute_result", execution_count=1, data={
            "text/plain": "PosixPath('/tmp/tmpab12/weights/pesos_escalera_v5.npz')"}),
        nbformat.v4.new_output("stream", name="stdout",
                               text="C:\\salidas\\weights\\pesos_v1.npz · weights/otra.txt\n")]
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert bookcache.relocate_weight_paths(nb) == 2
    assert cell.outputs[0]["data"]["text/plain"] == \
        "PosixPath('cache/weights/pesos_escalera_v5.npz')"
    assert cell.outputs[1]["text"] == "cache/weights/pesos_v1.npz · weights/otra.txt\n"
    assert not any(bookcache.PRIVATE_PATH_RE.search(t) for t in bookcache.output_texts(nb))
    assert bookcache.relocate_weight_paths(nb) == 0  # ya no queda nada que cambiar
