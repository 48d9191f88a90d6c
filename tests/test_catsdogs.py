"""cnnlab.catsdogs: cargadores sobre carpetas pequeñas de JPEG fabricados (buenas, corruptas, incompletas)."""

import numpy as np
import pytest
from PIL import Image

from cnnlab import catsdogs, runtime
from cnnlab.data import DataError


def write_folder(root, per_class=(6, 3), size=(40, 30)):
    """cats_and_dogs_filtered/{train,validation}/{cats,dogs}/*.jpg con colores por clase."""
    folder = root / catsdogs.FILTERED_NAME
    for split, n in zip(catsdogs.SPLITS, per_class):
        for label, name in enumerate(catsdogs.CLASS_FOLDERS):
            sub = folder / split / name
            sub.mkdir(parents=True)
            for i in range(n):
                color = (200, 20, 20) if label == 0 else (20, 20, 200)
                Image.new("RGB", size, color).save(sub / f"{name[:-1]}.{i}.jpg")
    return folder


@pytest.fixture
def cd_dir(tmp_path, monkeypatch):
    folder = write_folder(tmp_path)
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    return folder


def test_loads_arrays_with_labels(cd_dir):
    runtime.setup(seed=0)
    (x_train, y_train), (x_val, y_val) = catsdogs.load_cats_dogs(img_size=48)
    assert x_train.shape == (12, 48, 48, 3) and x_train.dtype == np.uint8
    assert x_val.shape == (6, 48, 48, 3)
    assert y_train.dtype == np.int32 and sorted(set(y_train)) == [0, 1]
    assert catsdogs.CLASS_NAMES == ["gato", "perro"]
    # Etiqueta 0 = gato (rojo), 1 = perro (azul): el color lo confirma tras redimensionar.
    assert np.all(x_train[y_train == 0][..., 0].mean(axis=(1, 2)) > 150)
    assert np.all(x_train[y_train == 1][..., 2].mean(axis=(1, 2)) > 150)
    record = next(iter(runtime.session().datasets.values()))
    assert "cats_and_dogs_filtered" in record.name
    assert record.official is False  # la huella de la carpeta fabricada no es la del tutorial


def test_stratified_subsets(cd_dir):
    (x_train, y_train), (x_val, y_val) = catsdogs.load_cats_dogs(32, train_per_class=2,
                                                                 test_per_class=1)
    assert np.bincount(y_train).tolist() == [2, 2]
    assert np.bincount(y_val).tolist() == [1, 1]
    with pytest.raises(ValueError, match="gato tiene .* Pide menos ejemplos por clase"):
        catsdogs.load_cats_dogs(32, train_per_class=7)


def test_load_for_mode(cd_dir, rapido):
    (x_train, y_train), _ = catsdogs.load_for_mode(32, train_per_class=3, test_per_class=1)
    assert len(x_train) == 6


def test_corrupt_jpeg_names_the_file(cd_dir):
    bad = cd_dir / "train" / "dogs" / "dog.1.jpg"
    bad.write_bytes(bad.read_bytes()[:60])  # JPEG truncado
    with pytest.raises(DataError, match=r"dogs/dog\.1\.jpg está corrupta.*Solución"):
        catsdogs.load_cats_dogs(32)


def test_missing_class_folder(cd_dir):
    for f in (cd_dir / "validation" / "cats").iterdir():
        f.unlink()
    (cd_dir / "validation" / "cats").rmdir()
    with pytest.raises(DataError, match=r"Falta la carpeta cats_and_dogs_filtered/validation/cats/"):
        catsdogs.load_cats_dogs(32)


def test_empty_class_folder(cd_dir):
    for f in (cd_dir / "train" / "cats").iterdir():
        f.unlink()
    with pytest.raises(DataError, match="no tiene imágenes"):
        catsdogs.load_cats_dogs(32)


def test_missing_dataset_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    with pytest.raises(DataError, match="no contiene la carpeta cats_and_dogs_filtered/"):
        catsdogs.load_cats_dogs(32)


def test_bad_img_size(cd_dir):
    with pytest.raises(ValueError, match="al menos 32"):
        catsdogs.load_cats_dogs(16)
    with pytest.raises(TypeError, match="img_size .* debe ser un entero positivo"):
        catsdogs.load_cats_dogs(160.0)


def test_fingerprint_changes_with_content(cd_dir):
    before = catsdogs.folder_fingerprint(cd_dir)
    Image.new("RGB", (40, 30), (0, 255, 0)).save(cd_dir / "train" / "cats" / "cat.0.jpg")
    assert catsdogs.folder_fingerprint(cd_dir) != before


def test_pydataset_batches(cd_dir):
    files, labels = catsdogs.list_split(cd_dir, "train")
    ds = catsdogs.CatsDogsDataset(files, labels, img_size=32, batch_size=5)
    assert len(ds) == 3
    x, y = ds[0]
    assert x.shape == (5, 32, 32, 3) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert y.dtype == np.float32
    x_last, _ = ds[2]
    assert len(x_last) == 2


def test_pet_images_split(tmp_path):
    for name, n in (("Cat", 10), ("Dog", 10)):
        (tmp_path / "PetImages" / name).mkdir(parents=True)
        for i in range(n):
            Image.new("RGB", (20, 20)).save(tmp_path / "PetImages" / name / f"{i}.jpg")
    (train_f, train_y), (val_f, val_y) = catsdogs.pet_images_files(tmp_path / "PetImages", 0.2)
    assert np.bincount(train_y).tolist() == [8, 8] and np.bincount(val_y).tolist() == [2, 2]
    assert not set(train_f) & set(val_f)
    catsdogs.check_files(train_f)
    assert catsdogs.damaged_files(train_f) == []
    train_f[0].write_bytes(b"no es un jpeg")
    train_f[3].write_bytes(train_f[3].read_bytes()[:40])  # JPEG truncado
    assert catsdogs.damaged_files(train_f) == [train_f[0], train_f[3]]
    with pytest.raises(DataError, match=f"Hay 2 imágenes.*{train_f[0].name}.*bórralas"):
        catsdogs.check_files(train_f)
