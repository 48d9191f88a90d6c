"""Gráficas del libro con rótulos en español: curvas de aprendizaje y rejillas de imágenes."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from cnnlab.training import Result


def learning_curves(results: Result | Sequence[Result], title: str = "Curvas de aprendizaje"):
    """Pérdida y exactitud por época (entrenamiento continuo, validación discontinua)."""
    results = [results] if isinstance(results, Result) else list(results)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for i, result in enumerate(results):
        color = f"C{i}"
        epochs = np.arange(1, result.epochs + 1)
        for ax, key, label in ((axes[0], "loss", "pérdida"), (axes[1], "accuracy", "exactitud")):
            ax.plot(epochs, result.history[key], color=color, label=f"{result.name} · entrenamiento")
            if f"val_{key}" in result.history:
                ax.plot(epochs, result.history[f"val_{key}"], color=color, linestyle="--",
                        label=f"{result.name} · validación")
            ax.set_xlabel("época")
            ax.set_ylabel(label)
            ax.grid(alpha=0.3)
    axes[0].set_title("Pérdida")
    axes[1].set_title("Exactitud")
    axes[1].legend(fontsize=7, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def image_grid(x: np.ndarray, y: np.ndarray, class_names: Sequence[str], per_class: int = 8,
               title: str | None = None, seed: int = 0):
    """Una fila por clase con ``per_class`` ejemplos elegidos al azar."""
    y = np.asarray(y).reshape(-1)
    rng = np.random.default_rng(seed)
    n = len(class_names)
    cell, label_width, title_height = 0.6, 1.0, 0.4 if title else 0.05
    width, height = label_width + per_class * cell, title_height + n * cell
    fig, axes = plt.subplots(n, per_class, figsize=(width, height))
    axes = np.asarray(axes).reshape(n, per_class)
    for row, name in enumerate(class_names):
        idx = np.flatnonzero(y == row)
        picked = rng.choice(idx, min(per_class, len(idx)), replace=False) if len(idx) else []
        for col in range(per_class):
            ax = axes[row, col]
            ax.axis("off")
            if col < len(picked):
                image = x[picked[col]]
                gray = image.ndim == 2 or image.shape[-1] == 1
                ax.imshow(image.squeeze(), cmap="gray" if gray else None)
        axes[row, 0].annotate(name, (-0.1, 0.5), xycoords="axes fraction", ha="right",
                              va="center", fontsize=8)
    if title:
        fig.suptitle(title, y=1 - 0.08 / height, va="top", fontsize=10)
    fig.subplots_adjust(left=label_width / width, right=0.995, bottom=0.005,
                        top=1 - title_height / height, wspace=0.04, hspace=0.04)
    return fig


def compare_validation(results: Sequence[Result], key: str = "val_accuracy",
                       title: str = "Exactitud de validación por versión"):
    """Superpone la curva de validación (``key``) de varios entrenamientos en una sola gráfica."""
    results = list(results)
    if not results:
        raise ValueError("compare_validation necesita al menos un resultado: pasa una lista de Result.")
    for result in results:
        if key not in result.history:
            raise ValueError(f"El resultado {result.name!r} no tiene la métrica {key!r} en su "
                             f"historia; tiene {sorted(result.history)}. Entrena con validación.")
    labels = {"val_accuracy": "exactitud de validación", "val_loss": "pérdida de validación",
              "accuracy": "exactitud de entrenamiento", "loss": "pérdida de entrenamiento"}
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for i, result in enumerate(results):
        values = result.history[key]
        ax.plot(np.arange(1, len(values) + 1), values, color=f"C{i}", marker="o", markersize=3,
                label=result.name)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_xlabel("época")
    ax.set_ylabel(labels.get(key, key))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def augmentation_grid(originals: np.ndarray, versions: np.ndarray,
                      title: str = "Versiones aumentadas de las mismas imágenes"):
    """Una fila por imagen: la original y después sus versiones aumentadas.

    ``originals`` tiene forma ``(n, alto, ancho, canales)`` y ``versions``
    ``(k, n, alto, ancho, canales)``: ``k`` pasadas del aumento de datos sobre las ``n`` imágenes.
    """
    originals = np.asarray(originals)
    versions = np.asarray(versions)
    if versions.ndim != originals.ndim + 1 or versions.shape[1:] != originals.shape:
        raise ValueError(f"versions debe tener forma (k, *originals.shape) = (k, {originals.shape}) "
                         f"y tiene {versions.shape}. Apila las k pasadas con np.stack.")
    n, k = len(originals), len(versions)
    fig, axes = plt.subplots(n, k + 1, figsize=(min(9, (k + 1) * 0.9), n * 0.95))
    axes = np.asarray(axes).reshape(n, k + 1)
    for row in range(n):
        for col in range(k + 1):
            image = originals[row] if col == 0 else versions[col - 1, row]
            ax = axes[row, col]
            ax.imshow(np.clip(image, 0, 1) if image.dtype.kind == "f" else image)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title("original" if col == 0 else f"aumento {col}", fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.subplots_adjust(wspace=0.05, hspace=0.05, top=0.88)
    return fig


def activation_statistics(stats: dict[str, dict[str, Sequence[float]]],
                          title: str = "Estadísticas de una capa oculta durante el entrenamiento"):
    """Media y desviación estándar de unas activaciones por época (la época 0 es antes de entrenar).

    ``stats`` va de un nombre de red a ``{"mean": [...], "std": [...]}``, un valor por época.
    """
    if not stats:
        raise ValueError("stats está vacío: pasa al menos una red con sus listas 'mean' y 'std'.")
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for i, (name, record) in enumerate(stats.items()):
        if "mean" not in record or "std" not in record:
            raise ValueError(f"Las estadísticas de {name!r} deben tener las claves 'mean' y 'std'.")
        for ax, key in zip(axes, ("mean", "std")):
            ax.plot(np.arange(len(record[key])), record[key], marker="o", markersize=3,
                    color=f"C{i}", label=name)
    for ax, label in zip(axes, ("media", "desviación estándar")):
        ax.set_xlabel("época (0 = antes de entrenar)")
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.set_ylabel(label)
        ax.set_title(label.capitalize())
        ax.grid(alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    # La leyenda va debajo de las dos gráficas para no tapar ninguna curva.
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=8,
               frameon=False)
    return fig
