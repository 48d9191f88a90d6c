"""cnnlab.transfer: congelar y descongelar, la cabeza de la clase y los pesos dañados (sin descargas)."""

import numpy as np
import pytest

import keras
from cnnlab import transfer
from cnnlab.training import Result

IMG = 32


@pytest.fixture(scope="module")
def base_and_model():
    base = transfer.resnet50(IMG, weights=None)
    model = transfer.build_model(base, IMG)
    return base, model


def test_freeze_leaves_only_the_head(base_and_model):
    base, model = base_and_model
    transfer.freeze(base)
    report = transfer.trainable_report(model)
    # Solo la capa densa de salida: núcleo 2048×1 y un sesgo.
    assert report["tensores_entrenables"] == 2
    assert report["parametros_entrenables"] == 2048 + 1
    assert report["parametros_entrenables"] + report["parametros_congelados"] == model.count_params()
    assert not base.trainable_weights


def test_unfreeze_keeps_first_100_layers_frozen(base_and_model):
    base, model = base_and_model
    transfer.unfreeze(base, fine_tune_at=100)
    assert transfer.FINE_TUNE_AT == 100
    assert all(not layer.trainable for layer in base.layers[:100])
    assert all(layer.trainable for layer in base.layers[100:])
    expected = sum(len(layer.trainable_weights) for layer in base.layers[100:]) + 2
    assert len(model.trainable_weights) == expected
    head = 2049
    expected_params = transfer.count_params(
        [w for layer in base.layers[100:] for w in layer.trainable_weights]) + head
    assert transfer.trainable_report(model)["parametros_entrenables"] == expected_params
    # Los pesos de las 100 primeras capas siguen congelados.
    frozen = {id(w) for layer in base.layers[:100] for w in layer.weights}
    assert frozen.isdisjoint(id(w) for w in model.trainable_weights)
    transfer.freeze(base)
    assert len(model.trainable_weights) == 2


def test_unfreeze_twice_with_different_cuts(base_and_model):
    base, _ = base_and_model
    for cut in (140, 100, 0, 100):
        transfer.unfreeze(base, fine_tune_at=cut)
        assert sum(layer.trainable for layer in base.layers) == len(base.layers) - cut
    transfer.freeze(base)


def test_unfreeze_rejects_bad_boundary(base_and_model):
    base, _ = base_and_model
    with pytest.raises(ValueError, match="fine_tune_at debe estar entre 0 y"):
        transfer.unfreeze(base, fine_tune_at=len(base.layers) + 1)


def test_head_shapes_and_output_range(base_and_model):
    _, model = base_and_model
    out = model.predict(np.random.default_rng(0).random((3, IMG, IMG, 3), dtype=np.float32), verbose=0)
    assert out.shape == (3, 1)
    assert np.all((out >= 0) & (out <= 1))
    names = [layer.__class__.__name__ for layer in model.layers]
    assert names[-3:] == ["GlobalAveragePooling2D", "Dropout", "Dense"]
    assert model.layers[-2].rate == 0.4


def test_preprocess_layer_matches_keras_numpy():
    x = np.random.default_rng(1).random((2, 8, 8, 3)).astype(np.float32)
    expected = keras.applications.resnet50.preprocess_input(x.copy() * 255.0)
    got = keras.ops.convert_to_numpy(transfer.ResNetPreprocess()(x))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-3)
    # Con scale=1 recibe imágenes en [0, 255] y da lo mismo.
    got255 = keras.ops.convert_to_numpy(transfer.ResNetPreprocess(scale=1.0)(x * 255.0))
    np.testing.assert_allclose(got255, expected, rtol=1e-5, atol=1e-3)


def test_truncated_weights_file_gives_spanish_error(tmp_path, monkeypatch):
    bad = tmp_path / transfer.NOTOP_FILE
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 200)  # cabecera HDF5 y nada más
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    with pytest.raises(transfer.WeightsError, match=f"{transfer.NOTOP_FILE} está truncado"):
        transfer.resnet50(IMG, weights="imagenet")


def test_wrong_h5_gives_spanish_error(tmp_path):
    import h5py

    wrong = tmp_path / "otro.h5"
    with h5py.File(wrong, "w") as f:
        f.create_dataset("nada", data=np.zeros(3))
    with pytest.raises(transfer.WeightsError, match="no corresponde a ResNet50"):
        transfer.resnet50(IMG, weights=wrong)


def test_missing_weights_file_gives_spanish_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    with pytest.raises(transfer.WeightsError, match=f"Falta el archivo de pesos {transfer.TOP_FILE}"):
        transfer.resnet50(include_top=True, weights="imagenet")


def test_img_size_too_small():
    with pytest.raises(ValueError, match="al menos 32"):
        transfer.resnet50(16, weights=None)


def test_confusion_matrix_rows_are_real_classes():
    y_true = np.array([0, 0, 0, 1, 1])
    y_pred = np.array([0, 1, 0, 1, 0])
    np.testing.assert_array_equal(transfer.confusion_matrix(y_true, y_pred), [[2, 1], [1, 1]])
    with pytest.raises(ValueError, match="deben coincidir"):
        transfer.confusion_matrix(y_true, y_pred[:3])


def test_join_results_concatenates_phases():
    a = Result("a", {"loss": [1.0, 0.5], "accuracy": [0.6, 0.7]}, 0.4, 0.8, 2.0, 10)
    b = Result("b", {"loss": [0.3], "accuracy": [0.9]}, 0.2, 0.95, 3.0, 10)
    joined = transfer.join_results(a, b, "ambas")
    assert joined.history["loss"] == [1.0, 0.5, 0.3]
    assert joined.epochs == 3 and joined.test_accuracy == 0.95 and joined.seconds == 5.0


def test_imagenet_ranges():
    assert len(transfer.IMAGENET_DOGS) == 118 and len(transfer.IMAGENET_CATS) == 5


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_local_copy_with_other_bytes_loads_and_is_reported_unofficial(tmp_path, monkeypatch):
    """Un .h5 válido pero distinto del de Keras se carga entero y la procedencia lo dice."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    from cnnlab import runtime

    source = transfer.resnet50(IMG, weights=None)
    with h5py.File(tmp_path / transfer.NOTOP_FILE, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, source)
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    runtime.setup(seed=0)
    loaded = transfer.resnet50(IMG, weights="imagenet")
    for a, b in zip(source.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    record = runtime.session().datasets["Pesos ResNet50 ImageNet (sin cabeza)"]
    assert record.official is False
    assert "copia no oficial" in record.describe() and "todas las capas" in record.describe()


def test_imagenet_class_names_ship_with_the_package():
    names = transfer.imagenet_class_names()
    assert len(names) == 1000 and len(set(names)) == 1000
    assert names[0] == "tench" and names[285] == "Egyptian cat"
    assert all(names[i] for i in transfer.IMAGENET_DOGS)
