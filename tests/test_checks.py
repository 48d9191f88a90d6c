"""Las comprobaciones de los ejercicios que ejecuta el estudiante (cnnlab.checks y cnnlab.exercises).

Los valores correctos de estas pruebas se copian del texto y de las salidas de los capítulos,
no de los comprobadores: si una cuenta del comprobador está mal, la prueba falla.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from cnnlab import exercises  # noqa: F401 - registra los comprobadores
from cnnlab.checks import EXERCISES, GRADE_LOG_ENV, Feedback, check
from cnnlab.scratch.normalization import BatchNorm, batch_moments, batch_norm
from cnnlab.scratch.regularization import dropout as inverted_dropout

BOOK = Path(__file__).resolve().parents[1] / "book"
PENDING = "Falta tu respuesta"
GENERIC = "La respuesta no tiene la forma esperada ("  # el mensaje de check ante una excepción cruda


# ------------------------------------------------------------------ respuestas del libro


def kernel_solution(W1, b1, W2, b2):
    """La solución de ej-sinact-kernel (capítulo 3)."""
    K = np.zeros((8, 8, 3, 20), dtype="float64")
    for r in range(3):
        for s in range(3):
            K[2 * r:2 * r + 4, 2 * s:2 * s + 4] += np.einsum("hwcm,mf->hwcf", W1, W2[r, s])
    return K, b2 + np.einsum("rsmf,m->f", W2, b1)


def kernel_without_bias_correction(W1, b1, W2, b2):
    K, _ = kernel_solution(W1, b1, W2, b2)
    return K, b2


def kernel_wrong_placement(W1, b1, W2, b2):
    K = np.zeros((8, 8, 3, 20))
    for r in range(3):
        for s in range(3):
            K[r:r + 4, s:s + 4] += np.einsum("hwcm,mf->hwcf", W1, W2[r, s])
    return K, b2 + np.einsum("rsmf,m->f", W2, b1)


def classic_dropout(x, rate, training, rng):
    """La solución de ej-dropout-clasico (capítulo 7)."""
    if training:
        return np.where(rng.random(x.shape) >= rate, x, 0.0)
    return x * (1.0 - rate)


def classic_dropout_swapped(x, rate, training, rng):
    if training:
        return np.where(rng.random(x.shape) < rate, x, 0.0)  # conserva con probabilidad rate
    return x * (1.0 - rate)


def classic_dropout_identity_inference(x, rate, training, rng):
    if training:
        return np.where(rng.random(x.shape) >= rate, x, 0.0)
    return x


def bn_experiment(steps: int, batch: int = 32, seed: int = 1) -> float:
    """Lo que mide el estudiante en ej-bn-inferencia con la BatchNorm del capítulo."""
    rng = np.random.default_rng(seed)
    bn = BatchNorm(3)
    for _ in range(steps):
        bn(rng.normal(5.0, 2.0, (batch, 3)), training=True)
    return bn.moving_mean


def one_image_with_its_own_statistics() -> np.ndarray:
    one = np.array([[5.3, -1.0, 12.0]])
    mean, variance = batch_moments(one)
    bn = BatchNorm(3)
    return batch_norm(one, mean, variance, bn.gamma, bn.beta)


CORRECT = {
    # Capítulo 1
    "ej-v1-parametros": {"forma": (28, 28, 16), "parametros": 1216},
    "ej-v1-salidas": {"conv1": (15, 15, 10), "conv2": (7, 7, 20), "densa": 9810},
    # Capítulo 2
    "ej-pool-formas": {"forma_pool": (4, 4, 4), "parametros_pool": 0, "forma_conv": (4, 4, 8),
                       "parametros_conv": 296},
    # Capítulo 3
    "ej-sinact-tanh": {"3x+1": False, "tanh": True},
    "ej-sinact-kernel": kernel_solution,
    # Capítulo 4
    "ej-prof-campo": {"campo_receptivo": 9, "parametros_densa": 8_388_736},
    # Capítulo 5
    "ej-aum-mnist": {"volteo_horizontal": False, "traslacion_pequena": True,
                     "rotacion_pequena": True, "rotacion_de_180_grados": False},
    # Capítulo 6
    "ej-bn-sesgo": {"gradiente_del_sesgo": 0, "parametro_de_bn": "beta"},
    "ej-bn-parametros": {"total": 256, "entrenables": 128, "depende_de_la_resolucion": False},
    "ej-hist-macs": {"densa_parametros": 16781312, "densa_macs": 16777216,
                     "conv_parametros": 590080, "conv_macs": 1849688064},
    "ej-bn-inferencia": {"salida_con_el_lote": one_image_with_its_own_statistics(),
                         "media_movil_5_pasos": bn_experiment(5),
                         "media_movil_200_pasos": bn_experiment(200)},
    # Capítulo 7
    "ej-dropout-esperanza": {"valor_si_sobrevive": 4, "probabilidad_de_cero": 0.25, "esperanza": 3,
                             "inferencia": 3},
    "ej-dropout-clasico": classic_dropout,
    # Capítulo 8 (salida de la tabla del capítulo)
    "ej-comp-coste": {1: 15_120, 2: 15_120, 3: 591_274, 4: 591_274, 5: 592_554},
    # Capítulo 9
    "ej-filtros-primera": {"forma": (3, 3, 32, 32), "parametros": 9248},
    # Capítulo 10
    "ej-hist-vgg-bloque": {"conv1": 1792, "conv2": 36_928, "densa": 102_764_544, "proporcion": 0.743},
    "ej-hist-phi": {"phi": 3, "profundidad": 1.728, "anchura": 1.331, "resolucion": 340.676,
                    "solo_resolucion": 634},
    # Capítulo 11 (salidas del capítulo)
    "ej-tl-flatten": {"flatten": 25_690_625, "promedio_global": 524_801},
    "ej-tl-fine-tune-at": {"capas_140": 35, "parametros_140": 14_980_097, "capas_0": 175,
                           "parametros_0": 23_536_641},
    # Capítulo 12
    "ej-vit-secuencia": {"tokens": 197, "valores_por_parche": 768, "entradas_atencion": 38_809,
                         "entradas_atencion_8x8": 616_225},
    "ej-vit-parche": {"tokens": 17, "valores_por_parche": 192, "entradas_atencion": 289,
                      "parametros": 148_170},
}

#: Otras formas válidas de escribir la respuesta correcta.
ALSO_CORRECT = [
    ("ej-v1-parametros", {"forma": (None, 28, 28, 16), "parametros": 1216.0}),
    ("ej-v1-parametros", {"forma": [28, 28, 16], "parametros": np.int64(1216)}),
    ("ej-prof-campo", {"campo_receptivo": (9, 9), "parametros_densa": 8_388_736}),
    ("ej-bn-inferencia", {"salida_con_el_lote": 0, "media_movil_5_pasos": 0.25,
                          "media_movil_200_pasos": 4.33}),
    ("ej-bn-inferencia", {"salida_con_el_lote": 0.0, "media_movil_5_pasos": bn_experiment(5, batch=8, seed=7),
                          "media_movil_200_pasos": bn_experiment(200, batch=8, seed=7)}),
    ("ej-bn-sesgo", {"gradiente_del_sesgo": 3e-9, "parametro_de_bn": " β"}),
    # el gradiente medido en float32: un valor por filtro, restos de redondeo
    ("ej-bn-sesgo", {"gradiente_del_sesgo": np.array([2e-8, -5e-4, 0.0], dtype=np.float32),
                     "parametro_de_bn": "beta"}),
    ("ej-bn-sesgo", {"gradiente_del_sesgo": 0.0, "parametro_de_bn": "Beta"}),
    ("ej-comp-coste", {"1": 15_120, "2": 15_120, "3": 591_274, "4": 591_274, "5": 592_554}),
    ("ej-hist-vgg-bloque", {"conv1": 1792, "conv2": 36_928, "densa": 102_764_544, "proporcion": 0.75}),
    ("ej-hist-phi", {"phi": 3.18, "profundidad": 1.2 ** 3.18, "anchura": 1.1 ** 3.18,
                     "resolucion": 224 * 1.15 ** 3.18, "solo_resolucion": 633.6}),
    ("ej-hist-phi", {"phi": 3.0, "profundidad": 1.73, "anchura": 1.33, "resolucion": 341,
                     "solo_resolucion": 224 * 8 ** 0.5}),
    ("ej-dropout-esperanza", {"valor_si_sobrevive": 4.0, "probabilidad_de_cero": 1 / 4,
                              "esperanza": 0.75 * 4, "inferencia": 3.0}),
]

#: Errores típicos: cada uno debe fallar.
WRONG = {
    "ej-v1-parametros": [{"forma": (32, 32, 16), "parametros": 1216},
                         {"forma": (28, 28, 16), "parametros": 1200},
                         {"forma": (28, 28, 3), "parametros": 416}],
    "ej-v1-salidas": [{"conv1": (16, 16, 10), "conv2": (8, 8, 20), "densa": 12_810},
                      {"conv1": (15, 15, 10), "conv2": (7, 7, 20), "densa": 980}],
    "ej-pool-formas": [{"forma_pool": (3, 3, 4), "parametros_pool": 0, "forma_conv": (4, 4, 8),
                        "parametros_conv": 296},
                       {"forma_pool": (4, 4, 4), "parametros_pool": 0, "forma_conv": (4, 4, 8),
                        "parametros_conv": 288},
                       {"forma_pool": (4, 4, 8), "parametros_pool": 296, "forma_conv": (4, 4, 8),
                        "parametros_conv": 296}],
    "ej-sinact-kernel": [kernel_without_bias_correction, kernel_wrong_placement],
    "ej-sinact-tanh": [{"3x+1": True, "tanh": True}, {"3x+1": False, "tanh": False}],
    "ej-aum-mnist": [{"volteo_horizontal": True, "traslacion_pequena": True,
                      "rotacion_pequena": True, "rotacion_de_180_grados": False},
                     {"volteo_horizontal": False, "traslacion_pequena": True,
                      "rotacion_pequena": True, "rotacion_de_180_grados": True}],
    "ej-bn-sesgo": [{"gradiente_del_sesgo": 1, "parametro_de_bn": "beta"},
                    {"gradiente_del_sesgo": np.array([0.0, 0.3]), "parametro_de_bn": "beta"},
                    {"gradiente_del_sesgo": 0, "parametro_de_bn": "gamma"}],
    "ej-prof-campo": [{"campo_receptivo": 13, "parametros_densa": 8_388_736},
                      {"campo_receptivo": 9, "parametros_densa": 524_416}],
    "ej-hist-macs": [{"densa_parametros": 16781312, "densa_macs": 16777216,
                      "conv_parametros": 589824, "conv_macs": 589824}],
    "ej-bn-parametros": [{"total": 128, "entrenables": 128, "depende_de_la_resolucion": False},
                         {"total": 256, "entrenables": 256, "depende_de_la_resolucion": False},
                         {"total": 256, "entrenables": 128, "depende_de_la_resolucion": True}],
    "ej-bn-inferencia": [{"salida_con_el_lote": 5.3, "media_movil_5_pasos": 0.25,
                          "media_movil_200_pasos": 4.33},
                         {"salida_con_el_lote": 0, "media_movil_5_pasos": 5.0,
                          "media_movil_200_pasos": 5.0},
                         {"salida_con_el_lote": 0, "media_movil_5_pasos": 0.0,
                          "media_movil_200_pasos": 4.33}],
    "ej-dropout-esperanza": [{"valor_si_sobrevive": 3, "probabilidad_de_cero": 0.25,
                              "esperanza": 2.25, "inferencia": 2.25},
                             {"valor_si_sobrevive": 4, "probabilidad_de_cero": 0.75,
                              "esperanza": 3, "inferencia": 3}],
    "ej-dropout-clasico": [inverted_dropout, classic_dropout_swapped,
                           classic_dropout_identity_inference],
    "ej-comp-coste": [{1: 15_120, 2: 15_120, 3: 591_274, 4: 591_274, 5: 591_274},
                      {1: 15_120, 2: 15_120, 3: 591_274, 4: 591_274, 5: 591_914}],
    "ej-filtros-primera": [{"forma": (3, 3, 3, 32), "parametros": 896},
                           {"forma": (3, 3, 32, 32), "parametros": 9216}],
    "ej-hist-vgg-bloque": [{"conv1": 1728, "conv2": 36_864, "densa": 102_760_448, "proporcion": 0.743},
                           {"conv1": 1792, "conv2": 36_928, "densa": 102_764_544, "proporcion": 74.3}],
    "ej-hist-phi": [{"phi": 8, "profundidad": 1.728, "anchura": 1.331, "resolucion": 340.676,
                     "solo_resolucion": 634},
                    {"phi": 3, "profundidad": 1.728, "anchura": 1.331, "resolucion": 1.521,
                     "solo_resolucion": 1792}],
    "ej-tl-flatten": [{"flatten": 25_690_368, "promedio_global": 524_544},
                      {"flatten": 8_388_865, "promedio_global": 524_801}],
    "ej-tl-fine-tune-at": [{"capas_140": 34, "parametros_140": 14_980_097, "capas_0": 175,
                            "parametros_0": 23_536_641},
                           {"capas_140": 35, "parametros_140": 14_978_048, "capas_0": 175,
                            "parametros_0": 23_589_761}],
    "ej-vit-secuencia": [{"tokens": 196, "valores_por_parche": 256, "entradas_atencion": 38_416,
                          "entradas_atencion_8x8": 614_656}],
    "ej-vit-parche": [{"tokens": 65, "valores_por_parche": 48, "entradas_atencion": 4225,
                       "parametros": 142_026}],
}

MODEL_LABELS = {"ej-hist-resnet18"}  # la respuesta es un modelo de Keras: pruebas aparte
DICT_LABELS = sorted(k for k, v in CORRECT.items() if isinstance(v, Mapping))
FUNCTION_LABELS = sorted(k for k, v in CORRECT.items() if callable(v))


def run(label, answer, capsys) -> tuple[bool, str]:
    """Comprueba como en el cuaderno y devuelve (resultado, mensaje impreso)."""
    passed = check(label, answer)
    return passed, capsys.readouterr().out


# ------------------------------------------------------------------ el registro


def test_every_registered_exercise_has_test_answers():
    assert set(EXERCISES) == set(CORRECT) | MODEL_LABELS
    assert set(WRONG) == set(CORRECT)


def book_exercise_labels() -> dict[str, str]:
    """Etiqueta de cada bloque ```{exercise} de book/*.md → capítulo."""
    labels = {}
    for path in sorted(BOOK.glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.strip().startswith("```{exercise}"):
                for option in lines[i + 1:]:
                    if not option.startswith(":"):
                        break
                    match = re.match(r":label:\s*(\S+)", option)
                    if match:
                        labels[match.group(1)] = path.stem
    return labels


