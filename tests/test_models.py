"""Pruebas de cnnlab.models: las versiones 1 a 5 de la red de la clase para CIFAR-10."""

import numpy as np
import pytest

from cnnlab import models


def conv_params(k: int, c_in: int, filters: int) -> int:
    """Parámetros de una convolución k×k: (k·k·c + 1)·f."""
    return (k * k * c_in + 1) * filters


def dense_params(n_in: int, n_out: int) -> int:
    """Parámetros de una capa densa: (entradas + 1)·salidas."""
    return (n_in + 1) * n_out


V1_PARAMS = conv_params(4, 3, 10) + conv_params(3, 10, 20) + dense_params(8 * 8 * 20, 10)
V3_PARAMS = (conv_params(3, 3, 32) + conv_params(3, 32, 32) + conv_params(3, 32, 64)
             + conv_params(3, 64, 64) + dense_params(8 * 8 * 64, 128) + dense_params(128, 10))
# La normalización por lotes tiene 4 parámetros por canal (gamma, beta, media y varianza móviles).
V5_PARAMS = V3_PARAMS + 4 * (32 + 32 + 64 + 64 + 128)
EXPECTED = {1: V1_PARAMS, 2: V1_PARAMS, 3: V3_PARAMS, 4: V3_PARAMS, 5: V5_PARAMS}


def images(n: int = 4, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 32, 32, 3), dtype=np.float32)


def test_expected_counts_match_the_class():
    assert V1_PARAMS == 15_120
    assert V3_PARAMS == 591_274


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_parameter_counts(version):
    assert models.cifar10(version).count_params() == EXPECTED[version]


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_output_shape_and_probabilities(version):
    model = models.cifar10(version)
    assert tuple(model.input.shape) == (None, 32, 32, 3)
    assert tuple(model.output.shape) == (None, 10)
    out = np.asarray(model.predict(images(3), verbose=0))
    assert out.shape == (3, 10)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)


def test_num_classes_changes_only_the_output():
    model = models.cifar10_v1(num_classes=4)
    assert tuple(model.output.shape) == (None, 4)
    assert model.count_params() == V1_PARAMS - dense_params(1280, 10) + dense_params(1280, 4)


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_dispatcher_builds_that_version(version):
    assert models.cifar10(version).name == f"cifar10_v{version}"


@pytest.mark.parametrize("bad", [0, 6, "3", None])
def test_unknown_version_raises_spanish_error(bad):
    with pytest.raises(ValueError, match="No existe la versión"):
        models.cifar10(bad)


def _conv_layers(model):
    return [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]


def test_v1_convolutions_are_linear_and_v2_use_relu():
    for layer in _conv_layers(models.cifar10_v1()):
        assert layer.get_config()["activation"] == "linear"
    for layer in _conv_layers(models.cifar10_v2()):
        assert layer.get_config()["activation"] == "relu"


def test_v3_architecture():
    convs = _conv_layers(models.cifar10_v3())
    assert [c.filters for c in convs] == [32, 32, 64, 64]
    assert [c.strides for c in convs] == [(1, 1), (2, 2), (1, 1), (2, 2)]
    assert all(c.padding == "same" and c.kernel_size == (3, 3) for c in convs)


def _augmentation(model):
    (aug,) = [layer for layer in model.layers if layer.name == "data_augmentation"]
    return aug


@pytest.mark.parametrize("version", [4, 5])
def test_augmentation_is_identity_at_inference(version):
    model = models.cifar10(version)
    aug = _augmentation(model)
    kinds = [layer.__class__.__name__ for layer in aug.layers]
    assert kinds == ["RandomFlip", "RandomTranslation"]
    x = images(8)
    np.testing.assert_array_equal(np.asarray(aug(x, training=False)), x)
    assert not np.array_equal(np.asarray(aug(x, training=True)), x)
    # El modelo completo es determinista en inferencia.
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("version", [1, 2, 3])
def test_no_augmentation_before_v4(version):
    names = [layer.name for layer in models.cifar10(version).layers]
    assert "data_augmentation" not in names


def test_v5_batch_norm_before_each_relu_and_dropout_before_output():
    layers = models.cifar10_v5().layers
    kinds = [layer.__class__.__name__ for layer in layers]
    relus = [i for i, layer in enumerate(layers)
             if kinds[i] == "Activation" and layer.get_config()["activation"] == "relu"]
    assert len(relus) == 5  # cuatro convoluciones y la densa de 128
    for i in relus:
        assert kinds[i - 1] == "BatchNormalization"
        assert kinds[i - 2] in ("Conv2D", "Dense")
    assert kinds[-1] == "Dense" and layers[-1].get_config()["activation"] == "softmax"
    assert kinds[-2] == "Dropout" and layers[-2].rate == 0.5


def test_v3_and_v4_have_no_batch_norm_or_dropout():
    for version in (3, 4):
        kinds = {layer.__class__.__name__ for layer in models.cifar10(version).layers}
        assert not kinds & {"BatchNormalization", "Dropout"}


def test_dropout_is_identity_at_inference():
    dropout = models.cifar10_v5().layers[-2]
    h = np.random.default_rng(0).random((4, 128), dtype=np.float32)
    np.testing.assert_array_equal(np.asarray(dropout(h, training=False)), h)
    assert not np.array_equal(np.asarray(dropout(h, training=True)), h)
