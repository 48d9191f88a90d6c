"""Pruebas de la visualización de filtros, mapas de características y ascenso por gradiente."""

import matplotlib

matplotlib.use("Agg")

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cnnlab import visualize  # noqa: E402

import keras  # noqa: E402
from keras import layers  # noqa: E402


def _tiny_model(seed=0):
    keras.utils.set_random_seed(seed)
    inputs = layers.Input((12, 12, 3))
    x = layers.Conv2D(4, 3, padding="same", activation="relu", name="c1")(inputs)
    x = layers.MaxPooling2D(2, name="p1")(x)
    # c2 sin activación (como las convoluciones de las versiones 4 y 5, seguidas de ReLU):
    # así el objetivo tiene gradiente aunque el filtro empiece apagado.
    x = layers.Conv2D(6, 3, padding="same", name="c2")(x)
    x = layers.Activation("relu", name="r2")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def test_filter_grid_and_first_conv_layer():
    model = _tiny_model()
    layer = visualize.first_conv_layer(model)
    assert layer.name == "c1"
    fig = visualize.filter_grid(layer.get_weights()[0], ncols=2)
    assert len([ax for ax in fig.axes if ax.images]) == 4
    assert fig.get_size_inches()[0] <= 9
    with pytest.raises(ValueError, match="forma"):
        visualize.filter_grid(np.zeros((3, 3, 4)))


def test_feature_maps_shapes_and_grid():
    model = _tiny_model()
    images = np.random.default_rng(0).uniform(size=(2, 12, 12, 3)).astype("float32")
    maps = visualize.feature_maps(model, images, ["c1", "p1", "c2"])
    assert {k: v.shape for k, v in maps.items()} == {
        "c1": (2, 12, 12, 4), "p1": (2, 6, 6, 4), "c2": (2, 6, 6, 6)}
    fig = visualize.feature_map_grid(maps, image=images[0], channels=4)
    assert fig.get_size_inches()[0] <= 9
    with pytest.raises(ValueError, match="no tiene las capas"):
        visualize.feature_maps(model, images, ["no_existe"])


@pytest.mark.parametrize("filter_index,blur_every", [(1, 0), (4, 0), (1, 3)])
def test_gradient_ascent_increases_the_filter_activation(filter_index, blur_every):
    model = _tiny_model()
    pattern, trace = visualize.maximize_filter(model, "c2", filter_index=filter_index, steps=15,
                                               step_size=0.05, border=1, blur_every=blur_every)
    assert pattern.shape == (12, 12, 3)
    assert len(trace) == 16
    assert trace[-1] > trace[0] + 0.1
    assert pattern.min() >= 0.0 and pattern.max() <= 1.0
    fig = visualize.pattern_grid([pattern, pattern], ["c2 · 1", "c2 · 1"])
    assert len([ax for ax in fig.axes if ax.images]) == 2


def test_batched_ascent_matches_one_filter_at_a_time():
    """Varios filtros en un lote dan lo mismo que buscarlos uno por uno (inferencia: las
    imágenes no se mezclan), con la traza de cada uno en su columna."""
    model = _tiny_model()
    images, traces = visualize.maximize_filters(model, "c2", [1, 4, 1], steps=6,
                                                step_size=0.05, seeds=[0, 3, 7], border=1,
                                                blur_every=2)
    assert images.shape == (3, 12, 12, 3) and traces.shape == (7, 3)
    for column, (index, seed) in enumerate(((1, 0), (4, 3), (1, 7))):
        alone, trace = visualize.maximize_filter(model, "c2", index, steps=6, step_size=0.05,
                                                 seed=seed, border=1, blur_every=2)
        np.testing.assert_allclose(images[column], alone, atol=1e-4)
        np.testing.assert_allclose(traces[:, column], trace, rtol=1e-4, atol=1e-5)
    assert not np.allclose(images[0], images[2])   # mismo filtro, otra semilla


def test_batched_ascent_bad_arguments():
    model = _tiny_model()
    with pytest.raises(ValueError, match="una semilla por filtro: hay 2 filtros y 1 semillas"):
        visualize.maximize_filters(model, "c2", [0, 1], seeds=[0])
    with pytest.raises(ValueError, match="filter_indices está vacío"):
        visualize.maximize_filters(model, "c2", [])
    with pytest.raises(ValueError, match="steps .*debe ser un entero positivo y vale 0"):
        visualize.maximize_filters(model, "c2", [0], steps=0)
    with pytest.raises(TypeError, match="steps .*debe ser un entero positivo y es str"):
        visualize.maximize_filters(model, "c2", [0], steps="20")


GRADIENT_CHECK = textwrap.dedent("""
    import sys
    import keras
    import numpy as np
    from cnnlab import visualize
    assert keras.backend.backend() == sys.argv[1], keras.backend.backend()
    value_and_grad = visualize.gradient_function(lambda x: keras.ops.sum(x * x))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    value, grad = value_and_grad(x)
    assert abs(value - 55.0) < 1e-4 and np.allclose(grad, 2 * x), (value, grad)
    rows, grad = visualize.gradient_function(lambda x: keras.ops.sum(x * x, axis=1))(x)
    assert np.allclose(rows, [5.0, 50.0]) and np.allclose(grad, 2 * x), (rows, grad)
    keras.utils.set_random_seed(0)
    inputs = keras.layers.Input((12, 12, 3))
    conv = keras.layers.Conv2D(6, 3, padding="same", name="c")(inputs)
    model = keras.Model(inputs, keras.layers.Flatten()(conv))
    _, trace = visualize.maximize_filter(model, "c", filter_index=1, steps=10, step_size=0.05)
    assert trace[-1] > trace[0] + 0.1, trace
    _, traces = visualize.maximize_filters(model, "c", [1, 2], steps=10, step_size=0.05)
    assert np.allclose(traces[:, 0], trace, rtol=1e-4) and traces[-1, 1] > traces[0, 1] + 0.1
""")


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_gradient_function_on_each_backend_it_claims(backend):
    """El código propio de cada backend, en su backend (un proceso aparte: Keras elige el
    backend al importarse)."""
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", GRADIENT_CHECK, backend], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_gradient_function_names_the_backends_it_supports(monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "numpy")
    with pytest.raises(ValueError, match="no está disponible en el backend 'numpy'.*jax"):
        visualize.gradient_function(lambda x: x)


def test_blur_keeps_constants_and_smooths():
    flat = np.full((1, 5, 5, 2), 0.3)
    np.testing.assert_allclose(visualize._blur(flat), flat)
    spike = np.zeros((1, 5, 5, 1))
    spike[0, 2, 2, 0] = 1.0
    blurred = visualize._blur(spike)
    assert np.isclose(blurred.sum(), 1.0) and np.isclose(blurred[0, 2, 2, 0], 0.25)


def test_gradient_ascent_bad_filter_index():
    with pytest.raises(ValueError, match="filter_index debe estar entre 0 y 5"):
        visualize.maximize_filter(_tiny_model(), "c2", filter_index=6)


def test_mean_spatial_frequency_fine_versus_coarse():
    y, x = np.mgrid[0:16, 0:16]
    fine = (x % 2).astype(float)            # alterna en cada píxel: 0.5 ciclos por píxel
    coarse = (x // 8).astype(float)         # dos franjas anchas
    assert np.isclose(visualize.mean_spatial_frequency(fine), 0.5)
    assert visualize.mean_spatial_frequency(coarse) < 0.2
    assert visualize.mean_spatial_frequency(np.ones((8, 8, 3))) == 0.0
    with pytest.raises(ValueError, match="forma"):
        visualize.mean_spatial_frequency(np.zeros(5))
