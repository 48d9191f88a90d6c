"""La orden de calificación (tools/grade.py) con cuadernos diminutos fabricados aquí.

Cada cuaderno registra en su primera celda un ejercicio de prueba (``ej-prueba``), así las
pruebas no dependen de los ejercicios reales de los capítulos. Ninguno importa Keras.
"""

import csv
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import grade
from cnnlab import checks

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30  # segundos por cuaderno en la tanda: el del bucle infinito se detiene ahí
#: Los números de ejercicio que ``tools/render.py`` anota en los metadatos.
NUMBERS = {"ej-prueba": "99.1", "ej-otro": "99.2"}
#: Una posición de celda citada como número («celda 26», «(celda 3)»), que nadie ve en Colab.
CELL_INDEX_RE = re.compile(r"\bcelda\s*\(?\d|\(celda")

REGISTER = '''from cnnlab.checks import check, register

@register("ej-prueba", "respuesta = ...")
def _comprobar(x):
    return x == 42, ("Bien: es 42." if x == 42 else f"Se esperaba 42, no {x!r}.")'''


def notebook(*sources: str, labels=("ej-prueba",), metadata=True,
             numbers=True) -> nbformat.NotebookNode:
    """Un cuaderno de estudiante: registro del ejercicio de prueba y luego ``sources``.

    Los metadatos son como los de ``tools/render.py``: con ``numbers=False`` les falta el
    número de cada ejercicio (``exercises``).
    """
    cells = [new_markdown_cell("# Tarea de prueba"), new_code_cell(REGISTER)]
    cells += [new_code_cell(source) for source in sources]
    nb = new_notebook(cells=cells)
    if metadata:
        nb.metadata["cnnlab"] = {"chapter": "99_prueba", "edition": "estudiante",
                                 "checked_exercises": list(labels)}
        if numbers:
            nb.metadata["cnnlab"]["exercises"] = dict(NUMBERS)
    return nb