def test_every_registered_label_is_an_exercise_of_the_book():
    labels = book_exercise_labels()
    assert len(labels) >= 30  # el libro tiene 34 ejercicios: el análisis encontró los bloques
    missing = sorted(set(EXERCISES) - set(labels))
    assert not missing, f"comprobadores de ejercicios que no existen en book/*.md: {missing}"


@pytest.mark.parametrize("label", sorted(EXERCISES))
def test_template_is_an_answer_cell(label):
    template = EXERCISES[label].template
    lines = template.splitlines()
    assert lines[0].startswith("# ") and len(lines[0]) > 20, "la primera línea explica la forma"
    # La edición para estudiantes renombra la variable en toda la celda: solo puede aparecer una vez.
    assert len(re.findall(r"\brespuesta\b", template)) == 1
    assert re.search(r"^(respuesta = |def respuesta\()", template, re.M)
    compile(template, label, "exec")


@pytest.mark.parametrize("label", sorted(EXERCISES))
def test_bare_template_says_there_is_no_answer_yet(label, capsys):
    namespace: dict = {}
    exec(EXERCISES[label].template, namespace)
    passed, out = run(label, namespace["respuesta"], capsys)
    assert passed is False
    assert PENDING in out


def test_partially_filled_template_is_still_pending(capsys):
    passed, out = run("ej-v1-parametros", {"forma": (28, 28, 16), "parametros": ...}, capsys)
    assert passed is False and PENDING in out and "'parametros'" in out


