"""Preparar CNNLAB_DATA_DIR desde los archivos oficiales (python -m cnnlab.prepare) y los
mensajes de descarga: red frente a suma de verificación."""

import hashlib
import tarfile
import zipfile

import numpy as np
import pytest

from cnnlab import data, mnist, prepare, runtime
from test_data import write_cifar


def official_like_archives(folder):
    """Archivos con los nombres y formatos oficiales (contenido pequeño, sumas no oficiales)."""
    folder.mkdir()
    write_cifar(folder / "build" / "cifar-10-batches-py")
    with tarfile.open(folder / "cifar-10-python.tar.gz", "w:gz") as tar:
        tar.add(folder / "build" / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    rng = np.random.default_rng(0)
    np.savez(folder / "mnist.npz", x_train=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
             y_train=np.arange(30) % 10, x_test=np.zeros((10, 28, 28), np.uint8),
             y_test=np.arange(10))
    with zipfile.ZipFile(folder / "cats_and_dogs_filtered.zip", "w") as archive:
        archive.writestr("cats_and_dogs_filtered/train/cats/cat.0.jpg", b"x")
    (folder / prepare.RESNET_NOTOP).write_bytes(b"no es un h5 oficial")
    return folder


def test_prepare_lays_out_what_the_loaders_read(tmp_path, monkeypatch, rapido):
    source = official_like_archives(tmp_path / "descargas")
    target = tmp_path / "datos"
    lines = prepare.prepare(source, target)
    assert any(line.startswith("cifar-10-python.tar.gz: copia no oficial") for line in lines)
    assert any(line.startswith("mnist.npz: copia no oficial") for line in lines)
    assert any(line.startswith("cats_and_dogs_filtered.zip: sin suma publicada") for line in lines)
    assert any(line.startswith(f"{prepare.RESNET_NOTOP}: copia no oficial") for line in lines)
    assert (target / "cats_and_dogs_filtered" / "train" / "cats" / "cat.0.jpg").is_file()
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(target))
    (x_train, _), _ = data.load_cifar10()
    assert x_train.shape == (100, 32, 32, 3)
    assert mnist.load_data()[0][0].shape == (30, 28, 28)


def test_official_checksum_is_recognised(tmp_path, monkeypatch):
    source = official_like_archives(tmp_path / "descargas")
    monkeypatch.setitem(prepare.OFFICIAL, "mnist.npz",
                        ("sha256", hashlib.sha256((source / "mnist.npz").read_bytes()).hexdigest()))
    assert prepare.verdict(source / "mnist.npz") == "oficial"


def test_the_official_cifar_archive_in_the_data_folder_is_recognised(tmp_path, monkeypatch, rapido):
    source = official_like_archives(tmp_path / "descargas")
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(source))  # solo el .tar.gz, sin extraer
    (x_train, _), (x_test, _) = data.load_cifar10()
    assert x_train.shape == (100, 32, 32, 3) and x_test.shape == (20, 32, 32, 3)


def test_bad_inputs_are_explained(tmp_path, capsys):
    with pytest.raises(data.DataError, match="No existe la carpeta de origen"):
        prepare.prepare(tmp_path / "no-existe", tmp_path / "datos")
    (tmp_path / "vacia").mkdir()
    with pytest.raises(data.DataError, match="no tiene ninguno de los archivos"):
        prepare.prepare(tmp_path / "vacia", tmp_path / "datos")
    broken = tmp_path / "rota"
    broken.mkdir()
    (broken / "cifar-10-python.tar.gz").write_bytes(b"\x1f\x8b truncado")
    with pytest.raises(data.DataError, match="truncado o corrupto"):
        prepare.prepare(broken, tmp_path / "datos")
    assert prepare.main([str(tmp_path / "vacia"), str(tmp_path / "datos")]) == 2
    assert "Error:" in capsys.readouterr().err


@pytest.mark.parametrize("error, says", [
    (ValueError("Incomplete or corrupted file detected. The sha256 file hash does not match"),
     "suma de verificación no es la oficial"),
    (OSError("URL fetch failure on https://...: None -- [Errno -3] Temporary failure"),
     r"falló la conexión \(OSError"),
])
def test_download_errors_say_network_or_checksum(no_data_dir, monkeypatch, error, says):
    import keras

    def failing(*args, **kwargs):
        raise error

    from keras.src.utils import file_utils

    from cnnlab import catsdogs, transfer

    monkeypatch.setattr(keras.utils, "get_file", failing)
    monkeypatch.setattr(file_utils, "get_file", failing)  # el que usa keras.applications
    loads = (data.load_cifar10, mnist.load_data, catsdogs.filtered_folder,
             lambda: transfer.resnet50(img_size=64, include_top=False),
             lambda: transfer.resnet50(img_size=224, include_top=True))
    for load in loads:
        with pytest.raises((data.DataError, transfer.WeightsError), match=says) as info:
            load()
        assert "python -m cnnlab.prepare" in str(info.value)
        assert "shared" not in str(info.value)


def test_download_path_passes_the_official_hash(no_data_dir, monkeypatch, tmp_path, rapido):
    """El camino de Colab: keras.utils.get_file con la suma oficial de cada archivo."""
    import keras

    calls = []
    write_cifar(tmp_path / "cifar-10-batches-py")
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "mnist.npz", x_train=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
             y_train=np.arange(30) % 10, x_test=np.zeros((10, 28, 28), np.uint8),
             y_test=np.arange(10))

    def fake_get_file(fname, origin, file_hash=None, extract=False, **kwargs):
        calls.append((fname, origin, file_hash, extract))
        return str(tmp_path / "mnist.npz") if fname == "mnist.npz" else str(tmp_path)

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    runtime.setup()
    data.load_cifar10()
    mnist.load_data()
    assert calls[0][1:] == (data.CIFAR10_URL, data.CIFAR10_SHA256, True)
    assert calls[1][1:] == (data.MNIST_URL, data.MNIST_SHA256, False)
    assert runtime.session().datasets["CIFAR-10"].source.startswith("descarga oficial")
