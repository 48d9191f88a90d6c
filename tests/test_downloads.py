"""El camino de descarga que sigue Colab (sin CNNLAB_DATA_DIR), con un get_file fabricado:
cada archivo se pide con su URL oficial y, donde Keras la publica, con su suma."""

import os
import shutil
from pathlib import Path

import pytest

from cnnlab import catsdogs, data, runtime, transfer

LOCAL = Path(os.environ["CNNLAB_DATA_DIR"]) if os.environ.get("CNNLAB_DATA_DIR") else None


def test_cats_and_dogs_download_path(no_data_dir, monkeypatch, tmp_path):
    import keras

    (tmp_path / "cats_and_dogs_filtered" / "train").mkdir(parents=True)
    calls = []

    def fake_get_file(fname, origin, extract=False, **kwargs):
        calls.append((fname, origin, extract))
        return str(tmp_path / "cats_and_dogs_filtered.zip")

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    folder, source = catsdogs.filtered_folder()
    assert calls == [("cats_and_dogs_filtered.zip", catsdogs.FILTERED_URL, True)]
    assert folder == tmp_path / "cats_and_dogs_filtered"
    assert source.startswith("descarga del tutorial")

    def offline(*args, **kwargs):
        raise OSError("sin red")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(data.DataError, match="No se pudo descargar cats_and_dogs_filtered.zip"):
        catsdogs.filtered_folder()


@pytest.mark.parametrize("include_top, img_size", [(False, 64), (True, 224)])
def test_resnet50_weights_download_path(no_data_dir, monkeypatch, tmp_path, rapido,
                                        include_top, img_size):
    from keras.src.utils import file_utils

    name = transfer.TOP_FILE if include_top else transfer.NOTOP_FILE
    if LOCAL is None or not (LOCAL / name).is_file():
        pytest.skip(f"hace falta {name} en CNNLAB_DATA_DIR")
    weights = shutil.copy(LOCAL / name, tmp_path / name)
    calls = []

    def fake_get_file(fname, origin, cache_subdir=None, file_hash=None, **kwargs):
        calls.append((fname, origin, file_hash))
        return str(weights)

    monkeypatch.setattr(file_utils, "get_file", fake_get_file)
    runtime.setup()
    model = transfer.resnet50(img_size=img_size, include_top=include_top)
    assert model.count_params() > 2e7
    assert calls and calls[0][0] == name
    assert calls[0][2] == transfer.KERAS_MD5[name]  # Keras comprueba la suma
    record = next(iter(runtime.session().datasets.values()))
    assert record.source == "descarga oficial (keras.applications)"