def test_pending_message_reads_as_plain_text(capsys):
    """Sin «Todavía no. Todavía no…» repetido y sin el marcado ``...`` de los docstrings."""
    _, out = run("ej-v1-parametros", ..., capsys)
    assert out.startswith(f"✗ {PENDING}:")
    assert "``" not in out and "Todavía" not in out


# ------------------------------------------------------------------ respuestas correctas e incorrectas


@pytest.mark.parametrize("label", sorted(CORRECT))
def test_correct_answer_passes(label, capsys):
    passed, out = run(label, CORRECT[label], capsys)
    assert passed is True, out
    assert out.startswith("✓ Correcto.")


@pytest.mark.parametrize("label,answer", ALSO_CORRECT,
                         ids=[f"{lab}-{i}" for i, (lab, _) in enumerate(ALSO_CORRECT)])
def test_other_valid_forms_pass(label, answer, capsys):
    passed, out = run(label, answer, capsys)
    assert passed is True, out


@pytest.mark.parametrize("label,answer", [(label, answer) for label, answers in WRONG.items()
                                         for answer in answers],
                         ids=[f"{label}-{i}" for label, answers in WRONG.items()
                              for i in range(len(answers))])
def test_wrong_answer_fails_with_a_hint(label, answer, capsys):
    passed, out = run(label, answer, capsys)
    assert passed is False
    assert out.startswith("✗ Todavía no.")
    assert PENDING not in out and GENERIC not in out
    assert len(out) > 40  # una pista, no solo el veredicto


