"""cnnlab.training y cnnlab.plots sobre datos sintéticos."""

import os
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import keras  # noqa: E402

from cnnlab import plots, training  # noqa: E402


def tiny_problem(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8, 8, 3)).astype("float32")
    y = (x[:, :, :, 0].mean(axis=(1, 2)) > 0).astype("int32")
    return x, y


def tiny_model():
    inputs = keras.Input((8, 8, 3))
    h = keras.layers.Flatten()(keras.layers.Conv2D(4, 3)(inputs))
    return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(h))


def test_train_returns_a_result_and_logs_in_spanish(capsys):
    keras.utils.set_random_seed(0)
    x, y = tiny_problem()
    result = training.train(tiny_model(), x, y, x, y, epochs=2, batch_size=16, name="prueba")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["Época", "pérdida", "exactitud", "val_pérdida", "val_exactitud",
                                "segundos"]
    assert lines[1].split()[0] == "1/2" and lines[2].split()[0] == "2/2"
    assert lines[3].startswith("Prueba · pérdida") and "Aviso" not in out
    assert max(len(line) for line in lines) <= 79
    assert result.epochs == 2 and set(result.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    # con prueba como validación, la última val_accuracy es la exactitud de prueba
    assert result.test_accuracy == pytest.approx(result.final("val_accuracy"), abs=1e-6)
    assert result.images_per_second > 0
    assert result.metrics()["epochs"] == 2


def test_result_gap_and_speed_from_known_numbers():
    result = training.Result("r", {"loss": [1.0, 0.8], "accuracy": [0.5, 0.9]},
                             test_loss=0.7, test_accuracy=0.75, seconds=4.0, train_images=10)
    assert result.gap == pytest.approx(0.15)  # la última exactitud de entrenamiento − la de prueba
    assert result.images_per_second == pytest.approx(5.0)  # 10 imágenes × 2 épocas / 4 s


def test_recompiling_is_announced_and_compile_false_needs_a_compiled_model(capsys):
    x, y = tiny_problem()
    model = tiny_model()
    training.train(model, x, y, x, y, epochs=1, log=False)
    assert capsys.readouterr().out == ""
    training.train(model, x, y, x, y, epochs=1, learning_rate=1e-4, log=False)
    assert "ya estaba compilado; se vuelve a compilar con tasa 0.0001" in capsys.readouterr().out
    training.train(model, x, y, x, y, epochs=1, compile=False, log=False)
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="no está compilado"):
        training.train(tiny_model(), x, y, x, y, epochs=1, compile=False)


def test_compile_uses_the_class_settings():
    model = training.compile_model(tiny_model())
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)
    assert model.loss == "sparse_categorical_crossentropy"


def test_bad_arguments():
    x, y = tiny_problem()
    with pytest.raises(ValueError, match="epochs .el número de épocas. debe ser un entero "
                       "positivo y vale 0"):
        training.train(tiny_model(), x, y, x, y, epochs=0)
    for wrong in (2.5, "3", True):  # un tipo equivocado: TypeError en español, sin entrenar
        with pytest.raises(TypeError, match="epochs .el número de épocas. debe ser un entero"):
            training.train(tiny_model(), x, y, x, y, epochs=wrong)
    with pytest.raises(TypeError, match="batch_size .el tamaño del lote. debe ser un entero"):
        training.train(tiny_model(), x, y, x, y, epochs=1, batch_size=32.0)
    with pytest.raises(ValueError, match="deben coincidir"):
        training.train(tiny_model(), x, y[:10], x, y, epochs=1)
    result = training.Result("r", {"loss": [1.0]}, 1.0, 0.5, 1.0, 10)
    with pytest.raises(KeyError, match="no tiene la métrica 'accuracy'"):
        result.final("accuracy")


def test_plots_have_spanish_labels():
    result = training.Result("v1", {"loss": [2.0, 1.5], "accuracy": [0.3, 0.4],
                                    "val_loss": [2.1, 1.7], "val_accuracy": [0.28, 0.38]}, 1.7, 0.38, 3.0, 100)
    fig = plots.learning_curves(result)
    assert [ax.get_xlabel() for ax in fig.axes] == ["época", "época"]
    assert fig.axes[1].get_ylabel() == "exactitud"
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert labels == ["v1 · entrenamiento", "v1 · validación"]
    x = np.zeros((20, 32, 32, 3), np.uint8)
    grid = plots.image_grid(x, np.arange(20) % 10, [f"c{i}" for i in range(10)], per_class=2)
    assert len(grid.axes) == 20