SUBMISSIONS = {
    "a_correcto": notebook("respuesta = 42", 'check("ej-prueba", respuesta)'),
    # La primera comprobación acierta; la última cuenta.
    "b_incorrecto": notebook('check("ej-prueba", 42)', "respuesta = 7",
                             'check("ej-prueba", respuesta)'),
    "c_sintaxis": notebook("respuesta = (1 +", 'check("ej-prueba", respuesta)'),
    "d_bucle": notebook("respuesta = 42", 'check("ej-prueba", respuesta)', "while True: pass",
                        'check("ej-otro", 1)', labels=("ej-prueba", "ej-otro")),
    "e_sin_celda": notebook("respuesta = 42", '# check("ej-prueba", respuesta)'),
    "g_sin_respuesta": notebook("respuesta = ...", 'check("ej-prueba", respuesta)'),
    "h_sin_metadatos": notebook("respuesta = 42", 'check("ej-prueba", respuesta)', metadata=False),
}


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Califica una carpeta de entregas con la orden, como lo haría el profesor."""
    folder = tmp_path_factory.mktemp("entregas")
    for name, nb in SUBMISSIONS.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "f_ilegible.ipynb").write_text("{esto no es un cuaderno", encoding="utf-8")
    (folder / ".ipynb_checkpoints").mkdir()
    nbformat.write(SUBMISSIONS["a_correcto"], folder / ".ipynb_checkpoints" / "z-checkpoint.ipynb")
    out = tmp_path_factory.mktemp("notas") / "notas.csv"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "grade.py"), str(folder), "--out", str(out),
         "--timeout", str(TIMEOUT)],
        capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = read_rows(out)
    return {"out": out, "stdout": done.stdout, "rows": rows,
            "by": {(r["estudiante"], r["etiqueta"]): r for r in rows}}


def test_csv_has_spanish_header_and_one_row_per_student_and_exercise(batch):
    with open(batch["out"], encoding="utf-8-sig") as f:
        assert f.readline().strip() == "estudiante,ejercicio,etiqueta,resultado,comentario"
    keys = [(r["estudiante"], r["ejercicio"], r["etiqueta"]) for r in batch["rows"]]
    assert keys == [("a_correcto", "99.1", "ej-prueba"), ("b_incorrecto", "99.1", "ej-prueba"),
                    ("c_sintaxis", "99.1", "ej-prueba"), ("d_bucle", "99.1", "ej-prueba"),
                    ("d_bucle", "99.2", "ej-otro"), ("e_sin_celda", "99.1", "ej-prueba"),
                    ("f_ilegible", "", ""), ("g_sin_respuesta", "99.1", "ej-prueba"),
                    ("h_sin_metadatos", "", "")]
    assert {r["resultado"] for r in batch["rows"]} <= set(grade.RESULTS)


def test_csv_starts_with_a_bom_for_excel(batch):
    raw = batch["out"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfestudiante,ejercicio,etiqueta,")
    assert "cuaderno ilegible".encode("utf-8") in raw and "válido".encode("utf-8") in raw


def test_comments_never_cite_cell_positions(batch):
    comments = [r["comentario"] for r in batch["rows"]]
    assert any("celda" in c for c in comments)  # hay comentarios sobre celdas...
    cited = [c for c in comments if CELL_INDEX_RE.search(c)]
    assert cited == []  # ...pero ninguno cita «celda 3»


def test_correct_answer(batch):
    row = batch["by"]["a_correcto", "ej-prueba"]
    assert (row["resultado"], row["comentario"]) == ("correcto", "Bien: es 42.")


def test_wrong_answer_and_the_last_check_counts(batch):
    row = batch["by"]["b_incorrecto", "ej-prueba"]
    assert (row["resultado"], row["comentario"]) == ("incorrecto", "Se esperaba 42, no 7.")


def test_syntax_error_in_the_answer_cell(batch):
    row = batch["by"]["c_sintaxis", "ej-prueba"]
    assert row["resultado"] == "sin ejecutar"
    # La comprobación falló por la respuesta rota; el primer error fue en la respuesta.
    assert row["comentario"].startswith(
        "La celda de comprobación del ejercicio 99.1 falló con NameError")
    assert ("Primer error del cuaderno, en la celda de respuesta del ejercicio 99.1: "
            "SyntaxError") in row["comentario"]


def test_infinite_loop_times_out_and_keeps_earlier_checks(batch):
    assert batch["by"]["d_bucle", "ej-prueba"]["resultado"] == "correcto"
    row = batch["by"]["d_bucle", "ej-otro"]
    assert row["resultado"] == "tiempo agotado"
    assert f"límite de {TIMEOUT} s" in row["comentario"]
    # El bucle está en la 4.ª celda de código (la 5.ª contando la de Markdown del título).
    assert "se detuvo en la celda de código n.º 4 antes" in row["comentario"]


def test_batch_continues_after_the_timeout(batch):
    assert batch["by"]["e_sin_celda", "ej-prueba"]["resultado"] == "sin ejecutar"
    assert batch["by"]["g_sin_respuesta", "ej-prueba"]["resultado"] == "sin respuesta"


def test_missing_check_cell(batch):
    row = batch["by"]["e_sin_celda", "ej-prueba"]
    assert row["resultado"] == "sin ejecutar"
    assert row["comentario"].startswith("Falta la celda de comprobación")


def test_unreadable_notebook(batch):
    row = batch["by"]["f_ilegible", ""]
    assert row["resultado"] == "cuaderno ilegible" and "JSON" in row["comentario"]


def test_placeholder_answer_is_sin_respuesta(batch):
    row = batch["by"]["g_sin_respuesta", "ej-prueba"]
    assert row["comentario"].startswith("Falta tu respuesta")


def test_notebook_without_metadata_or_chapter_cannot_be_identified(batch):
    row = batch["by"]["h_sin_metadatos", ""]
    assert row["resultado"] == "sin identificar" and "--chapter" in row["comentario"]


def test_prints_one_summary_line_per_student_and_the_csv_path(batch):
    lines = batch["stdout"].strip().splitlines()
    students = [name for name in SUBMISSIONS] + ["f_ilegible"]
    assert len(lines) == len(students) + 1
    assert sorted(line.split(":")[0] for line in lines[:-1]) == sorted(students)
    assert "a_correcto: 1/1 correctos" in lines
    assert "d_bucle: 1/2 correctos · 1 tiempo agotado" in lines
    assert lines[-1].endswith(str(batch["out"]))


def test_lost_metadata_uses_the_chapter_exercises(tmp_path):
    path = tmp_path / "sin_metadatos.ipynb"
    nbformat.write(SUBMISSIONS["h_sin_metadatos"], path)
    rows = grade.grade_notebook(path, timeout=120, chapter_labels=["ej-prueba"])
    assert [(r.student, r.exercise, r.result) for r in rows] == [
        ("sin_metadatos", "ej-prueba", "correcto")]


# ---------------------------------------------------------------- piezas, sin núcleo


def test_chapter_exercises_are_the_registered_labels_in_order(tmp_path, monkeypatch):
    (tmp_path / "99_prueba.md").write_text(
        "# Capítulo\n\n```{exercise}\n:label: ej-b\n\nTexto.\n```\n\n"
        "```{exercise}\n:label: ej-sin-comprobacion\n\nTexto.\n```\n\n"
        "````{exercise}\n:class: dropdown\n:label: ej-a\n\nTexto.\n````\n", encoding="utf-8")
    for label in ("ej-a", "ej-b"):
        monkeypatch.setitem(checks.EXERCISES, label, checks.Exercise(label, "r = ...", bool))
    assert grade.chapter_exercises("99_prueba", book_dir=tmp_path) == ["ej-b", "ej-a"]


def test_expected_exercises_prefer_metadata_then_chapter():
    with_meta, without = notebook(labels=("ej-x", "ej-y")), notebook(metadata=False)
    assert grade.expected_exercises(with_meta, ["ej-z"]) == ["ej-x", "ej-y"]
    assert grade.expected_exercises(without, ["ej-z"]) == ["ej-z"]
    assert grade.expected_exercises(without, None) is None


def test_a_chapter_without_checkable_exercises_is_graded_by_hand(tmp_path):
    # Los metadatos dicen el capítulo y una lista vacía: no es un cuaderno sin identificar.
    nb = notebook("respuesta = 42", labels=())
    assert grade.expected_exercises(nb, None) == []
    path = tmp_path / "ana.ipynb"
    nbformat.write(nb, path)
    rows = grade.grade_notebook(path, timeout=120)
    assert [(r.student, r.exercise, r.result) for r in rows] == [("ana", "", "a mano")]
    assert "make key" in rows[0].comment
    assert grade.summary("ana", rows) == "ana: a mano"
    # Sin el capítulo en los metadatos, una lista vacía no identifica nada.
    del nb.metadata["cnnlab"]["chapter"]
    assert grade.expected_exercises(nb, None) is None


def test_submissions_in_subfolders_are_found_and_named_by_their_folder(tmp_path):
    # Como una descarga de Moodle: una carpeta por estudiante, el mismo nombre de archivo.
    for who in ("Ana Pérez_101_assignsubmission_file_", "Luis Ruiz_102_assignsubmission_file_"):
        (tmp_path / who).mkdir()
        nbformat.write(notebook(), tmp_path / who / "07_dropout_v5.ipynb")
    nbformat.write(notebook(), tmp_path / "carla.ipynb")
    (tmp_path / ".oculta").mkdir()
    nbformat.write(notebook(), tmp_path / ".oculta" / "x.ipynb")
    (tmp_path / "Luis Ruiz_102_assignsubmission_file_" / ".ipynb_checkpoints").mkdir()
    nbformat.write(notebook(), tmp_path / "Luis Ruiz_102_assignsubmission_file_"
                   / ".ipynb_checkpoints" / "07_dropout_v5-checkpoint.ipynb")
    found = grade.find_notebooks(tmp_path)
    assert [grade.student_name(p, tmp_path) for p in found] == [
        "Ana Pérez_101_assignsubmission_file_/07_dropout_v5",
        "Luis Ruiz_102_assignsubmission_file_/07_dropout_v5", "carla"]


def test_check_cells_ignore_commented_calls():
    nb = notebook('check("ej-prueba", r)', '# check("ej-otro", r)\nx = 1',
                  "from cnnlab import checks\nchecks.check('ej-otro', r)")
    assert grade.check_cells(nb) == {"ej-prueba": [2], "ej-otro": [4]}


def test_log_keeps_the_last_result_and_skips_broken_lines(tmp_path):
    log = tmp_path / "registro.jsonl"
    log.write_text('{"exercise": "ej-a", "passed": false, "feedback": "no"}\n'
                   '{"exercise": "ej-a", "passed": true, "feedback": "sí"}\n{"exercise": "ej-b", "pa',
                   encoding="utf-8")
    assert grade.read_log(log) == {"ej-a": {"exercise": "ej-a", "passed": True, "feedback": "sí"}}


@pytest.mark.parametrize("text", ["", "[1, 2]", '{"cells": "no"}', '{"cells": [{"x": 1}]}'])
def test_unreadable_notebooks_are_reported(tmp_path, text):
    path = tmp_path / "roto.ipynb"
    path.write_text(text, encoding="utf-8")
    [row] = grade.grade_notebook(path)
    assert (row.student, row.exercise, row.result) == ("roto", "", "cuaderno ilegible")


def test_killed_kernel_is_reported_as_not_run():
    nb = notebook("respuesta = 42", "import os; os._exit(1)", 'check("ej-prueba", respuesta)')
    execution = grade.Execution(current_cell=3, fatal="DeadKernelError: Kernel died")
    [row] = grade.classify("ana", ["ej-prueba"], nb, execution, timeout=300)
    assert row.result == "sin ejecutar" and "DeadKernelError" in row.comment
    assert "se detuvo en la celda de código n.º 3 antes" in row.comment


def test_exercise_column_is_the_number_or_else_the_label():
    log = {"ej-prueba": {"exercise": "ej-prueba", "passed": True, "feedback": "Bien."}}
    execution = grade.Execution(log=log)
    with_numbers = grade.classify("ana", ["ej-prueba"], notebook(), execution, timeout=300)
    without = grade.classify("ana", ["ej-prueba"], notebook(numbers=False), execution, timeout=300)
    assert [r.as_csv() for r in with_numbers] == [("ana", "99.1", "ej-prueba", "correcto", "Bien.")]
    assert [r.as_csv() for r in without] == [("ana", "ej-prueba", "ej-prueba", "correcto", "Bien.")]
    assert grade.exercise_numbers(notebook()) == NUMBERS
    assert grade.exercise_numbers(notebook(metadata=False)) == {}


def test_no_answer_prefix_matches_the_checks_feedback():
    from cnnlab import checks

    assert checks.PENDING.startswith(grade.NO_ANSWER_PREFIX)
    assert grade.NO_ANSWER_PREFIX == checks.PENDING_PREFIX
    log = {"ej-prueba": {"exercise": "ej-prueba", "passed": False,
                         "feedback": "Falta tu respuesta: sustituye los ... de la celda."}}
    [row] = grade.classify("ana", ["ej-prueba"], notebook(), grade.Execution(log=log), 300)
    assert row.result == "sin respuesta"


def test_first_error_names_the_exercise_or_counts_only_code_cells():
    nb = notebook("import numpy as np", "x = 1 / 0", "respuesta_99_1 = (",
                  'check("ej-prueba", respuesta_99_1)', labels=("ej-prueba",))
    nb.cells.insert(3, new_markdown_cell("Texto entre celdas."))
    # Celdas: 0 título, 1 registro, 2 numpy, 3 Markdown, 4 división, 5 respuesta, 6 comprobación.
    in_code = grade.Execution(errors=[grade.CellError(4, "ZeroDivisionError", "division by zero"),
                                      grade.CellError(6, "NameError", "name 'r' is not defined")])
    [row] = grade.classify("ana", ["ej-prueba"], nb, in_code, timeout=300)
    assert row.comment == (
        "La celda de comprobación del ejercicio 99.1 falló con NameError: name 'r' is not "
        "defined. Primer error del cuaderno, en la celda de código n.º 3: ZeroDivisionError: "
        "division by zero.")
    in_answer = grade.Execution(errors=[grade.CellError(5, "SyntaxError", "'(' was never closed"),
                                        grade.CellError(6, "NameError", "name 'r' is not defined")])
    [row] = grade.classify("ana", ["ej-prueba"], nb, in_answer, timeout=300)
    assert "Primer error del cuaderno, en la celda de respuesta del ejercicio 99.1: " in row.comment
    assert not CELL_INDEX_RE.search(row.comment)


def test_cell_roles_follow_the_variable_of_the_check_call():
    nb = notebook("def respuesta_1(x):\n    return x", "print(respuesta_1)",
                  "from cnnlab import checks\nchecks.check('ej-prueba', respuesta_1)",
                  'claims.check("otra-cosa", True)', 'check("ej-otro", 1)')
    numbers = grade.exercise_numbers(nb)
    assert grade.cell_roles(nb) == {2: ("respuesta", "ej-prueba"), 4: ("comprobación", "ej-prueba"),
                                    6: ("comprobación", "ej-otro")}
    assert grade.describe_cell(nb, 2, numbers) == "la celda de respuesta del ejercicio 99.1"
    assert grade.describe_cell(nb, 6, numbers) == "la celda de comprobación del ejercicio 99.2"
    assert grade.describe_cell(nb, 3, numbers) == "la celda de código n.º 3"
    assert grade.describe_cell(nb, 4, {}) == "la celda de comprobación del ejercicio ej-prueba"


def test_csv_is_written_with_a_bom(tmp_path):
    out = tmp_path / "notas.csv"
    grade.write_csv([grade.Row("José", "ej-a", "sin respuesta", "Falta tu respuesta.", "7.2")], out)
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    assert raw.decode("utf-8-sig").splitlines() == [
        "estudiante,ejercicio,etiqueta,resultado,comentario",
        "José,7.2,ej-a,sin respuesta,Falta tu respuesta."]


def test_empty_folder_is_an_error(tmp_path, capsys):
    assert grade.main([str(tmp_path), "--out", str(tmp_path / "notas.csv")]) == 1
    assert "No hay cuadernos" in capsys.readouterr().err
