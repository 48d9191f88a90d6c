"""Pruebas del agrupamiento en NumPy frente a Keras y del experimento de traslación."""

import numpy as np
import pytest

from cnnlab.scratch.pooling import (average_pool2d, max_pool2d, prediction_change,
                                    representation_change, shift_images)

import keras  # noqa: E402  (cnnlab silencia los registros antes de importar Keras)

LAYERS = {"max": (keras.layers.MaxPooling2D, max_pool2d),
          "average": (keras.layers.AveragePooling2D, average_pool2d)}


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("size", [(6, 6), (7, 9), (5, 8)])
@pytest.mark.parametrize("pool_size,strides", [(2, None), (3, None), (2, 1), (3, 2), ((2, 3), (1, 2))])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_matches_keras(mode, size, pool_size, strides, padding):
    keras_layer, ours_fn = LAYERS[mode]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2,) + size + (3,)).astype("float32")
    expected = keras.ops.convert_to_numpy(
        keras_layer(pool_size=pool_size, strides=strides, padding=padding)(x))
    ours = ours_fn(x, pool_size, strides, padding)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, atol=1e-5, rtol=1e-5)


def test_single_image_by_hand():
    x = np.arange(16, dtype="float32").reshape(4, 4, 1)
    np.testing.assert_array_equal(max_pool2d(x)[..., 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(average_pool2d(x)[..., 0], [[2.5, 4.5], [10.5, 12.5]])


def test_bad_inputs_give_spanish_errors():
    with pytest.raises(ValueError, match="más grande"):
        max_pool2d(np.zeros((2, 2, 1)), pool_size=3)
    with pytest.raises(ValueError, match="debe ser positivo"):
        max_pool2d(np.zeros((4, 4, 1)), strides=0)
    with pytest.raises(ValueError, match="debe ser positivo"):
        average_pool2d(np.zeros((4, 4, 1)), pool_size=-2)
    with pytest.raises(ValueError, match="dimensiones"):
        average_pool2d(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="padding"):
        max_pool2d(np.zeros((4, 4, 1)), padding="full")


def test_shift_images():
    x = np.zeros((1, 5, 5, 1))
    x[0, 1, 1, 0] = 1
    moved = shift_images(x, 2, 1)
    assert moved[0, 3, 2, 0] == 1 and moved.sum() == 1
    back = shift_images(x, -1, -1)
    assert back[0, 0, 0, 0] == 1
    assert shift_images(x, 0, 5 - 1).sum() == 0  # el punto sale por el borde
    with pytest.raises(ValueError, match="tan grande como la imagen"):
        shift_images(x, 5, 0)
    with pytest.raises(ValueError, match="lote"):
        shift_images(x[0], 1, 1)


def test_representation_change_on_a_toy_input():
    # Un punto brillante en (2, 2) de una imagen 8x8. Un agrupamiento máximo 4x4 no cambia
    # al moverlo 1 píxel (sigue en la misma ventana); la imagen cruda sí cambia del todo.
    x = np.zeros((1, 8, 8, 1), dtype="float32")
    x[0, 1, 1, 0] = 1.0
    identity = representation_change(lambda v: v, x, shifts=(1, 2, 3))
    np.testing.assert_allclose(identity, np.sqrt(2))  # ‖e_i − e_j‖ / ‖e_i‖
    pooled = representation_change(lambda v: max_pool2d(v, 4), x, shifts=(1, 2, 3))
    np.testing.assert_allclose(pooled, [0.0, 0.0, np.sqrt(2)])
    assert representation_change(lambda v: v, x, shifts=(0,))[0] == 0.0


def test_prediction_change_counts_argmax_flips():
    x = np.zeros((2, 6, 6, 1), dtype="float32")
    x[0, 0, 0, 0] = 1.0  # en la mitad izquierda
    x[1, 0, 4, 0] = 1.0  # en la mitad derecha, ya en el borde de la clase 1

    def left_or_right(v):
        left = v[:, :, :3].sum(axis=(1, 2, 3))
        right = v[:, :, 3:].sum(axis=(1, 2, 3))
        return np.stack([left, right], axis=-1)

    flips = prediction_change(left_or_right, x, shifts=(1, 3), directions=((0, 1),))
    np.testing.assert_allclose(flips, [0.0, 1.0])
