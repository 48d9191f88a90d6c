"""El resumen de un modelo en español: las mismas cuentas que Keras, en 79 columnas."""

import keras
import pytest
from keras import layers

from cnnlab import models
from cnnlab.glue import THIN_SPACE, thousands
from cnnlab.summary import WIDTH, summary, summary_text


def test_counts_and_shapes_match_keras():
    model = models.cifar10_v5()
    text = summary_text(model)
    frozen = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    assert frozen == 640  # las medias y varianzas móviles de las 5 capas BN
    assert text.splitlines()[-1] == (
        f"Parámetros: {thousands(model.count_params())} en total · "
        f"{thousands(model.count_params() - frozen)} entrenables · {frozen} no entrenables")
    for layer in model.layers:
        row = next(l for l in text.splitlines() if l.startswith(f"{layer.name} ("))
        assert str(tuple(layer.output.shape)) in row
        assert row.endswith(" " + thousands(layer.count_params()))


def test_every_line_fits_and_is_spanish():
    text = summary_text(models.cifar10_v5())
    assert all(len(line) <= WIDTH for line in text.splitlines())
    assert "Capa (tipo)" in text and "Forma de salida" in text
    assert "Param" not in text.replace("Parámetros", "") and "\x1b" not in text
    assert f"9{THIN_SPACE}248" in text  # la segunda convolución, con espacio fino


def test_a_long_name_puts_its_type_on_the_next_line():
    inputs = keras.Input((8,))
    outputs = layers.BatchNormalization(name="una_normalizacion_con_nombre_muy_largo_1")(inputs)
    lines = summary_text(keras.Model(inputs, outputs)).splitlines()
    i = next(i for i, l in enumerate(lines) if l.startswith("una_normalizacion"))
    assert lines[i + 1].strip() == "(BatchNormalization)"
    assert all(len(line) <= WIDTH for line in lines)


def test_summary_prints(capsys):
    summary(models.cifar10_v1())
    assert capsys.readouterr().out.startswith("Modelo: cifar10_v1\n")


def test_unbuilt_model_and_wrong_type_get_spanish_errors():
    with pytest.raises(ValueError, match="construye el modelo"):
        summary_text(keras.Sequential([layers.Dense(3)]))
    with pytest.raises(TypeError, match="modelo de Keras"):
        summary_text("cifar10_v5")
