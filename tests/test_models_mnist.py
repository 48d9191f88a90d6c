"""Pruebas de las redes de MNIST de la clase: pooling frente a convolución con paso."""

import numpy as np
import pytest

from cnnlab import models

import keras  # noqa: E402  (cnnlab silencia los registros antes de importar Keras)


def _shapes(model):
    return [tuple(layer.output.shape[1:]) for layer in model.layers
            if isinstance(layer, (keras.layers.Conv2D, keras.layers.MaxPooling2D,
                                  keras.layers.Flatten))]


def test_pooling_network_matches_the_class():
    model = models.mnist_pooling()
    assert model.input_shape == (None, 28, 28, 1)
    assert model.output_shape == (None, 10)
    assert _shapes(model) == [(28, 28, 16), (14, 14, 16), (14, 14, 32), (7, 7, 32),
                              (7, 7, 64), (3, 3, 64), (576,)]
    conv = (5 * 5 * 1 + 1) * 16 + (5 * 5 * 16 + 1) * 32 + (5 * 5 * 32 + 1) * 64
    dense = (576 + 1) * 120 + (120 + 1) * 84 + (84 + 1) * 10
    assert model.count_params() == conv + dense == 144_766
    assert sum(isinstance(l, keras.layers.MaxPooling2D) for l in model.layers) == 3


def test_strided_network_keeps_the_filters_and_drops_pooling():
    pooled, strided = models.mnist_pooling(), models.mnist_strided()
    assert not any(isinstance(l, keras.layers.MaxPooling2D) for l in strided.layers)
    assert _shapes(strided) == [(14, 14, 16), (7, 7, 32), (4, 4, 64), (1024,)]
    convs = lambda m: [l.count_params() for l in m.layers if isinstance(l, keras.layers.Conv2D)]
    assert convs(strided) == convs(pooled)
    assert [l.strides for l in strided.layers if isinstance(l, keras.layers.Conv2D)] == [(2, 2)] * 3
    assert strided.count_params() == pooled.count_params() + (1024 - 576) * 120 == 198_526


def test_augmentation_keeps_digits_digits():
    aug = models.data_augmentation_mnist()
    kinds = {type(layer).__name__ for layer in aug.layers}
    assert kinds == {"RandomTranslation", "RandomRotation", "RandomZoom"}
    assert "RandomFlip" not in kinds
    x = np.random.default_rng(0).uniform(size=(4, 32, 32, 1)).astype("float32")
    # en inferencia el aumento es la identidad
    np.testing.assert_allclose(keras.ops.convert_to_numpy(aug(x, training=False)), x)
    out = keras.ops.convert_to_numpy(aug(x, training=True))
    assert out.shape == x.shape and not np.allclose(out, x)


@pytest.mark.parametrize("build", [models.mnist_pooling, models.mnist_strided])
def test_networks_predict_probabilities(build):
    model = build(augment=False)
    p = model.predict(np.zeros((3, 28, 28, 1), "float32"), verbose=0)
    assert p.shape == (3, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
