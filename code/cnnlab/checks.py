"""Comprobaciones de los ejercicios que un estudiante ejecuta en su cuaderno.

La edición para estudiantes pone, bajo cada ejercicio que tiene una respuesta comprobable,
una celda de respuesta (``respuesta = ...``) y otra que llama a :func:`check`. La
comprobación responde en español y **nunca** lanza una excepción: una respuesta del tipo o
la forma equivocados recibe un mensaje que dice qué se esperaba.

Para calificar, ``tools/grade.py`` ejecuta cada cuaderno con la variable de entorno
:data:`GRADE_LOG_ENV` apuntando a un archivo: cada comprobación añade ahí una línea JSON
``{"exercise": ..., "passed": ..., "feedback": ...}``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Callable

#: Variable de entorno con el archivo donde se anotan los resultados al calificar.
GRADE_LOG_ENV = "CNNLAB_GRADE_LOG"


@dataclass(frozen=True)
class Exercise:
    """Un ejercicio comprobable.

    ``template`` es la celda de respuesta que ve el estudiante (con ``...`` donde va su
    respuesta); ``checker`` recibe la respuesta y devuelve ``(aprobada, mensaje)``; puede
    lanzar :class:`Feedback` con un mensaje para el estudiante. ``asks_more`` dice si el
    enunciado pregunta además algo abierto (un «¿por qué?») que la comprobación no califica.
    """

    label: str
    template: str
    checker: Callable[[Any], tuple[bool, str]]
    asks_more: bool = False


#: Cómo empieza el mensaje de una respuesta sin completar (``tools/grade.py`` lo reconoce).
PENDING_PREFIX = "Falta tu respuesta"
#: El mensaje entero (``where`` precisa dónde falta).
PENDING = (PENDING_PREFIX + "{where}: sustituye los ... (puntos suspensivos) de la celda de "
           "respuesta y vuelve a ejecutarla.")


class Feedback(Exception):
    """Un mensaje para el estudiante: la respuesta no tiene el tipo o la forma esperados."""


EXERCISES: dict[str, Exercise] = {}


def register(label: str, template: str, asks_more: bool = False):
    """Decorador: registra el comprobador del ejercicio ``label`` (ver :class:`Exercise`)."""

    def wrap(checker: Callable[[Any], tuple[bool, str]]):
        if label in EXERCISES:
            raise ValueError(f"El ejercicio {label!r} ya tiene comprobador.")
        EXERCISES[label] = Exercise(label, template.strip(), checker, asks_more)
        return checker

    return wrap


def _record(label: str, passed: bool, feedback: str) -> None:
    path = os.environ.get(GRADE_LOG_ENV, "").strip()
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"exercise": label, "passed": passed, "feedback": feedback},
                               ensure_ascii=False) + "\n")


def check(label: str, answer: Any) -> bool:
    """Comprueba la respuesta del ejercicio ``label``; imprime el resultado y lo devuelve.

    Nunca lanza excepciones: un error del comprobador o una respuesta sin completar se
    explican con un mensaje en español.
    """
    from cnnlab import exercises  # noqa: F401 - registra los comprobadores de los capítulos

    exercise = EXERCISES.get(label)
    if exercise is None:
        known = ", ".join(sorted(EXERCISES)) or "ninguno"
        feedback = f"No hay comprobación para el ejercicio {label!r}. Ejercicios con comprobación: {known}."
        passed = False
    elif answer is Ellipsis or answer is None:
        passed, feedback = False, PENDING.format(where="")
    else:
        try:
            passed, feedback = exercise.checker(answer)
        except Feedback as reason:
            passed, feedback = False, str(reason)
        except Exception as error:  # noqa: BLE001 - el estudiante nunca ve un traceback
            passed, feedback = False, ("La respuesta no tiene la forma esperada "
                                       f"({type(error).__name__}: {error}). Revisa la celda de "
                                       "respuesta: " + exercise.template.splitlines()[0])
    mark = ("✓ Correcto. " if passed else
            "✗ " if feedback.startswith(PENDING_PREFIX) else "✗ Todavía no. ")
    print(mark + feedback)
    _record(label, bool(passed), feedback)
    return bool(passed)