def revealable(label: str) -> list[int]:
    """Los enteros de la respuesta correcta que una pista podría delatar (de tres cifras o más)."""
    return [v for v in CORRECT[label].values()
            if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 100]


@pytest.mark.parametrize("label", [label for label in DICT_LABELS if revealable(label)])
def test_wrong_answer_does_not_reveal_the_expected_numbers(label, capsys):
    expected = revealable(label)
    for answer in WRONG[label]:
        _, out = run(label, answer, capsys)
        for value in expected:
            for text in (str(value), f"{value:,}", f"{value:,}".replace(",", " ")):
                assert text not in out, (label, value, out)


def test_feedback_names_the_wrong_part_only(capsys):
    passed, out = run("ej-v1-parametros", {"forma": (28, 28, 16), "parametros": 1200}, capsys)
    assert passed is False
    assert "«parametros»" in out and "«forma»" not in out
    assert "sesgo" in out


def test_inverted_dropout_is_not_the_classic_one(capsys):
    _, out = run("ej-dropout-clasico", inverted_dropout, capsys)
    assert "invertido" in out


def test_kernel_feedback_points_at_the_bias(capsys):
    _, out = run("ej-sinact-kernel", kernel_without_bias_correction, capsys)
    assert "sesgo" in out and "kernel está bien" in out


