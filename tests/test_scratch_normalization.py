"""Pruebas de la normalización por lotes en NumPy frente a keras.layers.BatchNormalization."""

import numpy as np
import pytest

from cnnlab.scratch.normalization import BatchNorm, batch_moments, batch_norm

import keras  # noqa: E402  (cnnlab silencia los registros antes de importar Keras)


def _keras_bn(shape, momentum=0.99, epsilon=1e-3, seed=0):
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)
    layer.build((None,) + shape[1:])
    rng = np.random.default_rng(seed)
    c = shape[-1]
    gamma, beta = rng.uniform(0.5, 1.5, c), rng.normal(0, 0.5, c)
    layer.set_weights([gamma.astype("float32"), beta.astype("float32"),
                       np.zeros(c, "float32"), np.ones(c, "float32")])
    return layer, gamma.astype("float32"), beta.astype("float32")


@pytest.mark.parametrize("shape", [(16, 5), (8, 6, 7, 3)])
@pytest.mark.parametrize("momentum,epsilon", [(0.99, 1e-3), (0.9, 1e-5)])
def test_matches_keras_training_then_inference(shape, momentum, epsilon):
    layer, gamma, beta = _keras_bn(shape, momentum, epsilon)
    ours = BatchNorm(shape[-1], momentum=momentum, epsilon=epsilon, gamma=gamma, beta=beta)
    rng = np.random.default_rng(1)
    for step in range(5):
        x = rng.normal(2.0 + step, 3.0, shape).astype("float32")
        expected = keras.ops.convert_to_numpy(layer(x, training=True))
        np.testing.assert_allclose(ours(x, training=True), expected, atol=1e-5, rtol=1e-5)
        np.testing.assert_allclose(ours.moving_mean, keras.ops.convert_to_numpy(layer.moving_mean), atol=1e-5, rtol=1e-5)
        np.testing.assert_allclose(ours.moving_variance, keras.ops.convert_to_numpy(layer.moving_variance),
                                   atol=1e-5, rtol=1e-5)
    x = rng.normal(1.0, 2.0, shape).astype("float32")
    expected = keras.ops.convert_to_numpy(layer(x, training=False))
    np.testing.assert_allclose(ours(x, training=False), expected, atol=1e-5, rtol=1e-5)


def test_training_output_is_standardised_per_channel():
    x = np.random.default_rng(0).normal(5.0, 4.0, (32, 4, 4, 3))
    y = BatchNorm(3, epsilon=1e-8)(x, training=True)
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), 0.0, atol=1e-10)
    np.testing.assert_allclose(y.std(axis=(0, 1, 2)), 1.0, atol=1e-6)


def test_inference_does_not_change_moving_statistics():
    bn = BatchNorm(2)
    bn(np.random.default_rng(0).normal(3, 2, (10, 2)), training=True)
    before = bn.get_weights()
    bn(np.ones((4, 2)), training=False)
    for a, b in zip(before, bn.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_moments_and_formula():
    x = np.arange(12, dtype=float).reshape(6, 2)
    mean, var = batch_moments(x)
    np.testing.assert_allclose(mean, x.mean(0))
    np.testing.assert_allclose(var, x.var(0))
    y = batch_norm(x, mean, var, np.full(2, 2.0), np.full(2, 1.0), epsilon=0.0)
    np.testing.assert_allclose(y, 2 * (x - x.mean(0)) / x.std(0) + 1)


def test_set_weights_roundtrip():
    bn = BatchNorm(3)
    weights = [np.full(3, v) for v in (2.0, 1.0, 0.5, 4.0)]
    bn.set_weights(weights)
    for a, b in zip(weights, bn.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", [(5,), (2, 3, 4), (1, 2, 3, 4, 5)])
def test_wrong_rank_is_rejected(shape):
    with pytest.raises(ValueError, match="debe tener forma"):
        BatchNorm(shape[-1])(np.zeros(shape), training=True)


def test_mismatched_gamma_beta_and_channels():
    with pytest.raises(ValueError, match="gamma debe tener forma \\(3,\\)"):
        BatchNorm(3, gamma=np.ones(4))
    with pytest.raises(ValueError, match="beta debe tener forma"):
        BatchNorm(3, beta=np.zeros((3, 1)))
    with pytest.raises(ValueError, match="canales"):
        BatchNorm(3)(np.zeros((4, 5)), training=False)
    with pytest.raises(ValueError, match="gamma debe tener forma"):
        batch_norm(np.zeros((4, 2)), np.zeros(2), np.ones(2), np.ones(3), np.zeros(2))


def test_bad_parameters():
    with pytest.raises(ValueError, match="entero positivo"):
        BatchNorm(0)
    with pytest.raises(ValueError, match="momentum debe estar en"):
        BatchNorm(2, momentum=1.0)
    with pytest.raises(ValueError, match="epsilon debe ser positivo"):
        BatchNorm(2, epsilon=0.0)
    with pytest.raises(ValueError, match="al menos dos valores"):
        BatchNorm(2)(np.zeros((1, 2)), training=True)
    with pytest.raises(TypeError, match="numérica"):
        BatchNorm(2)(np.array([["a", "b"]]), training=False)
    with pytest.raises(ValueError, match="4 arreglos"):
        BatchNorm(2).set_weights([np.ones(2)])
