"""cnnlab.plots: figuras de comparación con rótulos en español y errores claros."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from cnnlab import plots, training  # noqa: E402


def result(name, values):
    history = {"loss": [1.0] * len(values), "accuracy": values,
               "val_loss": [1.0] * len(values), "val_accuracy": values}
    return training.Result(name, history, 1.0, values[-1], 1.0, 10)


def test_compare_validation_overlays_one_line_per_version():
    fig = plots.compare_validation([result("v1", [0.3, 0.4]), result("v2", [0.4, 0.5, 0.6])])
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["v1", "v2"]
    assert ax.get_xlabel() == "época" and ax.get_ylabel() == "exactitud de validación"
    assert list(ax.get_lines()[1].get_ydata()) == [0.4, 0.5, 0.6]


def test_compare_validation_errors():
    with pytest.raises(ValueError, match="al menos un resultado"):
        plots.compare_validation([])
    bare = training.Result("v9", {"loss": [1.0]}, 1.0, 0.5, 1.0, 10)
    with pytest.raises(ValueError, match="'v9' no tiene la métrica 'val_accuracy'"):
        plots.compare_validation([bare])


def test_augmentation_grid_shape_and_titles():
    originals = np.zeros((2, 8, 8, 3), np.float32)
    versions = np.ones((3, 2, 8, 8, 3), np.float32)
    fig = plots.augmentation_grid(originals, versions)
    assert len(fig.axes) == 2 * 4
    assert [ax.get_title() for ax in fig.axes[:4]] == ["original", "aumento 1", "aumento 2", "aumento 3"]
    with pytest.raises(ValueError, match="versions debe tener forma"):
        plots.augmentation_grid(originals, versions[:, :1])


def test_activation_statistics():
    fig = plots.activation_statistics({"sin BN": {"mean": [0, 1], "std": [1, 2]},
                                       "con BN": {"mean": [0, 0], "std": [1, 1]}})
    assert [ax.get_ylabel() for ax in fig.axes] == ["media", "desviación estándar"]
    with pytest.raises(ValueError, match="deben tener las claves 'mean' y 'std'"):
        plots.activation_statistics({"x": {"mean": [0]}})
    with pytest.raises(ValueError, match="stats está vacío"):
        plots.activation_statistics({})