# ------------------------------------------------------------------ tipos y formas equivocados

BAD_VALUES = ["texto", "1216", 0, 3.5, True, [1, 2], (1, 2, 3), [], {}, {"x": 1}, np.zeros(3),
              object(), lambda *args: 0, {"forma": "(28, 28, 16)"}]


@pytest.mark.parametrize("label", sorted(EXERCISES))
@pytest.mark.parametrize("bad", BAD_VALUES, ids=[f"malo{i}" for i in range(len(BAD_VALUES))])
def test_wrong_types_never_raise_and_get_a_clear_message(label, bad, capsys):
    try:
        result = EXERCISES[label].checker(bad)
    except Feedback as reason:
        assert str(reason).strip()
    else:
        assert result[0] is False and isinstance(result[1], str) and result[1].strip()
    passed, out = run(label, bad, capsys)
    assert passed is False
    assert GENERIC not in out, out


@pytest.mark.parametrize("label", sorted(EXERCISES))
def test_none_is_reported_as_no_answer(label, capsys):
    passed, out = run(label, None, capsys)
    assert passed is False and PENDING in out


@pytest.mark.parametrize("label", DICT_LABELS)
def test_dict_missing_a_key_names_it(label, capsys):
    answer = dict(CORRECT[label])
    key = list(answer)[-1]
    del answer[key]
    passed, out = run(label, answer, capsys)
    assert passed is False
    assert repr(key) in out and "Falta" in out
    assert GENERIC not in out


@pytest.mark.parametrize("label", DICT_LABELS)
def test_dict_with_a_misspelled_key(label, capsys):
    answer = dict(CORRECT[label])
    key = list(answer)[0]
    answer[f"{key}s"] = answer.pop(key)
    passed, out = run(label, answer, capsys)
    assert passed is False and repr(key) in out and GENERIC not in out


@pytest.mark.parametrize("label", DICT_LABELS)
@pytest.mark.parametrize("replace", [str, lambda v: None, lambda v: [v, v, v, v, v], lambda v: {"valor": v}],
                         ids=["texto", "None", "lista", "dict"])
def test_dict_values_of_the_wrong_type(label, replace, capsys):
    answer = {k: replace(v) for k, v in CORRECT[label].items()}
    passed, out = run(label, answer, capsys)
    assert passed is False
    assert GENERIC not in out, out


def test_a_number_written_as_text_gets_told_to_remove_the_quotes(capsys):
    _, out = run("ej-tl-flatten", {"flatten": "25690625", "promedio_global": 524_801}, capsys)
    assert "comillas" in out


