"""La orden de calificación (tools/grade.py) con cuadernos diminutos fabricados aquí.

Cada cuaderno registra en su primera celda un ejercicio de prueba (``ej-prueba``), así las
pruebas no dependen de los ejercicios reales de los capítulos. Ninguno importa Keras.
"""

import csv
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

REGISTER = '''from cnnlab.checks import check, register

@register("ej-prueba", "respuesta = ...")
def _comprobar(x):
    return x == 42, ("Bien: es 42." if x == 42 else f"Se esperaba 42, no {x!r}.")'''


def notebook(*sources: str, labels=("ej-prueba",), metadata=True) -> nbformat.NotebookNode:
    """Un cuaderno de estudiante: registro del ejercicio de prueba y luego ``sources``."""
    cells = [new_markdown_cell("# Tarea de prueba"), new_code_cell(REGISTER)]
    cells += [new_code_cell(source) for source in sources]
    nb = new_notebook(cells=cells)
    if metadata:
        nb.metadata["cnnlab"] = {"chapter": "99_prueba", "edition": "estudiante",
                                 "checked_exercises": list(labels)}
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
    with open(path, encoding="utf-8", newline="") as f:
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
            "by": {(r["estudiante"], r["ejercicio"]): r for r in rows}}


def test_csv_has_spanish_header_and_one_row_per_student_and_exercise(batch):
    with open(batch["out"], encoding="utf-8") as f:
        assert f.readline().strip() == "estudiante,ejercicio,resultado,comentario"
    keys = [(r["estudiante"], r["ejercicio"]) for r in batch["rows"]]
    assert keys == [("a_correcto", "ej-prueba"), ("b_incorrecto", "ej-prueba"),
                    ("c_sintaxis", "ej-prueba"), ("d_bucle", "ej-prueba"), ("d_bucle", "ej-otro"),
                    ("e_sin_celda", "ej-prueba"), ("f_ilegible", ""),
                    ("g_sin_respuesta", "ej-prueba"), ("h_sin_metadatos", "")]
    assert {r["resultado"] for r in batch["rows"]} <= set(grade.RESULTS)


def test_correct_answer(batch):
    row = batch["by"]["a_correcto", "ej-prueba"]
    assert (row["resultado"], row["comentario"]) == ("correcto", "Bien: es 42.")


def test_wrong_answer_and_the_last_check_counts(batch):
    row = batch["by"]["b_incorrecto", "ej-prueba"]
    assert (row["resultado"], row["comentario"]) == ("incorrecto", "Se esperaba 42, no 7.")


def test_syntax_error_in_the_answer_cell(batch):
    row = batch["by"]["c_sintaxis", "ej-prueba"]
    assert row["resultado"] == "sin ejecutar"
    assert "SyntaxError" in row["comentario"] and "celda 3" in row["comentario"]
    assert "NameError" in row["comentario"]  # la celda de comprobación (celda 4) falló después


def test_infinite_loop_times_out_and_keeps_earlier_checks(batch):
    assert batch["by"]["d_bucle", "ej-prueba"]["resultado"] == "correcto"
    row = batch["by"]["d_bucle", "ej-otro"]
    assert row["resultado"] == "tiempo agotado"
    assert f"límite de {TIMEOUT} s" in row["comentario"] and "celda 5" in row["comentario"]


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
    assert row["comentario"].startswith("Todavía no hay respuesta")


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


def test_empty_folder_is_an_error(tmp_path, capsys):
    assert grade.main([str(tmp_path), "--out", str(tmp_path / "notas.csv")]) == 1
    assert "No hay cuadernos" in capsys.readouterr().err
