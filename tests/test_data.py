"""cnnlab.data: cargadores de CIFAR-10 y MNIST sobre archivos fabricados en el formato oficial."""

import hashlib
import pickle

import numpy as np
import pytest

from cnnlab import data, mnist, runtime


def write_cifar(folder, n=20, seed=0):
    """Escribe lotes pequeños con la estructura oficial de cifar-10-batches-py/."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for name in data.CIFAR10_FILES_MD5:
        images = rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
        labels = [i % 10 for i in range(n)]
        rows = images.transpose(0, 3, 1, 2).reshape(n, 3072)
        with open(folder / name, "wb") as f:
            pickle.dump({b"data": rows, b"labels": labels}, f)
    return folder


@pytest.fixture
def cifar_dir(tmp_path, monkeypatch):
    write_cifar(tmp_path / "cifar-10-batches-py")
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    return tmp_path / "cifar-10-batches-py"


def test_reads_official_layout(cifar_dir):
    (x_train, y_train), (x_test, y_test) = data.load_cifar10()
    assert x_train.shape == (100, 32, 32, 3) and x_train.dtype == np.uint8
    assert x_test.shape == (20, 32, 32, 3)
    assert y_train.dtype == np.int32 and y_train.shape == (100,)
    # el primer píxel del primer lote: plano R, luego G, luego B
    with open(cifar_dir / "data_batch_1", "rb") as f:
        rows = pickle.load(f)[b"data"]
    assert x_train[0, 0, 0].tolist() == [rows[0, 0], rows[0, 1024], rows[0, 2048]]


def test_provenance_says_unofficial_when_md5_differs(cifar_dir, rapido, capsys):
    runtime.setup()
    data.load_cifar10()
    record = runtime.session().datasets["CIFAR-10"]
    assert record.official is False
    assert "copia no oficial" in record.describe()


def test_provenance_says_official_when_md5_matches(cifar_dir, rapido, monkeypatch, capsys):
    sums = {name: hashlib.md5((cifar_dir / name).read_bytes()).hexdigest()
            for name in data.CIFAR10_FILES_MD5}
    monkeypatch.setattr(data, "CIFAR10_FILES_MD5", sums)
    runtime.setup()
    data.load_cifar10()
    assert "suma md5 oficial" in runtime.session().datasets["CIFAR-10"].describe()


def test_truncated_batch_names_the_file(cifar_dir):
    content = (cifar_dir / "data_batch_3").read_bytes()
    (cifar_dir / "data_batch_3").write_bytes(content[: len(content) // 2])
    with pytest.raises(data.DataError, match="data_batch_3 está truncado o corrupto"):
        data.load_cifar10()


def test_missing_batches_are_listed(cifar_dir):
    (cifar_dir / "data_batch_2").unlink()
    (cifar_dir / "test_batch").unlink()
    with pytest.raises(data.DataError, match="Faltan lotes de CIFAR-10 .*data_batch_2, test_batch"):
        data.load_cifar10()


def test_wrong_format_is_rejected(cifar_dir):
    with open(cifar_dir / "data_batch_1", "wb") as f:
        pickle.dump({b"data": np.zeros((5, 100), np.uint8), b"labels": [0] * 5}, f)
    with pytest.raises(data.DataError, match="data_batch_1 no tiene el formato oficial"):
        data.load_cifar10()


def test_no_network_and_no_local_copy(no_data_dir, monkeypatch):
    import keras

    def offline(*args, **kwargs):
        raise OSError("sin red")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(data.DataError, match="No se pudo descargar CIFAR-10.*CNNLAB_DATA_DIR"):
        data.load_cifar10()
    with pytest.raises(data.DataError, match="No se pudo descargar MNIST"):
        data.load_mnist()


def test_mnist_npz(tmp_path, monkeypatch, rapido, capsys):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "mnist.npz", x_train=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
             y_train=np.arange(30) % 10, x_test=np.zeros((10, 28, 28), np.uint8), y_test=np.arange(10))
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    runtime.setup()
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (30, 28, 28) and y_train.dtype == np.int32
    assert "MNIST" in runtime.session().datasets
    assert runtime.session().datasets["MNIST"].official is False
    (tmp_path / "mnist.npz").write_bytes((tmp_path / "mnist.npz").read_bytes()[:200])
    with pytest.raises(data.DataError, match="mnist.npz está truncado o corrupto"):
        mnist.load_data()


def test_mnist_is_judged_by_its_content_not_its_bytes(tmp_path, monkeypatch, rapido):
    """Otro archivo con los mismos valores es «oficial»; un píxel cambiado, no."""
    rng = np.random.default_rng(0)
    arrays = dict(x_train=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
                  y_train=(np.arange(30) % 10).astype(np.uint8),
                  x_test=rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
                  y_test=np.arange(10, dtype=np.uint8))
    np.savez(tmp_path / "original.npz", **arrays)
    monkeypatch.setattr(mnist, "CONTENT_SHA256", mnist.content_digest(
        data.read_mnist_npz(tmp_path / "original.npz")))
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    runtime.setup()
    # otros bytes (comprimido, etiquetas en int64), los mismos valores
    np.savez_compressed(tmp_path / "mnist.npz", **{**arrays, "y_train": arrays["y_train"]
                                                   .astype(np.int64)})
    assert data.file_digest(tmp_path / "mnist.npz", "sha256") != data.file_digest(
        tmp_path / "original.npz", "sha256")
    mnist.load_data()
    record = runtime.session().datasets["MNIST"]
    assert record.official is True and "de contenido" in record.describe()
    arrays["x_train"][3, 14, 14] ^= 1  # un solo píxel
    np.savez(tmp_path / "mnist.npz", **arrays)
    mnist.load_data()
    assert runtime.session().datasets["MNIST"].official is False
    assert "DISTINTOS" in runtime.session().datasets["MNIST"].describe()


def test_content_digest_refuses_values_that_are_not_pixels():
    bad = np.full((2, 28, 28), 300)
    labels = np.arange(2)
    with pytest.raises(ValueError, match="píxeles de 0 a 255"):
        mnist.content_digest(((bad, labels), (bad, labels)))


def test_the_local_mnist_copy_is_the_official_content():
    """La copia de CNNLAB_DATA_DIR (la de las salidas publicadas) tiene el contenido oficial."""
    folder = runtime.data_dir()
    if folder is None or not (folder / "mnist.npz").is_file():
        pytest.skip("sin copia local de MNIST en CNNLAB_DATA_DIR")
    arrays = data.read_mnist_npz(folder / "mnist.npz")
    assert mnist.content_digest(arrays) == mnist.CONTENT_SHA256


def test_stratified_subset_balances_classes():
    y = np.repeat(np.arange(10), [50 + 5 * i for i in range(10)])
    x = np.arange(len(y))
    xs, ys = data.stratified_subset(x, y, per_class=7, seed=1)
    assert np.bincount(ys, minlength=10).tolist() == [7] * 10
    assert np.array_equal(y[xs], ys)  # cada imagen conserva su etiqueta
    with pytest.raises(ValueError, match="tiene 50 ejemplos y se pidieron 60"):
        data.stratified_subset(x, y, per_class=60)


def test_for_mode(monkeypatch):
    y = np.repeat(np.arange(10), 20)
    arrays = ((np.arange(200), y), (np.arange(200), y))
    monkeypatch.setenv("CNNLAB_MODE", "completo")
    assert data.for_mode(arrays, 5, 2) is arrays
    monkeypatch.setenv("CNNLAB_MODE", "rapido")
    (xt, yt), (xs, ys) = data.for_mode(arrays, 5, 2)
    assert len(xt) == 50 and len(xs) == 20


def test_scale():
    x = data.scale(np.array([[0, 255]], np.uint8))
    assert x.dtype == np.float32 and x.tolist() == [[0.0, 1.0]]
