"""Pruebas del dropout invertido en NumPy."""

import numpy as np
import pytest

from cnnlab.scratch.regularization import dropout, dropout_mask


@pytest.mark.parametrize("rate", [0.1, 0.25, 0.5, 0.8])
def test_dropped_fraction_and_expected_value(rate):
    rng = np.random.default_rng(0)
    n = 200_000
    x = rng.uniform(0.5, 1.5, n)
    y = dropout(x, rate, training=True, rng=rng)
    dropped = np.mean(y == 0)
    # Error estándar de una proporción: sqrt(p(1-p)/n); usamos 5 errores estándar.
    assert abs(dropped - rate) < 5 * np.sqrt(rate * (1 - rate) / n)
    # Las supervivientes se escalan por 1/(1-rate) ...
    np.testing.assert_allclose(y[y != 0], x[y != 0] / (1 - rate))
    # ... y así la media se conserva (tolerancia de 5 errores estándar).
    se = np.sqrt(rate / (1 - rate)) * np.sqrt(np.mean(x ** 2) / n)
    assert abs(y.mean() - x.mean()) < 5 * se


def test_identity_at_inference_and_rate_zero():
    x = np.random.default_rng(1).normal(size=(4, 3, 3, 2)).astype("float32")
    assert dropout(x, 0.5, training=False) is not None
    np.testing.assert_array_equal(dropout(x, 0.5, training=False), x)
    np.testing.assert_array_equal(dropout(x, 0.0, training=True, rng=np.random.default_rng(0)), x)


def test_shape_dtype_and_reproducibility():
    x = np.ones((8, 5), dtype="float32")
    a = dropout(x, 0.3, training=True, rng=np.random.default_rng(7))
    b = dropout(x, 0.3, training=True, rng=np.random.default_rng(7))
    assert a.shape == x.shape and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    mask = dropout_mask((8, 5), 0.3, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(mask, a != 0)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_rate_outside_range(rate):
    with pytest.raises(ValueError, match=r"rate debe estar en \[0, 1\)"):
        dropout(np.ones(3), rate, training=True)


def test_bad_types():
    with pytest.raises(TypeError, match="rate debe ser un número"):
        dropout(np.ones(3), "0.5", training=True)
    with pytest.raises(TypeError, match="generador de NumPy"):
        dropout(np.ones(3), 0.5, training=True, rng=0)
    with pytest.raises(TypeError, match="numérica"):
        dropout(np.array(["a"]), 0.5, training=True)
