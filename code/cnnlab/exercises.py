"""Los comprobadores de los ejercicios de los capítulos (se registran en :mod:`cnnlab.checks`).

Cada comprobador recibe la respuesta del estudiante y devuelve ``(aprobada, mensaje)``. Si
la respuesta no tiene la forma que pide la plantilla (un texto en lugar de un número, una
clave que falta, una tupla de otra longitud) lanza :class:`~cnnlab.checks.Feedback` con un
mensaje que dice qué se esperaba. Los mensajes orientan sin dar la solución completa.

Los valores correctos salen del texto y de las soluciones de cada capítulo; los que se
pueden calcular (formas de salida, parámetros) se calculan aquí con aritmética o NumPy,
sin Keras, para que la comprobación sea inmediata. Solo el ejercicio de la ResNet-18, cuya
respuesta es un modelo de Keras, usa Keras (que el estudiante ya tiene cargado).

Las plantillas no usan la palabra de la variable de respuesta en sus comentarios: la
edición para estudiantes la renombra en toda la celda.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from cnnlab.checks import PENDING, Feedback, register
from cnnlab.glue import thousands
from cnnlab.scratch.convolution import conv2d

Verdict = tuple[bool, str]

# ------------------------------------------------------------------ utilidades comunes

def _describe(value: Any) -> str:
    """Una descripción corta de un valor para los mensajes (sin volcar objetos enormes)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fields(answer: Any, keys: tuple[Any, ...]) -> dict[Any, Any]:
    """Comprueba que ``answer`` sea un diccionario con exactamente las claves ``keys``."""
    form = "{" + ", ".join(f"{k!r}: ..." for k in keys) + "}"
    if not isinstance(answer, Mapping):
        raise Feedback(f"Se esperaba un diccionario de la forma {form} y llegó un valor de tipo "
                       f"{type(answer).__name__} ({_describe(answer)}). Copia la forma de la "
                       "plantilla y rellena los valores.")
    missing = [k for k in keys if k not in answer]
    extra = [k for k in answer if k not in keys]
    if missing:
        message = "Falta" + ("n las claves " if len(missing) > 1 else " la clave ")
        message += ", ".join(repr(k) for k in missing)
        if extra:
            message += " y sobra" + ("n " if len(extra) > 1 else " ") + ", ".join(repr(k) for k in extra)
            message += " (¿un error al escribir el nombre?)"
        raise Feedback(f"{message}. Se esperaba un diccionario de la forma {form}.")
    if extra:
        raise Feedback(f"Sobra{'n' if len(extra) > 1 else ''} {', '.join(repr(k) for k in extra)}: "
                       f"se esperaba un diccionario con solo las claves de la plantilla, {form}.")
    pending = [k for k in keys if _has_ellipsis(answer[k])]
    if pending:
        raise Feedback(PENDING.format(where=" en " + ", ".join(repr(k) for k in pending)))
    return dict(answer)


def _has_ellipsis(value: Any) -> bool:
    if value is Ellipsis:
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_ellipsis(v) for v in value)
    return False


def _number(value: Any, what: str) -> float:
    """Un número real finito; un texto, un booleano o una lista reciben un mensaje claro."""
    if isinstance(value, (bool, np.bool_)):
        raise Feedback(f"{what} debe ser un número y escribiste {value}.")
    if isinstance(value, (str, bytes)):
        raise Feedback(f"{what} debe ser un número y escribiste el texto {_describe(value)}: quita "
                       "las comillas (y usa punto decimal, sin separadores de miles).")
    if not isinstance(value, np.ndarray) and hasattr(value, "__array__"):
        value = np.asarray(value)  # un tensor de TensorFlow, JAX o PyTorch
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.reshape(()).item()
    if not isinstance(value, (int, float, np.integer, np.floating)):
        raise Feedback(f"{what} debe ser un número y es de tipo {type(value).__name__} "
                       f"({_describe(value)}).")
    value = float(value)
    if not math.isfinite(value):
        raise Feedback(f"{what} debe ser un número finito y vale {value}.")
    return value


def _count(value: Any, what: str) -> int:
    """Un número entero (se acepta ``1216.0``, no ``1216.5``)."""
    number = _number(value, what)
    if number != round(number):
        raise Feedback(f"{what} es un recuento y debe ser un número entero; escribiste {number}.")
    return int(round(number))


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise Feedback(f"{what} debe ser True o False (sin comillas) y escribiste {_describe(value)}.")
    return bool(value)


def _choice(value: Any, what: str, options: Mapping[str, tuple[str, ...]]) -> str:
    """Una de las opciones de ``options`` (nombre → formas aceptadas, en minúsculas)."""
    names = " o ".join(f'"{name}"' for name in options)
    if not isinstance(value, str):
        raise Feedback(f"{what} debe ser un texto entre comillas ({names}) y escribiste "
                       f"{_describe(value)}.")
    written = value.strip().lower()
    for name, forms in options.items():
        if written == name or written in forms:
            return name
    raise Feedback(f"{what} debe ser {names} y escribiste {_describe(value)}.")


def _shape(value: Any, what: str, ndim: int) -> tuple[int, ...]:
    """Una forma de ``ndim`` enteros; acepta una tupla, una lista o ``(None, ...)`` con el lote."""
    example = "(" + ", ".join(["alto", "ancho", "canales", "filtros"][:ndim]) + ")" if ndim in (3, 4) else ""
    if isinstance(value, (str, bytes)):
        raise Feedback(f"{what} debe ser una tupla de {ndim} enteros {example}, sin comillas; "
                       f"escribiste el texto {_describe(value)}.")
    if isinstance(value, Mapping) or not hasattr(value, "__iter__"):
        raise Feedback(f"{what} debe ser una tupla de {ndim} enteros {example} y es de tipo "
                       f"{type(value).__name__} ({_describe(value)}).")
    try:
        items = list(value)
    except Exception:  # noqa: BLE001 - un iterable extraño recibe el mismo mensaje
        raise Feedback(f"{what} debe ser una tupla de {ndim} enteros {example}.") from None
    if len(items) == ndim + 1 and items[0] is None:
        items = items[1:]  # la forma de Keras, con el lote delante
    if len(items) != ndim:
        raise Feedback(f"{what} debe tener {ndim} números {example} y tiene {len(items)}: "
                       f"{_describe(value)}.")
    return tuple(_count(v, f"Cada número de {what}") for v in items)


def _values(value: Any, what: str, sizes: tuple[int, ...] | None = (1, 3)) -> np.ndarray:
    """Un número o un arreglo con un valor por canal (``sizes`` valores posibles; ``None``:
    cualquier cantidad, al menos uno), aplanado."""
    if isinstance(value, (str, bytes, bool, np.bool_, Mapping)) or value is None:
        _number(value, what)  # lanza el mensaje adecuado
    try:
        array = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        raise Feedback(f"{what} debe ser un número o un arreglo de números y es "
                       f"{_describe(value)}.") from None
    if array.size == 0 or (sizes is not None and array.size not in sizes):
        expected = "al menos uno" if sizes is None else str(max(sizes))
        raise Feedback(f"{what} debe ser un número o un valor por canal ({expected}) y tiene "
                       f"{array.size} valores.")
    if not np.all(np.isfinite(array)):
        raise Feedback(f"{what} debe contener números finitos y es {_describe(value)}.")
    return array


def _close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


