"""Resultados que reportó la clase (datos de las diapositivas), para compararlos con los nuestros.

Son hechos de la clase, no mediciones de este libro: los capítulos los muestran como
«en la clase se obtuvo…» junto a los números de sus propias ejecuciones.
"""

from __future__ import annotations

#: Métricas finales de la clase por experimento: exactitud y pérdida de entrenamiento y prueba.
CLASS_RESULTS: dict[str, dict] = {
    "v1_10": {"epochs": 10, "train_acc": 0.4348, "test_acc": 0.4130, "test_loss": 1.7112},
    "v1_25": {"epochs": 25, "train_acc": 0.4475, "train_loss": 1.6320},
    "v1_45": {"epochs": 45, "train_acc": 0.4578, "train_loss": 1.6033, "test_acc": 0.4020,
              "test_loss": 1.7559},
    "v2_25": {"epochs": 25, "train_acc": 0.6738, "train_loss": 0.9369, "test_acc": 0.6163, "test_loss": 1.0968},
    "v3_25": {"epochs": 25, "train_acc": 0.9847, "train_loss": 0.0436, "test_acc": 0.6867, "test_loss": 2.5334},
    "v4_25": {"epochs": 25, "train_acc": 0.8329, "train_loss": 0.4760, "test_acc": 0.8011, "test_loss": 0.6071},
    "v5_25": {"epochs": 25, "train_acc": 0.7942, "train_loss": 0.6005, "test_acc": 0.7942, "test_loss": 0.6171},
    # ResNet50 en perros y gatos: unas 23 000 imágenes, 509 pasos por época, 5 épocas de
    # extracción de características y 5 de ajuste fino; matriz de confusión con filas
    # reales (gato, perro) y columnas predichas.
    "transfer_resnet50": {"images": 23000, "steps_per_epoch": 509, "epochs_fe": 5, "epochs_ft": 5,
                          "fe_val_acc_first": 0.9805, "fe_val_acc_last": 0.9819,
                          "ft_val_acc_best": 0.9868, "test_acc": 0.9831,
                          "confusion": [[1681, 39], [20, 1749]]},
}


def class_result(key: str) -> dict[str, float]:
    """Las métricas de la clase para un experimento (``'v1_10'``, ``'v3_25'``…)."""
    if key not in CLASS_RESULTS:
        raise KeyError(f"La clase no reportó el experimento {key!r}; hay: {', '.join(CLASS_RESULTS)}.")
    return CLASS_RESULTS[key]
