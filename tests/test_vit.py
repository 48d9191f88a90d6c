"""Pruebas de cnnlab.vit: parches de ida y vuelta, capas, modelo y rollout de atención."""

import keras
import numpy as np
import pytest

from cnnlab import vit


def test_patches_round_trip_numpy():
    rng = np.random.default_rng(0)
    images = rng.random((3, 32, 32, 3)).astype("float32")
    patches = vit.image_to_patches(images, 4)
    assert patches.shape == (3, 64, 48)
    np.testing.assert_array_equal(vit.patches_to_image(patches, 32, 4), images)
    # El primer parche es la esquina superior izquierda; el segundo, el de su derecha.
    np.testing.assert_array_equal(patches[0, 0].reshape(4, 4, 3), images[0, :4, :4])
    np.testing.assert_array_equal(patches[0, 1].reshape(4, 4, 3), images[0, :4, 4:8])
    np.testing.assert_array_equal(patches[0, 8].reshape(4, 4, 3), images[0, 4:8, :4])


def test_single_image_and_rectangular():
    image = np.arange(8 * 12 * 1).reshape(8, 12, 1)
    patches = vit.image_to_patches(image, 4)
    assert patches.shape == (1, 6, 16)
    np.testing.assert_array_equal(vit.patches_to_image(patches, (8, 12), 4, channels=1)[0], image)


def test_patches_layer_matches_numpy():
    images = np.random.default_rng(1).random((2, 16, 16, 3)).astype("float32")
    out = keras.ops.convert_to_numpy(vit.Patches(4)(images))
    np.testing.assert_allclose(out, vit.image_to_patches(images, 4))


def test_patch_errors():
    with pytest.raises(ValueError, match="no es múltiplo"):
        vit.image_to_patches(np.zeros((1, 30, 30, 3)), 4)
    with pytest.raises(ValueError, match="entero positivo"):
        vit.image_to_patches(np.zeros((1, 32, 32, 3)), 0)
    with pytest.raises(ValueError, match="forma"):
        vit.image_to_patches(np.zeros((32, 32)), 4)
    with pytest.raises(ValueError, match="se esperaban parches"):
        vit.patches_to_image(np.zeros((1, 10, 48)), 32, 4)
    with pytest.raises(ValueError, match="entero positivo"):
        vit.Patches(-2)


def test_cls_and_position_shapes():
    layer = vit.ClassTokenAndPosition()
    out = layer(np.zeros((2, 16, 8), dtype="float32"))
    assert tuple(out.shape) == (2, 17, 8)
    assert sum(int(np.prod(w.shape)) for w in layer.weights) == 8 + 17 * 8


def test_small_vit_shapes_params_and_attention():
    model, att = vit.small_vit(image_size=16, patch_size=4, dim=16, depth=2, num_heads=2,
                               mlp_dim=32, num_classes=3, return_attention_model=True)
    dim, tokens, patch_values = 16, 17, 48
    block = (2 * 2 * dim                                   # dos LayerNormalization
             + 4 * (dim * dim + dim)                        # Q, K, V y salida de la MHA
             + (dim * 32 + 32) + (32 * dim + dim))          # MLP
    expected = ((patch_values * dim + dim) + dim + tokens * dim  # embedding, CLS, posición
                + 2 * block + 2 * dim + (dim * 3 + 3))       # bloques, LN final, cabeza
    assert model.count_params() == expected
    x = np.random.default_rng(0).random((4, 16, 16, 3)).astype("float32")
    probs = model.predict(x, verbose=0)
    assert probs.shape == (4, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-5)
    scores = att.predict(x, verbose=0)
    assert len(scores) == 2 and scores[0].shape == (4, 2, tokens, tokens)
    np.testing.assert_allclose(scores[0].sum(axis=-1), 1, atol=1e-5)


def test_small_vit_errors():
    with pytest.raises(ValueError, match="múltiplo"):
        vit.small_vit(image_size=30, patch_size=4)
    with pytest.raises(ValueError, match="múltiplo de num_heads"):
        vit.small_vit(dim=30, num_heads=4)
    with pytest.raises(ValueError, match="entero positivo"):
        vit.small_vit(depth=0)


def test_attention_rollout():
    rng = np.random.default_rng(0)
    raw = rng.random((2, 3, 2, 5, 5))
    scores = [s / s.sum(axis=-1, keepdims=True) for s in raw]
    rollout = vit.attention_rollout(scores)
    assert rollout.shape == (3, 5, 5)
    np.testing.assert_allclose(rollout.sum(axis=-1), 1)
    # Con atención uniforme en un bloque, el rollout es (U + I) / 2 normalizado.
    uniform = np.full((1, 1, 5, 5), 0.2)
    np.testing.assert_allclose(vit.attention_rollout([uniform])[0], (np.full((5, 5), 0.2) + np.eye(5)) / 2)
    maps = vit.cls_attention_map(vit.attention_rollout([np.full((1, 1, 5, 5), 0.2)]), 2)
    assert maps.shape == (1, 2, 2)
    with pytest.raises(ValueError, match="lista no vacía"):
        vit.attention_rollout([])
    with pytest.raises(ValueError, match="rejilla"):
        vit.cls_attention_map(rollout, 3)