class _Review:
    """Acumula lo que falla de una respuesta con varias partes y da el veredicto."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def expect(self, key: str, ok: bool, hint: str) -> None:
        if not ok:
            self.problems.append(f"«{key}»: {hint}")

    def value(self, key: str, got: float, expected: float, hint: str,
              known: dict[float, str] | None = None, rel: float = 1e-9, abs_: float = 1e-9) -> None:
        """Compara un número; si coincide con un error conocido usa su pista específica."""
        if _close(got, expected, rel, abs_):
            return
        for wrong, specific in (known or {}).items():
            if _close(got, wrong, rel, abs_):
                self.problems.append(f"«{key}»: {specific}")
                return
        self.problems.append(f"«{key}»: {hint}")

    def verdict(self, success: str, total: int) -> Verdict:
        if not self.problems:
            return True, success
        right = total - len(self.problems)
        head = f"Partes correctas: {right} de {total}. " if total > 1 else ""
        return False, head + " ".join(self.problems)


def _call(function: Any, args: tuple[Any, ...], signature: str) -> Any:
    """Llama a la función del estudiante; un error se convierte en un mensaje, no en una traza."""
    if not callable(function):
        raise Feedback(f"Se esperaba una función {signature} y llegó un valor de tipo "
                       f"{type(function).__name__} ({_describe(function)}).")
    try:
        spec = inspect.signature(function)
    except (TypeError, ValueError):  # sin firma que inspeccionar (algunas de C): se prueba igual
        spec = None
    try:
        if spec is not None:
            spec.bind(*args)
    except TypeError:
        n = len(spec.parameters)
        raise Feedback(f"Tu función recibe {n} argumento{'' if n == 1 else 's'} y la comprobación "
                       f"la llama con {len(args)}, como {signature}. Deja la primera línea de la "
                       "plantilla (el def) como estaba.") from None
    try:
        result = function(*args)
    except Feedback:
        raise
    except Exception as error:  # noqa: BLE001 - el estudiante ve un mensaje, no una traza
        raise Feedback(f"Tu función lanzó un error al llamarla como {signature}: "
                       f"{type(error).__name__}: {error}") from None
    if result is None or result is Ellipsis:
        raise Feedback(PENDING.format(where=" (tu función devuelve None)")
                       + " Recuerda terminar la función con return.")
    return result


def _array(value: Any, what: str, shape: tuple[int, ...]) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Feedback(f"{what} debe ser un arreglo numérico de forma {shape} y es "
                       f"{_describe(value)}.") from None
    if array.shape != shape:
        raise Feedback(f"{what} debe tener forma {shape} y tiene forma {array.shape}.")
    return array


def _conv_params(kernel: int, channels_in: int, filters: int, bias: bool = True) -> int:
    """Parámetros de una ``Conv2D`` cuadrada: pesos y, si los hay, un sesgo por filtro."""
    return kernel * kernel * channels_in * filters + (filters if bias else 0)


def _dense_params(inputs: int, units: int) -> int:
    return (inputs + 1) * units


def _valid(size: int, kernel: int, stride: int) -> int:
    """Lado de salida con ``padding="valid"``: ⌊(n − k)/s⌋ + 1."""
    return (size - kernel) // stride + 1


def _same(size: int, stride: int) -> int:
    """Lado de salida con ``padding="same"``: ⌈n/s⌉."""
    return -(-size // stride)


def _fmt(shape: tuple[int, ...]) -> str:
    return "×".join(str(s) for s in shape)


# ------------------------------------------------------------------ Capítulo 1: la versión 1


@register("ej-v1-parametros", '''
# Escribe la forma de salida (alto, ancho, canales) de la capa y su número de parámetros.
respuesta = {"forma": ..., "parametros": ...}
''')
def check_v1_parametros(answer: Any) -> Verdict:
    """``Conv2D(16, (5, 5), strides=1, padding="valid")`` sobre 32×32×3."""
    a = _fields(answer, ("forma", "parametros"))
    shape = _shape(a["forma"], "«forma»", 3)
    params = _count(a["parametros"], "«parametros»")
    side = _valid(32, 5, 1)
    expected_shape, expected_params = (side, side, 16), _conv_params(5, 3, 16)
    review = _Review()
    if shape != expected_shape:
        if shape[:2] == (32, 32):
            hint = "con «valid» no hay relleno: el filtro de 5×5 no puede centrarse en los bordes."
        elif shape[2] != 16:
            hint = "la convolución produce un canal por filtro."
        else:
            hint = "con «valid» y paso 1, ¿cuántas posiciones caben para un filtro de 5 píxeles?"
        review.expect("forma", False, hint)
    review.value("parametros", params, expected_params,
                 "cada filtro tiene alto × ancho × canales de entrada pesos, más su sesgo.",
                 {_conv_params(5, 3, 16, bias=False): "te faltan los sesgos, uno por filtro.",
                  _conv_params(5, 1, 16): "cada filtro abarca los 3 canales de la imagen."})
    return review.verdict(f"La salida es {_fmt(expected_shape)} y la capa tiene "
                          f"{expected_params} parámetros.", 2)


@register("ej-v1-salidas", '''
# Escribe las formas de salida (alto, ancho, canales) de las dos convoluciones con relleno
# "valid" y el número de parámetros de la capa densa de la variante.
respuesta = {"conv1": ..., "conv2": ..., "densa": ...}
''')
def check_v1_salidas(answer: Any) -> Verdict:
    """La versión 1 con ``padding="valid"``: Conv(10, 4×4, paso 2), Conv(20, 3×3, paso 2), Dense(10)."""
    a = _fields(answer, ("conv1", "conv2", "densa"))
    conv1 = _shape(a["conv1"], "«conv1»", 3)
    conv2 = _shape(a["conv2"], "«conv2»", 3)
    dense = _count(a["densa"], "«densa»")
    s1 = _valid(32, 4, 2)
    s2 = _valid(s1, 3, 2)
    expected1, expected2 = (s1, s1, 10), (s2, s2, 20)
    expected_dense = _dense_params(s2 * s2 * 20, 10)
    same1 = _same(32, 2)
    same2 = _same(same1, 2)
    review = _Review()
    rule = "con «valid» el lado es ⌊(n − k)/s⌋ + 1."
    review.expect("conv1", conv1 == expected1,
                  "eso es lo que da «same»; " + rule if conv1[:2] == (same1, same1) else
                  ("un canal por filtro." if conv1[2] != 10 else rule))
    review.expect("conv2", conv2 == expected2,
                  "eso es lo que da «same»; " + rule if conv2[:2] == (same2, same2) else
                  ("un canal por filtro." if conv2[2] != 20 else
                   rule + " Parte del lado que sale de la primera convolución."))
    review.value("densa", dense, expected_dense,
                 "la densa recibe el mapa aplanado de la segunda convolución y tiene 10 neuronas, "
                 "cada una con un peso por entrada y un sesgo.",
                 {_dense_params(same2 * same2 * 20, 10): "ese es el valor de la red con «same».",
                  s2 * s2 * 20 * 10: "te faltan los sesgos de las 10 neuronas.",
                  s2 * s2 * 20: "ese es el número de entradas de la densa, no de sus parámetros."})
    return review.verdict(f"Las salidas miden {_fmt(expected1)} y {_fmt(expected2)}; la densa "
                          f"tiene {expected_dense} parámetros.", 3)


# ------------------------------------------------------------------ Capítulo 2: agrupamiento frente a paso


@register("ej-pool-formas", '''
# Escribe la forma de salida (alto, ancho, canales) y el número de parámetros de cada capa
# aplicada al mapa de 7×7×4.
respuesta = {"forma_pool": ..., "parametros_pool": ..., "forma_conv": ..., "parametros_conv": ...}
''')
def check_pool_formas(answer: Any) -> Verdict:
    """``MaxPooling2D(2, padding="same")`` y ``Conv2D(8, 3, strides=2, padding="same")`` sobre 7×7×4."""
    a = _fields(answer, ("forma_pool", "parametros_pool", "forma_conv", "parametros_conv"))
    pool = _shape(a["forma_pool"], "«forma_pool»", 3)
    pool_params = _count(a["parametros_pool"], "«parametros_pool»")
    conv = _shape(a["forma_conv"], "«forma_conv»", 3)
    conv_params = _count(a["parametros_conv"], "«parametros_conv»")
    side = _same(7, 2)
    floor_side = 7 // 2
    review = _Review()
    rounding = "con «same» el tamaño se redondea hacia arriba, no hacia abajo."
    review.expect("forma_pool", pool == (side, side, 4),
                  "el agrupamiento no cambia el número de canales." if pool[2] != 4 else
                  (rounding if pool[:2] == (floor_side, floor_side) else
                   "el paso del agrupamiento es el tamaño de su ventana."))
    review.value("parametros_pool", pool_params, 0,
                 "el agrupamiento máximo aplica una regla fija: ¿tiene algo que aprender?")
    review.expect("forma_conv", conv == (side, side, 8),
                  "la convolución produce un canal por filtro." if conv[2] != 8 else
                  (rounding if conv[:2] == (floor_side, floor_side) else
                   "con «same» y paso 2, ¿cuántas posiciones recorre el filtro en cada eje?"))
    expected = _conv_params(3, 4, 8)
    review.value("parametros_conv", conv_params, expected,
                 "cada filtro tiene alto × ancho × canales de entrada pesos, más su sesgo.",
                 {_conv_params(3, 4, 8, bias=False): "te faltan los sesgos, uno por filtro.",
                  _conv_params(3, 1, 8): "cada filtro abarca los 4 canales de entrada."})
    return review.verdict(f"Las dos salidas miden {side}×{side} (con 4 y 8 canales); el "
                          f"agrupamiento no tiene parámetros y la convolución tiene {expected}.", 4)


# ------------------------------------------------------------------ Capítulo 3: sin activación

_KERNEL_SIGNATURE = "f(W1, b1, W2, b2) -> (K, bias)"


def _compose_kernels(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray,
                     b2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """El kernel y el sesgo de la convolución única equivalente (para diagnosticar errores)."""
    kh, kw = W1.shape[:2]
    K = np.zeros((kh + 2 * (W2.shape[0] - 1), kw + 2 * (W2.shape[1] - 1), W1.shape[2], W2.shape[3]))
    for r in range(W2.shape[0]):
        for s in range(W2.shape[1]):
            K[2 * r:2 * r + kh, 2 * s:2 * s + kw] += np.einsum("hwcm,mf->hwcf", W1, W2[r, s])
    return K, b2 + np.einsum("rsmf,m->f", W2, b1)


@register("ej-sinact-tanh", '''
# Tras cada convolución, ¿rompe cada activación la linealidad de la red? (True o False)
respuesta = {"3x+1": ..., "tanh": ...}
''', asks_more=True)
def check_sinact_tanh(answer: Any) -> Verdict:
    """Una activación afín no rompe la linealidad; ``tanh`` sí."""
    a = _fields(answer, ("3x+1", "tanh"))
    affine = _flag(a["3x+1"], "«3x+1»")
    tanh = _flag(a["tanh"], "«tanh»")
    review = _Review()
    review.expect("3x+1", not affine, "escribe la composición de dos funciones de la forma "
                  "a·x + b: ¿qué forma tiene el resultado?")
    review.expect("tanh", tanh, "¿se puede escribir tanh(x) como a·x + b para todo x? Mira su "
                  "gráfica lejos del 0.")
    return review.verdict("Una activación afín deja la red afín (un clasificador lineal); tanh "
                          "no es afín y rompe la linealidad.", 2)


@register("ej-sinact-kernel", '''
# Completa la función: recibe W1 (4, 4, 3, 10), b1 (10,), W2 (3, 3, 10, 20) y b2 (20,) y
# devuelve la pareja (K, bias) de la convolución 8×8 con paso 4 equivalente; K: (8, 8, 3, 20).
def respuesta(W1, b1, W2, b2):
    ...
''', asks_more=True)
def check_sinact_kernel(function: Any) -> Verdict:
    """Comprueba con convoluciones NumPy que ``(K, bias)`` reproduce las dos convoluciones."""
    rng = np.random.default_rng(2024)
    W1, b1 = rng.normal(size=(4, 4, 3, 10)), rng.normal(size=10)
    W2, b2 = rng.normal(size=(3, 3, 10, 20)), rng.normal(size=20)
    result = _call(function, (W1.copy(), b1.copy(), W2.copy(), b2.copy()), _KERNEL_SIGNATURE)
    if isinstance(result, (str, bytes, Mapping)) or not hasattr(result, "__len__") or len(result) != 2:
        raise Feedback("Tu función debe devolver una pareja (K, bias), por ejemplo con "
                       f"«return K, bias»; devolvió {_describe(result)}.")
    K = _array(result[0], "El kernel K", (8, 8, 3, 20))
    bias = _array(result[1], "El sesgo bias", (20,))

    x = rng.normal(size=(2, 20, 20, 3))
    two = conv2d(conv2d(x, W1, b1, strides=2), W2, b2, strides=2)
    one = conv2d(x, K, bias, strides=4)
    if np.allclose(one, two, rtol=1e-4, atol=1e-4 * float(np.abs(two).max())):
        return True, "Una sola convolución 8×8 con paso 4 da las mismas salidas que las dos."
    K_ref, bias_ref = _compose_kernels(W1, b1, W2, b2)
    kernel_ok = np.allclose(K, K_ref, rtol=1e-4, atol=1e-6)
    if kernel_ok:
        if np.allclose(bias, b2):
            return False, ("El kernel está bien, pero el sesgo no: b1 se suma antes de la segunda "
                           "convolución, así que también pasa por sus pesos.")
        return False, ("El kernel está bien, pero el sesgo no: piensa qué le hace la segunda "
                       "convolución a una entrada constante igual a b1.")
    return False, ("El kernel K no reproduce las dos convoluciones. Piensa qué píxel de la entrada "
                   "multiplica el peso W1[a] cuando la segunda convolución usa su peso W2[b] "
                   "(con pasos 2 y 2), y suma sobre los 10 canales intermedios.")


# ------------------------------------------------------------------ Capítulo 4: profundidad


def _receptive_field(layers: list[tuple[int, int]]) -> int:
    """Lado del campo receptivo de una pila de capas ``(kernel, paso)``.

    Cada capa suma ``(kernel − 1) · salto``, donde el salto es el producto de los pasos de
    las capas anteriores.
    """
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


@register("ej-prof-campo", '''
# Escribe el lado del campo receptivo (en píxeles) de la versión 3 con las cuatro convoluciones
# con paso 1, y el número de parámetros que tendría entonces su capa densa oculta.
respuesta = {"campo_receptivo": ..., "parametros_densa": ...}
''')
def check_prof_campo(answer: Any) -> Verdict:
    """Cuatro convoluciones 3×3 con paso 1 (32, 32, 64, 64 filtros) y Dense(128)."""
    a = _fields(answer, ("campo_receptivo", "parametros_densa"))
    field_value = a["campo_receptivo"]
    if isinstance(field_value, (tuple, list)) and len(field_value) == 2:  # (9, 9) también vale
        sides = {_count(v, "«campo_receptivo»") for v in field_value}
        if len(sides) != 1:
            raise Feedback("«campo_receptivo»: el campo es cuadrado; escribe un solo número (su lado).")
        field_value = sides.pop()
    field = _count(field_value, "«campo_receptivo»")
    dense = _count(a["parametros_densa"], "«parametros_densa»")
    expected_field = _receptive_field([(3, 1)] * 4)
    with_strides = _receptive_field([(3, 1), (3, 2), (3, 1), (3, 2)])  # la versión 3 de verdad
    expected_dense = _dense_params(32 * 32 * 64, 128)
    review = _Review()
    review.value("campo_receptivo", field, expected_field,
                 "empieza por un píxel y suma lo que agranda cada convolución 3×3 con paso 1.",
                 {with_strides: "ese es el campo con los pasos 2 de la versión 3."})
    review.value("parametros_densa", dense, expected_dense,
                 "sin pasos 2, ¿cuánto mide el mapa final que se aplana? La densa tiene 128 neuronas.",
                 {_dense_params(8 * 8 * 64, 128): "ese es el valor con los pasos 2 de la versión 3.",
                  32 * 32 * 64 * 128: "te faltan los sesgos de las 128 neuronas."})
    return review.verdict(f"Campo receptivo de {expected_field}×{expected_field} y "
                          f"{thousands(expected_dense)} parámetros en la densa.", 2)


# ------------------------------------------------------------------ Capítulo 5: aumento de datos


@register("ej-aum-mnist", '''
# ¿Conviene cada transformación para aumentar dígitos escritos a mano? (True o False)
respuesta = {
    "volteo_horizontal": ..., "traslacion_pequena": ...,
    "rotacion_pequena": ..., "rotacion_de_180_grados": ...,
}
''', asks_more=True)
def check_aum_mnist(answer: Any) -> Verdict:
    """Solo las transformaciones que conservan la clase del dígito."""
    keys = ("volteo_horizontal", "traslacion_pequena", "rotacion_pequena", "rotacion_de_180_grados")
    a = _fields(answer, keys)
    flags = {key: _flag(a[key], f"«{key}»") for key in keys}
    review = _Review()
    review.expect("volteo_horizontal", not flags["volteo_horizontal"],
                  "dibuja un 3 o un 7 en espejo: ¿sigue siendo un dígito, y de la misma clase?")
    review.expect("traslacion_pequena", flags["traslacion_pequena"],
                  "¿cambia la clase de un dígito si lo mueves unos píxeles? La red no "
                  "debería depender de la posición exacta del trazo.")
    review.expect("rotacion_pequena", flags["rotacion_pequena"],
                  "la gente no escribe siempre derecho: ¿cambia la clase un giro de unos grados?")
    review.expect("rotacion_de_180_grados", not flags["rotacion_de_180_grados"],
                  "gira 180° un 6: ¿qué dígito ves?")
    return review.verdict("Sirven las transformaciones que conservan la clase (traslaciones y "
                          "giros pequeños); el volteo y el giro de 180° la cambian o crean "
                          "imágenes que no son dígitos.", 4)


# ------------------------------------------------------------------ Capítulo 6: normalización por lotes


@register("ej-bn-parametros", '''
# Escribe cuántos parámetros tiene la capa BatchNormalization, cuántos entrena el optimizador
# y si esas cuentas cambian con el alto y el ancho de la entrada (True o False).
respuesta = {"total": ..., "entrenables": ..., "depende_de_la_resolucion": ...}
''')
def check_bn_parametros(answer: Any) -> Verdict:
    """``BatchNormalization`` tras 64 filtros: γ, β y las dos medias móviles por canal."""
    a = _fields(answer, ("total", "entrenables", "depende_de_la_resolucion"))
    total = _count(a["total"], "«total»")
    trainable = _count(a["entrenables"], "«entrenables»")
    depends = _flag(a["depende_de_la_resolucion"], "«depende_de_la_resolucion»")
    review = _Review()
    review.value("total", total, 4 * 64,
                 "revisa cuántos números guarda BN por canal (los que se entrenan y los que no).",
                 {2 * 64: "cuenta también las medias móviles: Keras las guarda como parámetros "
                          "no entrenables.",
                  4 * 64 * 32 * 32: "BN no guarda números por posición, solo por canal.",
                  4 * 64 * 8 * 8: "BN no guarda números por posición, solo por canal."})
    review.value("entrenables", trainable, 2 * 64,
                 "¿cuáles de los números por canal reciben gradientes?",
                 {4 * 64: "las medias móviles no se actualizan con gradientes."})
    review.expect("depende_de_la_resolucion", not depends,
                  "todas las posiciones de un canal comparten la misma media, varianza, γ y β.")
    return review.verdict("256 parámetros, 128 entrenables (γ y β), sin importar el tamaño de "
                          "la entrada.", 3)


@register("ej-bn-sesgo", '''
# En una Conv2D seguida de BN (en entrenamiento): el gradiente de la pérdida respecto del sesgo
# de la convolución (un número, el que razones, o el gradiente que midas, un valor por filtro)
# y el parámetro de BN que hace su trabajo ("gamma" o "beta").
respuesta = {"gradiente_del_sesgo": ..., "parametro_de_bn": ...}
''', asks_more=True)
def check_bn_sesgo(answer: Any) -> Verdict:
    """BN resta la media del lote: el sesgo se cancela, su gradiente es 0, y β lo sustituye."""
    a = _fields(answer, ("gradiente_del_sesgo", "parametro_de_bn"))
    # el razonado (un número) o el medido (un valor por filtro): cuenta el mayor en valor absoluto
    gradient = float(np.max(np.abs(_values(a["gradiente_del_sesgo"], "«gradiente_del_sesgo»",
                                           sizes=None))))
    parameter = _choice(a["parametro_de_bn"], "«parametro_de_bn»",
                        {"gamma": ("γ", "escala"), "beta": ("β", "desplazamiento")})
    review = _Review()
    review.value("gradiente_del_sesgo", gradient, 0.0,
                 "suma b a todos los valores de un canal y resta la media del lote: ¿cuánto "
                 "cambia la salida de BN si cambias b?", abs_=1e-3)
    review.expect("parametro_de_bn", parameter == "beta",
                  "el sesgo desplaza; γ escala. ¿Qué parámetro de BN desplaza cada canal?")
    return review.verdict("La media del lote absorbe el sesgo, (x + b) − (μ + b) = x − μ: su "
                          "gradiente es 0, y β da el desplazamiento.", 2)


_BN_MOMENTUM = 0.99  # el de Keras y el de cnnlab.scratch.normalization.BatchNorm


@register("ej-bn-inferencia", '''
# Con BatchNorm(3) recién creada (γ = 1, β = 0, momentum 0.99) y lotes de vectores de 3 valores
# (forma (N, 3), como tras una capa densa) con media 5 y desviación 2: la salida para un lote de
# un solo vector normalizado con las estadísticas de ese mismo lote, y la media móvil tras 5 y
# tras 200 pasos de entrenamiento (un número o un valor por canal).
respuesta = {"salida_con_el_lote": ..., "media_movil_5_pasos": ..., "media_movil_200_pasos": ...}
''', asks_more=True)
def check_bn_inferencia(answer: Any) -> Verdict:
    """Con un lote de tamaño 1 la salida es β; la media móvil sigue ``5 · (1 − 0.99^pasos)``."""
    a = _fields(answer, ("salida_con_el_lote", "media_movil_5_pasos", "media_movil_200_pasos"))
    output = _values(a["salida_con_el_lote"], "«salida_con_el_lote»")
    after5 = _values(a["media_movil_5_pasos"], "«media_movil_5_pasos»")
    after200 = _values(a["media_movil_200_pasos"], "«media_movil_200_pasos»")
    review = _Review()
    review.expect("salida_con_el_lote", bool(np.all(np.abs(output) < 1e-6)),
                  "con un solo vector por lote, ¿cuánto valen la media y la varianza del lote "
                  "en cada canal, y qué queda tras restar esa media?")

    def moving(key: str, values: np.ndarray, steps: int, tolerance: float) -> None:
        expected = 5.0 * (1.0 - _BN_MOMENTUM ** steps)
        if np.all(np.abs(values - expected) <= tolerance):
            return
        if np.all(np.abs(values - 5.0) <= 0.1):
            hint = ("¿llega de verdad a 5? La media móvil empieza en 0 y cada paso solo aporta "
                    "un 1 % de la media del lote.")
        elif np.all(np.abs(values) <= 0.02):
            hint = "no se queda en 0: cada paso le aporta un 1 % de la media del lote."
        else:
            hint = ("la media móvil empieza en 0 y en cada paso conserva el 99 % de su valor "
                    "y añade el 1 % de la media del lote (unos 5).")
        review.expect(key, False, hint)

    moving("media_movil_5_pasos", after5, 5, 0.06)
    moving("media_movil_200_pasos", after200, 200, 0.2)
    return review.verdict("Con un solo vector por lote la salida es β para cualquier entrada (tras "
                          "una convolución no: cada canal aún tiene H·W valores), y la media "
                          "móvil tarda cientos de pasos en acercarse a 5.", 3)


# ------------------------------------------------------------------ Capítulo 7: dropout


@register("ej-dropout-esperanza", '''
# Con x = 3 y Dropout(rate=0.25) en entrenamiento: el valor de la salida si la unidad no se
# anula, la probabilidad de que se anule, el valor esperado y la salida en inferencia.
respuesta = {"valor_si_sobrevive": ..., "probabilidad_de_cero": ..., "esperanza": ..., "inferencia": ...}
''')
def check_dropout_esperanza(answer: Any) -> Verdict:
    """Dropout invertido: 0 con probabilidad r y x / (1 − r) con probabilidad 1 − r."""
    a = _fields(answer, ("valor_si_sobrevive", "probabilidad_de_cero", "esperanza", "inferencia"))
    kept = _number(a["valor_si_sobrevive"], "«valor_si_sobrevive»")
    p_zero = _number(a["probabilidad_de_cero"], "«probabilidad_de_cero»")
    mean = _number(a["esperanza"], "«esperanza»")
    inference = _number(a["inferencia"], "«inferencia»")
    x, rate = 3.0, 0.25
    review = _Review()
    review.value("valor_si_sobrevive", kept, x / (1 - rate),
                 "en el dropout invertido los valores que sobreviven se escalan.",
                 {x: "en el dropout invertido los valores que sobreviven no quedan iguales: se escalan.",
                  x * (1 - rate): "se divide entre 1 − rate, no se multiplica."}, abs_=1e-6)
    review.value("probabilidad_de_cero", p_zero, rate,
                 "rate es la fracción de unidades que se anulan.",
                 {1 - rate: "esa es la probabilidad de que la unidad sobreviva.",
                  100 * rate: "escribe la probabilidad como fracción entre 0 y 1, no en porcentaje."},
                 abs_=1e-6)
    review.value("esperanza", mean, x,
                 "multiplica cada valor posible por su probabilidad y suma.",
                 {x * (1 - rate): "recuerda que los valores que sobreviven están escalados."},
                 abs_=1e-6)
    review.value("inferencia", inference, x,
                 "en inferencia el dropout invertido no anula ni escala nada.",
                 {x * (1 - rate): "en el dropout invertido la corrección se hace en entrenamiento, "
                                  "no en inferencia.",
                  0.0: "en inferencia no se anula ninguna unidad."}, abs_=1e-6)
    return review.verdict("La salida vale 0 o 4; su valor esperado es 3, igual que en inferencia.", 4)


_DROPOUT_SIGNATURE = "f(x, rate, training, rng)"


@register("ej-dropout-clasico", '''
# Completa el dropout clásico en NumPy: en entrenamiento anula cada valor con probabilidad
# rate (sin escalar); en inferencia multiplica por 1 − rate. Devuelve un arreglo como x.
def respuesta(x, rate, training, rng):
    ...
''', asks_more=True)
def check_dropout_clasico(function: Any) -> Verdict:
    """Prueba la función con un ``rng`` de NumPy: fracción anulada, valores sin escalar e inferencia."""
    rng = np.random.default_rng(11)
    x = rng.normal(2.0, 1.0, size=(400, 250))
    problems: list[str] = []
    for rate in (0.25, 0.5):
        out = _call(function, (x.copy(), rate, True, np.random.default_rng(1)), _DROPOUT_SIGNATURE)
        out = _array(out, f"En entrenamiento (rate={rate}) la salida", x.shape)
        zero = out == 0
        fraction = float(zero.mean())
        if abs(fraction - (1 - rate)) < 0.02 and rate != 0.5:
            problems.append(f"Con rate={rate} se anula una fracción {fraction:.2f} de los valores: "
                            "rate es la probabilidad de anular, no de conservar.")
            break
        if abs(fraction - rate) > 0.02:
            problems.append(f"Con rate={rate} se anula una fracción {fraction:.2f} de los valores; "
                            f"debería rondar {rate}.")
            break
        kept_ratio = out[~zero] / x[~zero]
        if np.allclose(kept_ratio, 1.0 / (1.0 - rate)):
            problems.append("En entrenamiento escalas los valores que sobreviven: eso es el dropout "
                            "invertido. En la versión clásica quedan como estaban.")
            break
        if not np.allclose(kept_ratio, 1.0):
            problems.append("En entrenamiento los valores que no se anulan deben quedar iguales a "
                            "los de la entrada.")
            break
    if not problems:
        out = _call(function, (x.copy(), 0.25, False, np.random.default_rng(2)), _DROPOUT_SIGNATURE)
        out = _array(out, "En inferencia la salida", x.shape)
        if np.allclose(out, x):
            problems.append("En inferencia la versión clásica no devuelve x tal cual: compensa que en "
                            "entrenamiento solo llegaba una parte de las unidades.")
        elif np.allclose(out, x / 0.75):
            problems.append("En inferencia hay que multiplicar por 1 − rate, no dividir.")
        elif not np.allclose(out, 0.75 * x):
            problems.append("En inferencia la salida no es la esperada: no se anula nada y todos los "
                            "valores se escalan igual.")
    if problems:
        return False, " ".join(problems)
    return True, ("La media en entrenamiento, (1 − rate)·x, coincide con la de inferencia, igual "
                  "que en el dropout invertido.")


# ------------------------------------------------------------------ Capítulo 8: comparación


def _cifar10_params(version: int) -> int:
    """Parámetros de ``cnnlab.models.cifar10(version)`` (con las medias móviles de BN)."""
    if version in (1, 2):  # Conv(10, 4×4, paso 2), Conv(20, 3×3, paso 2), «same»: 32 → 16 → 8
        return _conv_params(4, 3, 10) + _conv_params(3, 10, 20) + _dense_params(8 * 8 * 20, 10)
    convs = (_conv_params(3, 3, 32) + _conv_params(3, 32, 32) + _conv_params(3, 32, 64)
             + _conv_params(3, 64, 64))
    total = convs + _dense_params(8 * 8 * 64, 128) + _dense_params(128, 10)  # 32 → 32 → 16 → 16 → 8
    if version == 5:
        total += 4 * (32 + 32 + 64 + 64 + 128)  # γ, β y dos medias móviles por canal
    return total


@register("ej-comp-coste", '''
# Escribe el número total de parámetros de cada versión de la red (de la 1 a la 5).
# (Cuál es la más cara por época y si compensa se contesta aparte, con tus medidas.)
respuesta = {1: ..., 2: ..., 3: ..., 4: ..., 5: ...}
''', asks_more=True)
def check_comp_coste(answer: Any) -> Verdict:
    """Solo la parte objetiva: los parámetros de las cinco versiones."""
    if isinstance(answer, Mapping) and all(isinstance(k, str) and k.strip().isdigit() for k in answer):
        answer = {int(k): v for k, v in answer.items()}  # {"1": ...} también vale
    a = _fields(answer, (1, 2, 3, 4, 5))
    got = {v: _count(a[v], f"El valor de la versión {v}") for v in range(1, 6)}
    hints = {1: "usa models.cifar10(1).count_params() o cuenta capa por capa.",
             2: "la ReLU no tiene parámetros: compárala con la versión 1.",
             3: "usa models.cifar10(3).count_params() o cuenta capa por capa.",
             4: "el aumento de datos no tiene parámetros: compárala con la versión 3.",
             5: "la normalización por lotes añade cuatro números por canal (γ, β y dos medias "
                "móviles) tras cada convolución y tras la densa oculta."}
    bn_channels = 32 + 32 + 64 + 64 + 128
    review = _Review()
    for v in range(1, 6):
        known = {}
        if v == 5:
            known = {_cifar10_params(4): "la normalización por lotes añade parámetros.",
                     _cifar10_params(4) + 2 * bn_channels: "count_params cuenta también las "
                                                           "medias móviles de BN, no solo γ y β."}
        review.value(f"versión {v}", got[v], _cifar10_params(v), hints[v], known)
    return review.verdict("Esos son los parámetros de las cinco versiones; en todas, la mayoría "
                          "está en la primera capa densa, la que recibe el mapa aplanado.", 5)


# ------------------------------------------------------------------ Capítulo 9: filtros


@register("ej-filtros-primera", '''
# Escribe la forma del arreglo de pesos (el kernel) de la segunda convolución de la versión 5
# y el número de parámetros de esa capa (pesos y sesgos).
respuesta = {"forma": ..., "parametros": ...}
''', asks_more=True)
def check_filtros_primera(answer: Any) -> Verdict:
    """La segunda convolución de la versión 5: 32 filtros 3×3 sobre 32 canales."""
    a = _fields(answer, ("forma", "parametros"))
    shape = _shape(a["forma"], "«forma»", 4)
    params = _count(a["parametros"], "«parametros»")
    review = _Review()
    if shape != (3, 3, 32, 32):
        if shape == (3, 3, 3, 32):
            hint = "esa es la forma de la primera convolución, que ve los 3 canales de la imagen."
        elif shape[:2] != (3, 3):
            hint = "el kernel es (alto, ancho, canales de entrada, filtros) y los filtros son de 3×3."
        else:
            hint = ("¿cuántos canales recibe la segunda convolución? Es uno por cada filtro de la "
                    "primera.")
        review.expect("forma", False, hint)
    expected = _conv_params(3, 32, 32)
    review.value("parametros", params, expected,
                 "multiplica las cuatro dimensiones del kernel y suma un sesgo por filtro.",
                 {_conv_params(3, 32, 32, bias=False): "te faltan los sesgos, uno por filtro.",
                  _conv_params(3, 3, 32): "ese es el número de la primera convolución."})
    return review.verdict(f"Pesos de forma (3, 3, 32, 32) y {expected} parámetros.", 2)


# ------------------------------------------------------------------ Capítulo 10: historia


_VGG16_PARAMS = 138_357_544  # keras.applications.VGG16(weights=None).count_params(), tabla del capítulo


@register("ej-hist-vgg-bloque", '''
# Escribe los parámetros de las dos convoluciones del primer bloque de VGG-16, los de su primera
# capa densa y la proporción del total de VGG-16 que es esa densa (una fracción entre 0 y 1).
respuesta = {"conv1": ..., "conv2": ..., "densa": ..., "proporcion": ...}
''')
def check_hist_vgg_bloque(answer: Any) -> Verdict:
    """El primer bloque de VGG-16 (dos Conv 3×3 de 64) y su primera densa (7×7×512 → 4096)."""
    a = _fields(answer, ("conv1", "conv2", "densa", "proporcion"))
    conv1 = _count(a["conv1"], "«conv1»")
    conv2 = _count(a["conv2"], "«conv2»")
    dense = _count(a["densa"], "«densa»")
    share = _number(a["proporcion"], "«proporcion»")
    expected_dense = _dense_params(7 * 7 * 512, 4096)
    expected_share = expected_dense / _VGG16_PARAMS
    review = _Review()
    bias = "te faltan los sesgos, uno por filtro."
    review.value("conv1", conv1, _conv_params(3, 3, 64),
                 "cada filtro 3×3 ve los canales de la imagen RGB y tiene un sesgo.",
                 {_conv_params(3, 3, 64, bias=False): bias,
                  _conv_params(3, 1, 64): "la imagen tiene 3 canales."})
    review.value("conv2", conv2, _conv_params(3, 64, 64),
                 "la segunda convolución recibe los canales que produce la primera.",
                 {_conv_params(3, 64, 64, bias=False): bias, _conv_params(3, 3, 64): "la segunda "
                  "convolución no ve la imagen, sino los mapas de la primera."})
    review.value("densa", dense, expected_dense,
                 "cada una de las 4096 neuronas tiene un peso por valor del mapa aplanado y un sesgo.",
                 {7 * 7 * 512 * 4096: "te faltan los sesgos de las 4096 neuronas."})
    if share > 1:
        review.expect("proporcion", False, "escribe una fracción entre 0 y 1 (por ejemplo 0.5 para "
                                           "la mitad), no un porcentaje.")
    else:
        review.value("proporcion", share, expected_share,
                     "divide los parámetros de esa densa entre el total de VGG-16 (unos 138 millones).",
                     abs_=0.01)
    return review.verdict(f"La primera densa tiene {thousands(expected_dense)} parámetros, un "
                          f"{100 * expected_share:.1f} % de VGG-16.", 4)


_ALPHA, _BETA, _GAMMA = 1.2, 1.1, 1.15  # las constantes de EfficientNet del capítulo


@register("ej-hist-phi", '''
# Escribe φ, los factores de profundidad y de anchura para ese φ, la resolución que le
# corresponde (lado en píxeles, partiendo de 224) y el lado en píxeles si solo escalas la resolución.
respuesta = {"phi": ..., "profundidad": ..., "anchura": ..., "resolucion": ..., "solo_resolucion": ...}
''')
def check_hist_phi(answer: Any) -> Verdict:
    """Costo ∝ (α·β²·γ²)^φ ≈ 2^φ: φ ≈ 3 (o log 8 / log 1.92 ≈ 3.19); solo resolución: 224·√8."""
    a = _fields(answer, ("phi", "profundidad", "anchura", "resolucion", "solo_resolucion"))
    phi = _number(a["phi"], "«phi»")
    depth = _number(a["profundidad"], "«profundidad»")
    width = _number(a["anchura"], "«anchura»")
    resolution = _number(a["resolucion"], "«resolucion»")
    only = _number(a["solo_resolucion"], "«solo_resolucion»")
    exact_phi = math.log(8) / math.log(_ALPHA * _BETA ** 2 * _GAMMA ** 2)
    review = _Review()
    phi_ok = 2.95 <= phi <= exact_phi + 0.05
    review.expect("phi", phi_ok, "el costo se multiplica por α·β²·γ² ≈ 2 cada vez que φ sube 1: "
                                 "¿cuántas veces hay que duplicarlo para llegar a 8?")
    # Los factores se juzgan con el φ del estudiante (si es aceptable) o con φ = 3.
    phis = {3.0, phi} if phi_ok else {3.0}

    def factor(key: str, got: float, base: float, scale: float = 1.0, hint: str = "") -> None:
        if any(_close(got, scale * base ** p, rel=0.01) for p in phis):
            return
        review.expect(key, False, hint)

    factor("profundidad", depth, _ALPHA, hint="la profundidad se multiplica por α^φ.")
    factor("anchura", width, _BETA, hint="la anchura se multiplica por β^φ.")
    if resolution < 10:
        review.expect("resolucion", False, "escribe el lado en píxeles (multiplica el factor por 224).")
    else:
        factor("resolucion", resolution, _GAMMA, 224.0,
               hint="el lado de 224 píxeles se multiplica por γ^φ.")
    if only < 10:
        review.expect("solo_resolucion", False, "escribe el lado en píxeles, no el factor.")
    else:
        review.value("solo_resolucion", only, 224 * math.sqrt(8),
                     "si solo cambia la resolución, el costo crece con el cuadrado del lado.",
                     {224 * 8.0: "el costo crece con el cuadrado del lado, no con el lado."},
                     rel=0.012)
    return review.verdict("φ ≈ 3: profundidad ×1.73, anchura ×1.33 y unos 341 píxeles de lado; "
                          "solo con resolución harían falta unos 634.", 5)


def _resnet18_params(num_classes: int = 1000) -> int:
    """Parámetros de la ResNet-18 del ejercicio (convoluciones sin sesgo; BN con 4 por canal)."""
    bn = lambda channels: 4 * channels  # noqa: E731 - γ, β y las dos medias móviles
    total = _conv_params(7, 3, 64, bias=False) + bn(64)
    channels = 64
    for stage, filters in enumerate((64, 128, 256, 512)):
        for i in range(2):
            total += _conv_params(3, channels, filters, bias=False) + bn(filters)
            total += _conv_params(3, filters, filters, bias=False) + bn(filters)
            if channels != filters or (stage and i == 0):  # proyección del atajo
                total += _conv_params(1, channels, filters, bias=False) + bn(filters)
            channels = filters
    return total + _dense_params(channels, num_classes)


@register("ej-hist-macs", '''
# Parámetros (con sesgos) y multiplicaciones-suma por imagen (sin sesgos) de cada capa.
respuesta = {"densa_parametros": ..., "densa_macs": ..., "conv_parametros": ..., "conv_macs": ...}
''', asks_more=True)
def check_hist_macs(answer: Any) -> Verdict:
    """Densa 4096→4096 frente a convolución 3×3 de 256→256 canales sobre 56×56."""
    a = _fields(answer, ("densa_parametros", "densa_macs", "conv_parametros", "conv_macs"))
    review = _Review()
    review.value("densa_parametros", _count(a["densa_parametros"], "«densa_parametros»"),
                 _dense_params(4096, 4096), "pesos de entrada × salida, más un sesgo por neurona.")
    review.value("densa_macs", _count(a["densa_macs"], "«densa_macs»"), 4096 * 4096,
                 "cada peso de la capa densa se usa una sola vez por imagen.")
    review.value("conv_parametros", _count(a["conv_parametros"], "«conv_parametros»"),
                 _conv_params(3, 256, 256), "3 × 3 × canales de entrada por filtro, más un sesgo "
                 "por filtro; el tamaño del mapa no cuenta.",
                 {3 * 3 * 256 * 256: "faltan los sesgos: uno por filtro."})
    review.value("conv_macs", _count(a["conv_macs"], "«conv_macs»"), 56 * 56 * 3 * 3 * 256 * 256,
                 "cada peso del filtro se usa en cada una de las 56 × 56 posiciones del mapa.",
                 {3 * 3 * 256 * 256: "eso es una sola posición: multiplica por las 56 × 56 del mapa."})
    return review.verdict("La densa tiene unas 28 veces más parámetros, pero la convolución cuesta "
                          "unas 110 veces más por imagen.", 4)


@register("ej-hist-resnet18", '''
# Construye la ResNet-18 con architectures.residual_block y asigna aquí el modelo de Keras
# (el objeto que devuelve models.Model(inputs, outputs), sin entrenar).
respuesta = ...
''')
def check_hist_resnet18(model: Any) -> Verdict:
    """Comprueba el modelo: entrada, salida, mapa antes del agrupamiento global, profundidad y parámetros."""
    if not all(hasattr(model, name) for name in ("count_params", "layers", "inputs", "outputs")):
        raise Feedback("Se esperaba el modelo de Keras ya construido (por ejemplo "
                       "models.Model(inputs, outputs)) y llegó un valor de tipo "
                       f"{type(model).__name__} ({_describe(model)}).")
    import keras  # el estudiante ya lo cargó para construir el modelo

    from cnnlab import architectures

    if not isinstance(model, keras.Model):
        raise Feedback(f"Se esperaba un keras.Model y llegó un {type(model).__name__}.")
    problems: list[str] = []
    if len(model.inputs) != 1 or tuple(model.inputs[0].shape)[1:] != (224, 224, 3):
        problems.append("La entrada debe ser de 224×224×3.")
    if len(model.outputs) != 1 or tuple(model.outputs[0].shape)[1:] != (1000,):
        problems.append("La salida debe ser una densa de 1000 clases.")
    pools = [layer for layer in model.layers if isinstance(layer, keras.layers.GlobalAveragePooling2D)]
    if not pools:
        problems.append("Falta el agrupamiento promedio global (GlobalAveragePooling2D) antes de "
                        "la densa.")
    else:
        shape = tuple(pools[0].input.shape)[1:]
        if shape[-1:] != (512,):
            problems.append(f"Al agrupamiento promedio global le llegan {shape[-1]} canales: la última etapa "
                            "tiene 512 filtros.")
        elif shape[:2] != (7, 7):
            problems.append(f"El mapa que llega al agrupamiento promedio global mide {shape[0]}×{shape[1]}: "
                            "revisa los pasos (2 en la convolución y en el agrupamiento máximo del tallo, y 2 en el "
                            "primer bloque de las etapas 2, 3 y 4).")
    depth = architectures.depth(model)
    if depth != 18:
        problems.append(f"Su profundidad es {depth}, no 18: revisa cuántos bloques tiene cada etapa "
                        "(cada bloque básico tiene dos convoluciones).")
    difference = model.count_params() - _resnet18_params()
    if difference and not problems:
        if difference == 64:
            problems.append("Hay 64 parámetros de más: la convolución del tallo no lleva sesgo.")
        else:
            excess = "de más" if difference > 0 else "de menos"
            problems.append(f"Tiene {thousands(abs(difference))} parámetros {excess}: revisa el "
                            "tallo (convolución 7×7 sin sesgo y BN) y los filtros de cada etapa.")
    if problems:
        return False, " ".join(problems)
    return True, "Tu ResNet-18 tiene profundidad 18 y los parámetros esperados."


# ------------------------------------------------------------------ Capítulo 11: aprendizaje por transferencia


@register("ej-tl-flatten", '''
# Escribe los parámetros de toda la cabeza (las dos capas densas) sobre ResNet50 a 224×224,
# con Flatten y con GlobalAveragePooling2D.
respuesta = {"flatten": ..., "promedio_global": ...}
''')
def check_tl_flatten(answer: Any) -> Verdict:
    """``Flatten → Dense(256) → Dense(1)`` frente a ``GlobalAveragePooling2D → ...`` sobre 7×7×2048."""
    a = _fields(answer, ("flatten", "promedio_global"))
    flatten = _count(a["flatten"], "«flatten»")
    gap = _count(a["promedio_global"], "«promedio_global»")
    output = _dense_params(256, 1)
    side = 224 // 32
    review = _Review()
    no_output = "falta la capa de salida Dense(1), con sus pesos y su sesgo."
    review.value("flatten", flatten, _dense_params(side * side * 2048, 256) + output,
                 "¿qué forma tiene el mapa que entrega ResNet50 a 224×224? Reduce el lado 32 veces "
                 "y tiene 2048 canales.",
                 {_dense_params(side * side * 2048, 256): no_output,
                  _dense_params(4 * 4 * 2048, 256) + output: "el ejercicio pide 224×224, no el "
                                                              "tamaño de imagen del capítulo."})
    review.value("promedio_global", gap, _dense_params(2048, 256) + output,
                 "el promedio global deja un valor por canal.",
                 {_dense_params(2048, 256): no_output})
    return review.verdict("Con Flatten la cabeza tiene más parámetros que toda la base; con el "
                          "promedio global, unas 49 veces menos.", 2)


def _resnet50_layers() -> list[tuple[int, int]]:
    """Parámetros (entrenables, no entrenables) de cada capa de ``keras.applications.ResNet50``
    sin cabeza, en el orden de ``base.layers`` (175 capas).

    Entrenables: pesos y sesgos de las convoluciones y γ, β de cada normalización por lotes;
    no entrenables: sus dos medias móviles.
    """
    conv = lambda k, i, o: (_conv_params(k, i, o), 0)  # noqa: E731
    bn = lambda channels: (2 * channels, 2 * channels)  # noqa: E731
    none = (0, 0)  # entrada, relleno, activación, agrupamiento, suma
    layers = [none, none, conv(7, 3, 64), bn(64), none, none, none]
    channels = 64
    for filters, blocks in ((64, 3), (128, 4), (256, 6), (512, 3)):
        out = 4 * filters
        for block in range(blocks):
            body = [conv(1, channels, filters), bn(filters), none,
                    conv(3, filters, filters), bn(filters), none]
            if block == 0:  # Keras lista la proyección del atajo junto a la tercera convolución
                layers += body + [conv(1, channels, out), conv(1, filters, out), bn(out), bn(out),
                                  none, none]
            else:
                layers += body + [conv(1, filters, out), bn(out), none, none]
            channels = out
    return layers


_TL_HEAD = _dense_params(2048, 1)  # la cabeza de transfer.build_model: GAP → Dropout → Dense(1)


@register("ej-tl-fine-tune-at", '''
# Para cada corte, escribe cuántas capas de la base quedan entrenables y cuántos parámetros
# entrenables tiene el modelo completo (base y cabeza, como los cuenta transfer.trainable_report).
respuesta = {"capas_140": ..., "parametros_140": ..., "capas_0": ..., "parametros_0": ...}
''')
def check_tl_fine_tune_at(answer: Any) -> Verdict:
    """``transfer.unfreeze(base, fine_tune_at=corte)`` con cortes 140 y 0 sobre ResNet50."""
    a = _fields(answer, ("capas_140", "parametros_140", "capas_0", "parametros_0"))
    layers = _resnet50_layers()
    review = _Review()
    for cut in (140, 0):
        layers_got = _count(a[f"capas_{cut}"], f"«capas_{cut}»")
        params_got = _count(a[f"parametros_{cut}"], f"«parametros_{cut}»")
        layers_expected = len(layers) - cut
        trainable = sum(t for t, _ in layers[cut:])
        moving = sum(n for _, n in layers[cut:])
        review.value(f"capas_{cut}", layers_got, layers_expected,
                     "se entrenan las capas de base.layers cuyo índice es mayor o igual que el corte.",
                     {layers_expected - 1: "el corte es un índice: la capa base.layers[corte] ya se "
                                           "entrena.",
                      layers_expected + 1: "el corte es un índice: base.layers[corte - 1] sigue "
                                           "congelada."})
        review.value(f"parametros_{cut}", params_got, trainable + _TL_HEAD,
                     "usa transfer.unfreeze(base, fine_tune_at=corte) y transfer.trainable_report "
                     "sobre el modelo completo.",
                     {trainable: "suma también la cabeza (Dense(1)), que sigue entrenable.",
                      trainable + moving + _TL_HEAD: "las medias móviles de la normalización por "
                                                      "lotes no son entrenables."})
    return review.verdict(f"Con el corte en 140 se entrenan {len(layers) - 140} capas de la base; "
                          f"con 0, las {len(layers)}.", 4)


# ------------------------------------------------------------------ Capítulo 12: Vision Transformer


def _vit_params(patch_size: int, image_size: int = 32, dim: int = 64, depth: int = 4,
                mlp_dim: int = 128, num_classes: int = 10, channels: int = 3) -> int:
    """Parámetros de ``cnnlab.vit.small_vit`` con esos argumentos."""
    tokens = (image_size // patch_size) ** 2 + 1
    embedding = _dense_params(patch_size * patch_size * channels, dim)
    cls_and_position = dim + tokens * dim
    layer_norm = 2 * dim
    attention = 4 * _dense_params(dim, dim)  # consultas, claves, valores y salida
    block = 2 * layer_norm + attention + _dense_params(dim, mlp_dim) + _dense_params(mlp_dim, dim)
    return embedding + cls_and_position + depth * block + layer_norm + _dense_params(dim, num_classes)


@register("ej-vit-secuencia", '''
# Para ViT-B/16 a 224×224: tokens de la secuencia (con [CLS]), valores de cada parche aplanado,
# entradas de la matriz de atención de una cabeza, y esas entradas con parches de 8×8.
respuesta = {"tokens": ..., "valores_por_parche": ..., "entradas_atencion": ..., "entradas_atencion_8x8": ...}
''')
def check_vit_secuencia(answer: Any) -> Verdict:
    """ViT-B/16 a 224×224: 14 × 14 parches más [CLS]; atención de tokens × tokens."""
    a = _fields(answer, ("tokens", "valores_por_parche", "entradas_atencion", "entradas_atencion_8x8"))
    tokens = _count(a["tokens"], "«tokens»")
    values = _count(a["valores_por_parche"], "«valores_por_parche»")
    entries = _count(a["entradas_atencion"], "«entradas_atencion»")
    entries8 = _count(a["entradas_atencion_8x8"], "«entradas_atencion_8x8»")
    patches16, patches8 = (224 // 16) ** 2, (224 // 8) ** 2
    review = _Review()
    cls = "no olvides el token [CLS]."
    review.value("tokens", tokens, patches16 + 1, "cuenta los parches de 16×16 que caben en 224×224.",
                 {patches16: cls})
    review.value("valores_por_parche", values, 16 * 16 * 3,
                 "un parche tiene alto × ancho × canales valores.",
                 {16 * 16: "cada píxel del parche tiene 3 canales."})
    review.value("entradas_atencion", entries, (patches16 + 1) ** 2,
                 "la matriz tiene una fila y una columna por token.",
                 {patches16 ** 2: cls, patches16 + 1: "la matriz tiene una fila y una columna por token."})
    review.value("entradas_atencion_8x8", entries8, (patches8 + 1) ** 2,
                 "con parches de 8×8 caben más parches por lado; la matriz es tokens × tokens.",
                 {patches8 ** 2: cls, patches8 + 1: "la matriz es tokens × tokens."})
    return review.verdict("197 tokens de 768 valores y 38 809 entradas por cabeza; con parches "
                          "de 8×8 la matriz crece unas 16 veces.", 4)


@register("ej-vit-parche", '''
# Para el ViT del capítulo con parches de 8×8: tokens (con [CLS]), valores por parche aplanado,
# entradas de la matriz de atención de una cabeza y número total de parámetros del modelo.
respuesta = {"tokens": ..., "valores_por_parche": ..., "entradas_atencion": ..., "parametros": ...}
''', asks_more=True)
def check_vit_parche(answer: Any) -> Verdict:
    """``vit.small_vit(patch_size=8, dim=64, depth=4, num_heads=4, mlp_dim=128)`` sobre 32×32."""
    a = _fields(answer, ("tokens", "valores_por_parche", "entradas_atencion", "parametros"))
    tokens = _count(a["tokens"], "«tokens»")
    values = _count(a["valores_por_parche"], "«valores_por_parche»")
    entries = _count(a["entradas_atencion"], "«entradas_atencion»")
    params = _count(a["parametros"], "«parametros»")
    patches = (32 // 8) ** 2
    review = _Review()
    review.value("tokens", tokens, patches + 1, "cuenta los parches de 8×8 de una imagen de 32×32.",
                 {patches: "no olvides el token [CLS].",
                  (32 // 4) ** 2 + 1: "ese es el número con parches de 4×4."})
    review.value("valores_por_parche", values, 8 * 8 * 3,
                 "un parche tiene alto × ancho × canales valores.",
                 {8 * 8: "cada píxel del parche tiene 3 canales.",
                  4 * 4 * 3: "ese es el número con parches de 4×4."})
    review.value("entradas_atencion", entries, (patches + 1) ** 2,
                 "la matriz de una cabeza es tokens × tokens.",
                 {patches ** 2: "no olvides el token [CLS].",
                  4 * (patches + 1) ** 2: "se pide la matriz de una sola cabeza."})
    review.value("parametros", params, _vit_params(8),
                 "construye el modelo con vit.small_vit(patch_size=8, ...) y usa count_params().",
                 {_vit_params(4): "ese es el modelo del capítulo, con parches de 4×4."})
    return review.verdict("17 tokens de 192 valores: la atención es unas 15 veces más pequeña y "
                          "solo crece la proyección de los parches.", 4)
