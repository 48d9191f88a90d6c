"""Pruebas de la convolución 2D en NumPy frente a keras.layers.Conv2D."""

import numpy as np
import pytest

from cnnlab.scratch.convolution import conv2d, output_size, same_padding

import keras  # noqa: E402  (cnnlab silencia los registros antes de importar Keras)


def _keras_conv(x, kernel, bias, strides, padding):
    layer = keras.layers.Conv2D(kernel.shape[-1], kernel.shape[:2], strides=strides,
                                padding=padding)
    layer.build((None,) + x.shape[1:])
    layer.set_weights([kernel, bias])
    return keras.ops.convert_to_numpy(layer(x))


@pytest.mark.parametrize("size", [(7, 7), (8, 9), (11, 6)])
@pytest.mark.parametrize("kernel_size", [(1, 1), (2, 2), (3, 3), (4, 3), (5, 5)])
@pytest.mark.parametrize("strides", [1, 2, 3, (1, 2)])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_matches_keras_conv2d(size, kernel_size, strides, padding):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2,) + size + (3,)).astype("float32")
    kernel = rng.normal(size=kernel_size + (3, 4)).astype("float32")
    bias = rng.normal(size=4).astype("float32")
    expected = _keras_conv(x, kernel, bias, strides, padding)
    ours = conv2d(x, kernel, bias, strides=strides, padding=padding)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, atol=1e-5, rtol=1e-5)


def test_single_image_and_no_bias():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 5, 2))
    kernel = rng.normal(size=(3, 3, 2, 1))
    out = conv2d(x, kernel)
    assert out.shape == (4, 3, 1)
    # una posición calculada a mano: correlación cruzada (el filtro no se voltea)
    assert np.isclose(out[1, 2, 0], np.sum(x[1:4, 2:5, :] * kernel[..., 0]))


def test_same_padding_rule_puts_the_odd_pixel_after():
    assert same_padding(5, 2, 1) == (0, 1)
    assert same_padding(7, 4, 2) == (1, 2)
    assert same_padding(8, 3, 2) == (0, 1)
    assert same_padding(6, 1, 3) == (0, 0)
    assert output_size(7, 3, 2, "same") == 4
    assert output_size(7, 3, 2, "valid") == 3


def test_kernel_larger_than_input_with_valid():
    with pytest.raises(ValueError, match="más grande que la entrada"):
        conv2d(np.zeros((4, 4, 1)), np.zeros((5, 5, 1, 2)), padding="valid")
    # con "same" sí funciona
    assert conv2d(np.zeros((4, 4, 1)), np.zeros((5, 5, 1, 2)), padding="same").shape == (4, 4, 2)


@pytest.mark.parametrize("strides", [0, -1, (1, 0)])
def test_bad_stride(strides):
    with pytest.raises(ValueError, match="debe ser positivo"):
        conv2d(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1)), strides=strides)


def test_wrong_rank_and_channel_mismatch():
    with pytest.raises(ValueError, match="dimensiones"):
        conv2d(np.zeros((5, 5)), np.zeros((3, 3, 1, 1)))
    with pytest.raises(ValueError, match="Los canales no coinciden"):
        conv2d(np.zeros((5, 5, 3)), np.zeros((3, 3, 1, 2)))
    with pytest.raises(ValueError, match="kernel debe tener forma"):
        conv2d(np.zeros((5, 5, 1)), np.zeros((3, 3, 1)))
    with pytest.raises(ValueError, match="padding"):
        conv2d(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="full")
    with pytest.raises(TypeError, match="entero"):
        conv2d(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1)), strides=1.5)