def test_shape_of_the_wrong_length(capsys):
    passed, out = run("ej-v1-parametros", {"forma": (28, 28), "parametros": 1216}, capsys)
    assert passed is False and "3 números" in out


@pytest.mark.parametrize("label", FUNCTION_LABELS)
def test_a_function_that_raises(label, capsys):
    def broken(*args):
        raise ZeroDivisionError("división entre cero")

    passed, out = run(label, broken, capsys)
    assert passed is False
    assert "lanzó un error" in out and "ZeroDivisionError" in out


@pytest.mark.parametrize("label", FUNCTION_LABELS)
def test_a_function_with_the_wrong_arguments(label, capsys):
    passed, out = run(label, lambda x: x, capsys)
    assert passed is False
    assert "Tu función recibe 1 argumento y la comprobación la llama con" in out, out
    assert "positional" not in out and "missing" not in out  # nada del TypeError en inglés


@pytest.mark.parametrize("label", FUNCTION_LABELS)
@pytest.mark.parametrize("returned", ["texto", 7, (1, 2, 3), {"K": 1}, [np.zeros(2), np.zeros(2)]],
                         ids=["texto", "numero", "tupla", "dict", "arreglos"])
def test_a_function_returning_the_wrong_thing(label, returned, capsys):
    passed, out = run(label, lambda *args: returned, capsys)
    assert passed is False
    assert GENERIC not in out, out


# ------------------------------------------------------------------ registro para calificar y etiquetas


def test_grade_log_gets_one_json_line_per_check(tmp_path, monkeypatch, capsys):
    log = tmp_path / "notas.jsonl"
    monkeypatch.setenv(GRADE_LOG_ENV, str(log))
    check("ej-v1-parametros", CORRECT["ej-v1-parametros"])
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
    check("ej-vit-secuencia", "texto")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["exercise"] == "ej-v1-parametros" and first["passed"] is True
    assert second["exercise"] == "ej-vit-secuencia" and second["passed"] is False
    assert second["feedback"] and "diccionario" in second["feedback"]
    capsys.readouterr()


def test_without_grade_log_nothing_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(GRADE_LOG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    check("ej-v1-parametros", CORRECT["ej-v1-parametros"])
    assert list(tmp_path.iterdir()) == []
    capsys.readouterr()


def test_unknown_label_fails_with_a_spanish_message(capsys):
    passed, out = run("ej-que-no-existe", 42, capsys)
    assert passed is False
    assert "No hay comprobación para el ejercicio 'ej-que-no-existe'" in out
    assert "ej-v1-parametros" in out  # dice cuáles sí existen


# ------------------------------------------------------------------ ResNet-18: la respuesta es un modelo


@pytest.fixture(scope="module")
def keras_modules():
    keras = pytest.importorskip("keras")
    from cnnlab import architectures

    return keras, architectures


def resnet18(keras, architectures, stem_bias: bool = False, blocks: int = 2):
    """La solución de ej-hist-resnet18 (capítulo 10), con variantes equivocadas."""
    layers = keras.layers
    inputs = layers.Input((224, 224, 3))
    x = layers.Conv2D(64, 7, strides=2, padding="same", use_bias=stem_bias)(inputs)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
    for stage, filters in enumerate((64, 128, 256, 512)):
        for i in range(blocks):
            x = architectures.residual_block(x, filters, strides=2 if stage and i == 0 else 1)
    outputs = layers.Dense(1000, activation="softmax")(layers.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs)


def test_resnet18_model_passes(keras_modules, capsys):
    passed, out = run("ej-hist-resnet18", resnet18(*keras_modules), capsys)
    assert passed is True, out


def test_resnet18_with_a_biased_stem_fails(keras_modules, capsys):
    passed, out = run("ej-hist-resnet18", resnet18(*keras_modules, stem_bias=True), capsys)
    assert passed is False and "sesgo" in out


def test_resnet18_with_one_block_per_stage_fails(keras_modules, capsys):
    passed, out = run("ej-hist-resnet18", resnet18(*keras_modules, blocks=1), capsys)
    assert passed is False and "profundidad" in out


def test_resnet18_with_a_small_unrelated_model_fails(keras_modules, capsys):
    keras, _ = keras_modules
    inputs = keras.layers.Input((8,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    passed, out = run("ej-hist-resnet18", model, capsys)
    assert passed is False and GENERIC not in out and "224×224×3" in out
