import keras
import numpy as np
import pytest

from cnnlab.augment import RandomShift


def _images(n=6, size=8, channels=2):
    return np.random.default_rng(0).random((n, size, size, channels)).astype("float32")


def _reflected_shifts(image, m):
    """Todas las ventanas del tamaño original de la imagen rellenada por reflejo."""
    padded = np.pad(image, ((m, m), (m, m), (0, 0)), mode="reflect")
    h, w = image.shape[:2]
    return {(dy - m, dx - m): padded[dy:dy + h, dx:dx + w]
            for dy in range(2 * m + 1) for dx in range(2 * m + 1)}


def test_inference_returns_the_input_unchanged():
    x = _images()
    out = keras.ops.convert_to_numpy(RandomShift(2, seed=1)(x, training=False))
    assert np.array_equal(out, x)


def test_each_image_is_an_integer_shift_with_reflected_borders():
    x, m = _images(n=40), 2
    out = keras.ops.convert_to_numpy(RandomShift(m, seed=3)(x, training=True))
    assert out.shape == x.shape
    seen = set()
    for image, shifted in zip(x, out):
        matches = [s for s, window in _reflected_shifts(image, m).items()
                   if np.allclose(window, shifted)]
        assert len(matches) == 1, "la salida no es un desplazamiento entero de la entrada"
        seen.add(matches[0])
    assert len(seen) > 5, "los desplazamientos no varían entre las imágenes del lote"
    assert all(abs(dy) <= m and abs(dx) <= m for dy, dx in seen)


def test_the_same_seed_gives_the_same_shifts_and_calls_differ():
    x = _images()
    a, b = RandomShift(2, seed=7), RandomShift(2, seed=7)
    first_a = keras.ops.convert_to_numpy(a(x, training=True))
    assert np.array_equal(first_a, keras.ops.convert_to_numpy(b(x, training=True)))
    assert not np.array_equal(first_a, keras.ops.convert_to_numpy(a(x, training=True)))


def test_zero_shift_is_the_identity_and_the_config_round_trips():
    x = _images()
    assert np.array_equal(keras.ops.convert_to_numpy(RandomShift(0)(x, training=True)), x)
    layer = RandomShift(3, seed=5, name="desplazamiento")
    clone = RandomShift.from_config(layer.get_config())
    assert (clone.max_shift, clone.seed, clone.name) == (3, 5, "desplazamiento")


def test_inside_a_model_it_trains_and_keeps_the_shape():
    inputs = keras.Input((8, 8, 2))
    x = RandomShift(1, seed=0)(inputs)
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(x))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    labels = (np.arange(16) % 3).astype("int32")
    history = model.fit(_images(16), labels, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), (True, TypeError),
                                        ("3", TypeError)])
def test_bad_max_shift_is_refused_in_spanish(bad, error):
    """Como en todo el paquete: tipo equivocado, TypeError; valor fuera de rango, ValueError."""
    with pytest.raises(error, match="max_shift debe ser un entero"):
        RandomShift(bad)


def test_a_shift_as_large_as_the_image_is_refused():
    with pytest.raises(ValueError, match="menor que el alto y el ancho"):
        RandomShift(8)(_images(size=8), training=True)
