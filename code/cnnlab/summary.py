"""Resumen de un modelo de Keras en español y en 79 columnas.

``model.summary()`` de Keras escribe en inglés, con colores de terminal y en tablas de unas
100 columnas que no caben en la página. :func:`summary` da la misma información (capa, tipo,
forma de salida y parámetros de cada capa, y los totales) en español, con los miles separados
por un espacio fino, sin colores y en el ancho de una celda de código.
"""

from __future__ import annotations

import keras
import numpy as np

from cnnlab.glue import thousands

#: Ancho máximo de cada línea del resumen, el de las celdas de código del libro.
WIDTH = 79
_HEADERS = ("Capa (tipo)", "Forma de salida", "Parámetros")


def _count(weights) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def _shape(layer: keras.layers.Layer) -> str:
    try:
        output = layer.output
    except (AttributeError, ValueError) as err:
        raise ValueError(f"La capa {layer.name!r} todavía no tiene forma de salida: construye el "
                         "modelo antes (con un keras.Input o llamándolo sobre un lote) y vuelve "
                         "a pedir el resumen.") from err
    if isinstance(output, (list, tuple)):
        return ", ".join(str(tuple(o.shape)) for o in output)
    return str(tuple(output.shape))


def summary_text(model: keras.Model) -> str:
    """El resumen de ``model`` como texto, cada línea de :data:`WIDTH` columnas o menos."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"summary espera un modelo de Keras (keras.Model) y recibió "
                        f"{type(model).__name__}.")
    rows = [(f"{layer.name} ({type(layer).__name__})", _shape(layer),
             thousands(_count(layer.weights))) for layer in model.layers]
    shape_width = max(len(_HEADERS[1]), *(len(r[1]) for r in rows))
    count_width = max(len(_HEADERS[2]), *(len(r[2]) for r in rows))
    name_width = WIDTH - shape_width - count_width - 4
    if name_width < 16:
        raise ValueError(f"Las formas de salida de {model.name} son demasiado largas para un "
                         f"resumen de {WIDTH} columnas.")

    def line(name: str, shape: str = "", count: str = "") -> str:
        return f"{name:<{name_width}}  {shape:<{shape_width}}  {count:>{count_width}}".rstrip()

    out = [f"Modelo: {model.name}", "─" * WIDTH, line(*_HEADERS), "─" * WIDTH]
    for name, shape, count in rows:
        if len(name) > name_width:  # el tipo va en su propia línea, debajo del nombre
            layer_name, kind = name.split(" (", 1)
            out += [line(layer_name[:name_width], shape, count), line(f"  ({kind}"[:name_width])]
        else:
            out.append(line(name, shape, count))
    trainable, frozen = _count(model.trainable_weights), _count(model.non_trainable_weights)
    out += ["─" * WIDTH,
            f"Parámetros: {thousands(trainable + frozen)} en total · {thousands(trainable)} "
            f"entrenables · {thousands(frozen)} no entrenables"]
    return "\n".join(out)


def summary(model: keras.Model) -> None:
    """Imprime el resumen de ``model`` en español (lo que ``model.summary()`` en Keras)."""
    print(summary_text(model))