def test_train_gives_the_same_history_as_fit_with_arrays():
    # Con TensorFlow, train arma los lotes sin el autoajuste de tf.data (tf_batches): deben
    # ser los mismos que arma fit con arreglos (misma permutación, mismo orden, último lote
    # incompleto), así que la historia tiene que coincidir.
    x, y = tiny_problem(n=70)
    keras.utils.set_random_seed(1)
    model = training.compile_model(tiny_model(), steps_per_execution=16)
    expected = model.fit(x, y, batch_size=16, epochs=3, validation_data=(x, y),
                         verbose=0).history
    keras.utils.set_random_seed(1)
    result = training.train(tiny_model(), x, y, x, y, epochs=3, batch_size=16, log=False)
    assert set(result.history) == set(expected)
    for key, values in expected.items():
        assert result.history[key] == pytest.approx(values, rel=1e-6), key


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="solo TensorFlow usa tf.data")
def test_tf_batches_keep_the_order_and_turn_off_autotune():
    x, y = tiny_problem(n=70)
    dataset = training.tf_batches(x, y, 16, shuffle=False)
    assert dataset.options().autotune.enabled is False
    assert int(dataset.cardinality()) == 5  # 4 lotes de 16 y uno de 6
    batches = [(bx.numpy(), by.numpy()) for bx, by in dataset]
    assert [len(bx) for bx, _ in batches] == [16, 16, 16, 16, 6]
    np.testing.assert_array_equal(np.concatenate([bx for bx, _ in batches]), x)
    np.testing.assert_array_equal(np.concatenate([by for _, by in batches]), y)
    shuffled = np.concatenate([by for _, by in training.tf_batches(x, y, 16, shuffle=True)])
    assert sorted(shuffled) == sorted(y)


JIT_CHECK = r"""
import numpy as np, keras
from cnnlab import training

def build():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 3))
    h = keras.Sequential([keras.layers.RandomTranslation(0.2, 0.2),
                          keras.layers.RandomRotation(0.05),
                          keras.layers.RandomZoom(0.1)])(inputs)
    h = keras.layers.Flatten()(keras.layers.Conv2D(4, 3)(h))
    return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(h))

rng = np.random.default_rng(0)
x = rng.normal(size=(64, 8, 8, 3)).astype("float32")
y = (x[:, :, :, 0].mean(axis=(1, 2)) > 0).astype("int32")

# Lo que hace Keras solo: con esas capas, ni XLA ni jit (operación por operación)
plain = training.compile_model(build())
assert plain.jit_compile is False
plain.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)

fast = training.compile_model(build())
assert training.jit_on_jax(fast) is True and fast.jit_compile is True
assert training.jit_on_jax(fast) is False  # ya compila con XLA: nada que hacer
fast.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
# la misma matemática: mismos sorteos del aumento, mismos pasos de Adam
for a, b in zip(plain.get_weights(), fast.get_weights()):
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
assert not np.allclose(plain.get_weights()[0], build().get_weights()[0])  # sí entrenó

eager = build()
eager.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=True)
assert training.jit_on_jax(eager) is False and eager.jit_compile is False

# train lo aplica solo
result = training.train(build(), x, y, x, y, epochs=1, batch_size=16, log=False)
assert result.epochs == 1
"""


def test_on_jax_augmented_models_train_compiled_with_the_same_math():
    """RandomTranslation, RandomRotation y RandomZoom dejan a Keras sin XLA; en JAX, train
    se lo devuelve (en un proceso aparte: Keras elige el backend al importarse)."""
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    done = subprocess.run([sys.executable, "-c", JIT_CHECK], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_jit_on_jax_leaves_other_backends_alone():
    model = training.compile_model(keras.Sequential([keras.Input((8, 8, 3)),
                                                     keras.layers.RandomTranslation(0.2, 0.2),
                                                     keras.layers.Flatten(),
                                                     keras.layers.Dense(2)]))
    assert training.jit_on_jax(model) is False
    assert model.jit_compile is False and not model.layers[0].supports_jit
