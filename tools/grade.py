"""Califica los cuadernos entregados por los estudiantes y escribe las notas en un CSV.

No es parte de ``cnnlab``: es una herramienta para el profesor. Uso::

    python tools/grade.py CARPETA --out notas.csv [--timeout 300] [--chapter 07_dropout_v5]
                                  [--mode rapido] [--timeout-celda SEGUNDOS]

Cada ``*.ipynb`` de CARPETA y de sus subcarpetas (en orden de ruta) se ejecuta en un
proceso aparte, con un núcleo ``python3`` nuevo, en una carpeta temporal vacía y con
``CNNLAB_MODE=rapido`` (o el modo indicado). Las celdas que fallan no detienen el cuaderno. Si el cuaderno entero supera
``--timeout`` segundos, se detienen el proceso y el núcleo (y lo que este haya lanzado):
un bucle infinito o un núcleo colgado nunca detienen la tanda.

Cada llamada a :func:`cnnlab.checks.check` deja una línea en el registro que indica la
variable :data:`cnnlab.checks.GRADE_LOG_ENV`; con ese registro se escribe una fila por
estudiante y ejercicio esperado::

    estudiante,ejercicio,etiqueta,resultado,comentario

«ejercicio» es el número que ven el estudiante y el profesor (``7.2``), tomado de
``metadata["cnnlab"]["exercises"]``; si el cuaderno no lo tiene, la etiqueta. «etiqueta» es
la etiqueta interna del ejercicio (``ej-dropout-esperanza``). Los comentarios nunca citan
posiciones de celda (ni Colab ni Jupyter las muestran): nombran la celda de respuesta o de
comprobación de un ejercicio o, si no es de ninguno, su número entre las celdas de código.
El CSV se escribe en UTF-8 con BOM (``utf-8-sig``), así Excel muestra bien las tildes.

Los ejercicios esperados son los de los metadatos del cuaderno
(``metadata["cnnlab"]["checked_exercises"]``); si se perdieron, los ejercicios con
comprobación del capítulo ``--chapter``. Un capítulo sin ejercicios comprobables da una
sola fila, «a mano». El estudiante es el nombre del archivo o, en una subcarpeta, su ruta
relativa sin ``.ipynb``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BOOK_DIR = ROOT / "book"
CODE_DIR = ROOT / "code"

HEADER = ("estudiante", "ejercicio", "etiqueta", "resultado", "comentario")
CORRECT = "correcto"
WRONG = "incorrecto"
NO_ANSWER = "sin respuesta"
NOT_RUN = "sin ejecutar"
TIMED_OUT = "tiempo agotado"
UNREADABLE = "cuaderno ilegible"
UNIDENTIFIED = "sin identificar"
MANUAL = "a mano"
#: Los resultados posibles, en el orden del resumen.
RESULTS = (CORRECT, WRONG, NO_ANSWER, NOT_RUN, TIMED_OUT, UNREADABLE, UNIDENTIFIED, MANUAL)
#: Así empieza el mensaje de :func:`cnnlab.checks.check` cuando la respuesta sigue en ``...``.
NO_ANSWER_PREFIX = "Falta tu respuesta"
MODES = ("rapido", "completo", "auto")
KERNEL_ARGS = ["--IPKernelApp.capture_fd_output=False"]

#: Inicio de un bloque ``{exercise}`` de MyST y sus opciones (``:label: ...``).
EXERCISE_RE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})\{exercise\}[^\n]*\n"
                         r"(?P<options>(?:[ \t]*:[\w-]+:[^\n]*\n)*)", re.MULTILINE)
TEMP_FILE_RE = re.compile(r"\(\d+\.py, line (\d+)\)")
LABEL_RE = re.compile(r"^[ \t]*:label:[ \t]*(\S+)", re.MULTILINE)
#: Una llamada ``check("etiqueta", ...)`` o ``checks.check(...)`` (no ``claims.check(...)``)
#: en una línea que no es un comentario; ``variable`` es el segundo argumento cuando es un
#: nombre (``check("ej-x", respuesta_7_2)``).
CHECK_CALL_RE = re.compile(r"^(?![ \t]*#).*?(?:(?<![\w.])|\bchecks\.)check\(\s*(['\"])"
                           r"(?P<label>[^'\"]+)\1"
                           r"(?:\s*,\s*(?P<variable>[A-Za-z_]\w*)\s*[,)])?", re.MULTILINE)
#: Una línea que asigna o define ``{name}`` (``name = ...``, ``def name(``, ``class name``).
BINDING_RE = (r"^[ \t]*(?:(?:async[ \t]+)?def[ \t]+{name}\b|class[ \t]+{name}\b"
              r"|{name}[ \t]*(?::[^=\n]*)?=(?!=))")


@dataclass
class Row:
    """Una fila del CSV de notas."""

    student: str
    exercise: str  # la etiqueta (``ej-dropout-esperanza``); vacía si no hay ejercicio
    result: str
    comment: str
    number: str = ""  # el número que ve el estudiante (``7.2``)

    def as_csv(self) -> tuple[str, str, str, str, str]:
        """Los valores en el orden de :data:`HEADER` (sin número, la etiqueta en su lugar)."""
        return (self.student, self.number or self.exercise, self.exercise, self.result,
                self.comment)


@dataclass
class CellError:
    """El primer error de una celda ejecutada (``ename``/``evalue`` de su salida)."""

    cell: int
    ename: str
    evalue: str

    def describe(self) -> str:
        """``NameError: name 'x' is not defined`` (solo la primera línea, acotada)."""
        # «invalid syntax (3162543471.py, line 1)»: el archivo es un temporal del núcleo.
        value = TEMP_FILE_RE.sub(r"(línea \1)", (self.evalue or "").strip()).splitlines()
        text = f"{self.ename}: {value[0]}" if value else self.ename
        return text if len(text) <= 200 else text[:197] + "..."


@dataclass
class Execution:
    """Lo que se sabe de una ejecución: registro de comprobaciones, errores y cómo terminó."""

    log: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)
    current_cell: int | None = None
    timed_out: bool = False
    fatal: str | None = None


class UnreadableNotebook(ValueError):
    """El archivo no es un cuaderno de Jupyter válido."""


# ---------------------------------------------------------------- cuadernos y ejercicios


def find_notebooks(folder: Path) -> list[Path]:
    """Los ``*.ipynb`` de la carpeta y de sus subcarpetas, en orden de ruta (sin ocultos ni
    ``.ipynb_checkpoints``): las descargas de Moodle o Classroom ponen cada entrega en una
    carpeta con el nombre del estudiante."""
    folder = Path(folder)
    return sorted(p for p in folder.rglob("*.ipynb")
                  if p.is_file() and not any(part.startswith(".")
                                             for part in p.relative_to(folder).parts))


def student_name(path: Path, folder: Path) -> str:
    """Quién entregó ``path``: el nombre del archivo sin ``.ipynb`` si está en ``folder``; si
    está en una subcarpeta, la ruta relativa sin la extensión (``Ana Pérez/07_dropout_v5``),
    porque ahí el nombre del archivo suele ser el mismo para todos."""
    relative = Path(path).relative_to(folder)
    return relative.with_suffix("").as_posix()


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Lee y valida un cuaderno; lanza :class:`UnreadableNotebook` con el motivo en español."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UnreadableNotebook("El archivo no es texto UTF-8: no es un cuaderno de Jupyter.") from None
    except OSError as error:
        raise UnreadableNotebook(f"No se pudo leer el archivo ({error.strerror}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableNotebook(f"El archivo no es JSON válido (línea {error.lineno}, columna "
                                 f"{error.colno}): no es un cuaderno de Jupyter.") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise UnreadableNotebook("El JSON no tiene la forma de un cuaderno de Jupyter (falta «cells»).")
    try:
        nb = nbformat.reads(text, as_version=4)
        try:
            nbformat.validate(nb)
        except nbformat.ValidationError:
            # Diferencias menores (identificadores de celda, campos de más) tienen arreglo.
            from nbformat.validator import normalize

            _, fixed = normalize(nb)
            nb = nbformat.from_dict(fixed)
            nbformat.validate(nb)
    except Exception as error:  # noqa: BLE001 - cualquier fallo de nbformat es «ilegible»
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UnreadableNotebook(f"No es un cuaderno de Jupyter válido ({message[:160]}).") from None
    return nb


def _checks_module():
    """Importa :mod:`cnnlab.checks` (desde ``code/`` si el paquete no está instalado)."""
    try:
        from cnnlab import checks
    except ImportError:
        sys.path.insert(0, str(CODE_DIR))
        from cnnlab import checks
    return checks


def chapter_path(chapter: str, book_dir: Path = BOOK_DIR) -> Path:
    """El archivo ``book/<capítulo>.md`` (acepta el nombre con o sin extensión o carpeta)."""
    return Path(book_dir) / f"{Path(chapter).stem}.md"


def chapter_exercises(chapter: str, book_dir: Path = BOOK_DIR) -> list[str]:
    """Etiquetas de los bloques ``{exercise}`` del capítulo que tienen comprobación registrada.

    Importa :mod:`cnnlab.exercises` para que el registro :data:`cnnlab.checks.EXERCISES`
    esté completo; respeta el orden del capítulo.
    """
    text = chapter_path(chapter, book_dir).read_text(encoding="utf-8")
    checks = _checks_module()
    import cnnlab.exercises  # noqa: F401 - registra los comprobadores de los capítulos

    labels: list[str] = []
    for block in EXERCISE_RE.finditer(text):
        found = LABEL_RE.search(block.group("options"))
        if found and found.group(1) in checks.EXERCISES and found.group(1) not in labels:
            labels.append(found.group(1))
    return labels


def expected_exercises(nb: nbformat.NotebookNode, chapter_labels: list[str] | None) -> list[str] | None:
    """Los ejercicios comprobables que el cuaderno debe contestar, en orden.

    Primero los de ``metadata["cnnlab"]["checked_exercises"]`` (una lista vacía: el capítulo
    no tiene ninguno); si faltan, ``chapter_labels`` (los de ``--chapter``); si tampoco hay,
    ``None``: no se sabe qué cuaderno es.
    """
    meta = nb.get("metadata", {}).get("cnnlab")
    labels = meta.get("checked_exercises") if isinstance(meta, dict) else None
    if isinstance(labels, list) and all(isinstance(x, str) for x in labels):
        if labels or meta.get("chapter"):
            return list(dict.fromkeys(labels))
    return list(chapter_labels) if chapter_labels else None


def check_calls(nb: nbformat.NotebookNode) -> Iterator[tuple[int, str, str | None]]:
    """Cada llamada a ``check`` en una celda de código: (posición desde 0, etiqueta, variable).

    ``variable`` es el nombre pasado como respuesta (``respuesta_7_2``), o ``None`` si no es
    un nombre.
    """
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            for call in CHECK_CALL_RE.finditer(cell.get("source", "")):
                yield index, call.group("label"), call.group("variable")


def check_cells(nb: nbformat.NotebookNode) -> dict[str, list[int]]:
    """Para cada ejercicio, las posiciones (desde 0) de las celdas de código que llaman a ``check``."""
    cells: dict[str, list[int]] = {}
    for index, label, _ in check_calls(nb):
        positions = cells.setdefault(label, [])
        if index not in positions:
            positions.append(index)
    return cells


def exercise_numbers(nb: nbformat.NotebookNode) -> dict[str, str]:
    """El número de cada ejercicio (etiqueta → ``"7.2"``), de ``metadata["cnnlab"]["exercises"]``.

    Vacío si los metadatos se perdieron; las entradas que no son texto se ignoran.
    """
    meta = nb.get("metadata", {}).get("cnnlab")
    numbers = meta.get("exercises") if isinstance(meta, dict) else None
    if not isinstance(numbers, dict):
        return {}
    return {label: number.strip() for label, number in numbers.items()
            if isinstance(label, str) and isinstance(number, str) and number.strip()}


def cell_roles(nb: nbformat.NotebookNode,
               labels: set[str] | None = None) -> dict[int, tuple[str, str]]:
    """Las celdas de código con papel en un ejercicio: posición → (``"comprobación"`` o
    ``"respuesta"``, etiqueta).

    La celda de comprobación llama a ``check("etiqueta", variable)``; la de respuesta es la
    celda de código anterior más cercana que asigna o define esa ``variable`` (la plantilla
    ``respuesta_7_2 = ...`` de la edición para estudiantes). Si una celda cumple los dos
    papeles, cuenta como comprobación. Con ``labels``, solo cuentan esos ejercicios.
    """
    cells = nb.get("cells", [])
    roles: dict[int, tuple[str, str]] = {}
    answers: dict[int, tuple[str, str]] = {}
    for index, label, variable in check_calls(nb):
        if labels is not None and label not in labels:
            continue
        roles.setdefault(index, ("comprobación", label))
        if not variable:
            continue
        binding = re.compile(BINDING_RE.replace("{name}", re.escape(variable)), re.MULTILINE)
        for previous in range(index - 1, -1, -1):
            other = cells[previous]
            if other.get("cell_type") == "code" and binding.search(other.get("source", "")):
                answers.setdefault(previous, ("respuesta", label))
                break
    return {**answers, **roles}


def describe_cell(nb: nbformat.NotebookNode, index: int, numbers: dict[str, str],
                  roles: dict[int, tuple[str, str]] | None = None) -> str:
    """Cómo nombrar la celda ``index`` (posición entre todas las celdas, desde 0) en un comentario.

    Ni Colab ni Jupyter numeran las celdas, así que no se usa la posición: «la celda de
    comprobación del ejercicio 7.2», «la celda de respuesta del ejercicio 7.2» o, si la celda
    no es de ningún ejercicio, «la celda de código n.º 5» (contando solo las de código, desde 1).
    """
    roles = cell_roles(nb) if roles is None else roles
    if index in roles:
        role, label = roles[index]
        return f"la celda de {role} del ejercicio {numbers.get(label, label)}"
    cells = nb.get("cells", [])
    if 0 <= index < len(cells) and cells[index].get("cell_type") == "code":
        position = sum(cell.get("cell_type") == "code" for cell in cells[:index + 1])
        return f"la celda de código n.º {position}"
    return "una celda que no es de código"


def read_log(path: Path) -> dict[str, dict[str, Any]]:
    """El registro de comprobaciones: el último resultado de cada ejercicio (líneas rotas se ignoran)."""
    results: dict[str, dict[str, Any]] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return results
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("exercise"), str):
            results[entry["exercise"]] = entry
    return results


# ---------------------------------------------------------------- ejecución


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _run_child(spec_json: str) -> int:
    """Proceso hijo: ejecuta el cuaderno con nbclient y anota su avance en ``progress``.

    El avance (celda en curso, errores de cada celda, PID del núcleo) se escribe en cada
    paso, así el proceso padre lo conoce aunque tenga que matar este proceso.
    """
    from nbclient import NotebookClient

    spec = json.loads(spec_json)
    progress_path = Path(spec["progress"])
    progress: dict[str, Any] = {"kernel_pid": None, "cell": None, "errors": [],
                                "finished": False, "fatal": None}
    _write_json(progress_path, progress)
    nb = nbformat.read(spec["notebook"], as_version=4)
    cell_timeout = spec["cell_timeout"]
    client = NotebookClient(
        nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "TiempoAgotado", "traceback": [],
                          "evalue": f"la celda superó el límite de {cell_timeout} s y se interrumpió"},
        extra_arguments=KERNEL_ARGS, resources={"metadata": {"path": spec["cwd"]}})

    def started(**_: Any) -> None:
        provisioner = getattr(client.km, "provisioner", None)
        progress["kernel_pid"] = getattr(provisioner, "pid", None)
        _write_json(progress_path, progress)

    def executing(cell_index: int, **_: Any) -> None:
        progress["cell"] = cell_index
        _write_json(progress_path, progress)

    def failed(cell_index: int, execute_reply: dict[str, Any], **_: Any) -> None:
        content = execute_reply.get("content", {})
        progress["errors"].append([cell_index, str(content.get("ename", "Error")),
                                   str(content.get("evalue", ""))])
        _write_json(progress_path, progress)

    client.on_notebook_start = started
    client.on_cell_execute = executing
    client.on_cell_error = failed
    try:
        client.execute()
    except Exception as error:  # noqa: BLE001 - el padre lo explica en el CSV
        text = str(error).strip().splitlines()
        progress["fatal"] = f"{type(error).__name__}: {text[0][:160]}" if text else type(error).__name__
    else:
        progress["finished"] = True
    _write_json(progress_path, progress)
    return 0


def _descendants(pid: int) -> list[int]:
    """PID de los procesos que descienden de ``pid`` (vacío si psutil no está disponible)."""
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except Exception:  # noqa: BLE001 - psutil ausente o el proceso ya terminó
        return []


def _kill_tree(process: subprocess.Popen, kernel_pid: int | None) -> None:
    """Mata el proceso hijo, el núcleo (con su grupo de procesos) y sus descendientes."""
    victims = _descendants(process.pid)
    if os.name == "posix":
        groups = {process.pid} | ({kernel_pid} if kernel_pid else set())
        for group in groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, OSError):
                pass
    else:
        process.kill()
        if kernel_pid:
            victims.append(kernel_pid)
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL if os.name == "posix" else signal.SIGTERM)
        except (ProcessLookupError, PermissionError, OSError):
            pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def execute_notebook(nb: nbformat.NotebookNode, timeout: float, mode: str = "rapido",
                     cell_timeout: float | None = None) -> Execution:
    """Ejecuta el cuaderno en un proceso aparte y devuelve lo que se sabe de la ejecución.

    Carpeta de trabajo temporal y nueva, ``CNNLAB_MODE=mode`` y un registro de comprobaciones
    propio. Si pasan ``timeout`` segundos, se matan el proceso y el núcleo
    (``timed_out=True``); los resultados anotados hasta entonces se conservan.
    """
    checks = _checks_module()
    execution = Execution()
    with tempfile.TemporaryDirectory(prefix="cnnlab-grade-", ignore_cleanup_errors=True) as tmp:
        tmp_dir = Path(tmp)
        workdir = tmp_dir / "trabajo"
        runtime = tmp_dir / "runtime"
        workdir.mkdir()
        runtime.mkdir()
        notebook = tmp_dir / "cuaderno.ipynb"
        nbformat.write(nb, notebook)
        log, progress = tmp_dir / "registro.jsonl", tmp_dir / "progreso.json"
        log.touch()
        env = dict(os.environ)
        env["CNNLAB_MODE"] = mode
        env[checks.GRADE_LOG_ENV] = str(log)
        env["JUPYTER_RUNTIME_DIR"] = str(runtime)  # archivos de conexión del núcleo: aquí
        if CODE_DIR.is_dir():  # el cnnlab de este repositorio (el de los comprobadores)
            env["PYTHONPATH"] = os.pathsep.join(
                [str(CODE_DIR)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
        spec = {"notebook": str(notebook), "progress": str(progress), "cwd": str(workdir),
                "cell_timeout": cell_timeout or timeout}
        code = (f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); "
                "import grade; sys.exit(grade._run_child(sys.argv[1]))")
        with open(tmp_dir / "salida.txt", "wb") as output:
            process = subprocess.Popen([sys.executable, "-c", code, json.dumps(spec)],
                                       cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                                       stdout=output, stderr=subprocess.STDOUT,
                                       start_new_session=(os.name == "posix"))
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                execution.timed_out = True
            finally:
                if process.poll() is None or execution.timed_out:
                    state = _read_progress(progress)
                    _kill_tree(process, state.get("kernel_pid"))
        state = _read_progress(progress)
        execution.log = read_log(log)
        execution.current_cell = state.get("cell")
        execution.errors = [CellError(int(i), n, v) for i, n, v in state.get("errors", [])]
        if not execution.timed_out and not state.get("finished"):
            execution.fatal = state.get("fatal") or _last_line(tmp_dir / "salida.txt") or (
                f"el proceso terminó con código {process.returncode}")
    return execution


def _read_progress(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _last_line(path: Path) -> str:
    try:
        lines = [x.strip() for x in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return ""
    lines = [x for x in lines if x]
    return lines[-1][:160] if lines else ""


# ---------------------------------------------------------------- calificación


def _not_run_comment(label: str, cells: list[int], execution: Execution,
                     name: Callable[[int], str]) -> str:
    """Por qué la comprobación ``label`` no dejó resultado (sin tiempo agotado).

    ``name(posición)`` nombra una celda sin citar su posición (:func:`describe_cell`).
    """
    first = execution.errors[0] if execution.errors else None
    first_text = (f" Primer error del cuaderno, en {name(first.cell)}: {first.describe()}."
                  if first else "")
    if not cells:
        return f'Falta la celda de comprobación: ninguna celda llama a check("{label}", ...).'
    current = execution.current_cell
    if execution.fatal and (current is None or all(i >= current for i in cells)):
        where = f" en {name(current)}" if current is not None else ""
        return (f"El cuaderno se detuvo{where} antes de llegar a esta comprobación "
                f"({execution.fatal}).{first_text}")
    own = next((e for e in execution.errors if e.cell in cells), None)
    if own is not None:
        text = f"{_capitalize(name(own.cell))} falló con {own.describe()}."
        return text + (first_text if first is not own else "")
    return (f"{_capitalize(name(cells[0]))} se ejecutó pero no llegó a llamar a check."
            f"{first_text}")


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def classify(student: str, expected: list[str], nb: nbformat.NotebookNode,
             execution: Execution, timeout: float) -> list[Row]:
    """Una fila por ejercicio esperado a partir del registro y de cómo terminó la ejecución."""
    cells = check_cells(nb)
    numbers = exercise_numbers(nb)
    roles = cell_roles(nb, set(expected) | set(numbers))

    def name(index: int) -> str:
        return describe_cell(nb, index, numbers, roles)

    rows = []
    for label in expected:
        number = numbers.get(label, "")
        entry = execution.log.get(label)
        if entry is not None:
            feedback = str(entry.get("feedback", ""))
            if entry.get("passed") is True:
                result = CORRECT
            elif feedback.startswith(NO_ANSWER_PREFIX):
                result = NO_ANSWER
            else:
                result = WRONG
            rows.append(Row(student, label, result, feedback, number))
            continue
        positions = cells.get(label, [])
        current = execution.current_cell
        ran_before_kill = current is not None and any(i < current for i in positions)
        if execution.timed_out and not ran_before_kill:
            where = f" en {name(current)}" if current is not None else ""
            comment = (f"El cuaderno superó el límite de {timeout:g} s y se detuvo{where} "
                       "antes de llegar a esta comprobación.")
            if not positions:
                comment += " Además, no tiene la celda de comprobación de este ejercicio."
            rows.append(Row(student, label, TIMED_OUT, comment, number))
        else:
            rows.append(Row(student, label, NOT_RUN,
                            _not_run_comment(label, positions, execution, name), number))
    return rows


def grade_notebook(path: Path, timeout: float = 300, mode: str = "rapido",
                   chapter_labels: list[str] | None = None,
                   cell_timeout: float | None = None, student: str | None = None) -> list[Row]:
    """Las filas del CSV de un cuaderno entregado (``student``: por omisión, el nombre del
    archivo sin extensión); nunca lanza excepciones."""
    student = student or Path(path).stem
    try:
        nb = read_notebook(path)
    except UnreadableNotebook as error:
        return [Row(student, "", UNREADABLE, str(error))]
    try:
        expected = expected_exercises(nb, chapter_labels)
        if expected is None:
            reason = ("Califícalo con --chapter CAPÍTULO." if chapter_labels is None else
                      "El capítulo indicado con --chapter no tiene ejercicios con comprobación.")
            return [Row(student, "", UNIDENTIFIED,
                        "No se puede identificar el cuaderno: sus metadatos no dicen qué "
                        f"ejercicios tiene (cnnlab.checked_exercises). {reason}")]
        if not expected:
            return [Row(student, "", MANUAL,
                        "Este cuaderno no trae ejercicios con comprobación automática (es de un "
                        "capítulo sin ellos o de una edición anterior del capítulo): lee sus "
                        "respuestas en el cuaderno, con la clave (make key).")]
        execution = execute_notebook(nb, timeout, mode=mode, cell_timeout=cell_timeout)
        return classify(student, expected, nb, execution, timeout)
    except Exception as error:  # noqa: BLE001 - un cuaderno nunca detiene la tanda
        return [Row(student, "", NOT_RUN,
                    f"No se pudo calificar el cuaderno ({type(error).__name__}: {error}).")]


def summary(student: str, rows: list[Row]) -> str:
    """Una línea de resumen: ``ana: 2/3 correctos · 1 sin respuesta``."""
    counts = {result: sum(r.result == result for r in rows) for result in RESULTS}
    if (counts[UNREADABLE] or counts[UNIDENTIFIED] or counts[MANUAL]
            or not any(r.exercise for r in rows)):
        return f"{student}: {rows[0].result if rows else NOT_RUN}"
    graded = [r for r in rows if r.exercise]
    parts = [f"{counts[CORRECT]}/{len(graded)} correctos"]
    parts += [f"{counts[result]} {result}" for result in RESULTS[1:] if counts[result]]
    return f"{student}: " + " · ".join(parts)


def write_csv(rows: list[Row], out: Path) -> None:
    """Escribe el CSV de notas (cabecera en español).

    En UTF-8 con BOM (``utf-8-sig``): sin él, Excel en Windows lee el archivo como ANSI y
    estropea las tildes; Python lo lee igual con ``encoding="utf-8-sig"``.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(r.as_csv() for r in rows)


# ---------------------------------------------------------------- orden


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} no es un número de segundos") from None
    if number <= 0:
        raise argparse.ArgumentTypeError("debe ser un número de segundos mayor que 0")
    return number


#: Traducción de los mensajes de error de argparse (que vienen en inglés).
ARGPARSE_ERRORS = (
    (r"^the following arguments are required: ", "faltan argumentos obligatorios: "),
    (r"^unrecognized arguments: ", "argumentos no reconocidos: "),
    (r"^argument (\S+): ", r"argumento \1: "),
    (r"invalid choice: (.*) \(choose from (.*)\)$", r"valor no válido: \1 (elige entre \2)"),
    (r"expected one argument$", "le falta su valor"),
    (r"invalid \w+ value: ", "valor no válido: "),
)


class SpanishHelpFormatter(argparse.HelpFormatter):
    """Ayuda de argparse con «uso:» en lugar de «usage:»."""

    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: D102
        super().add_usage(usage, actions, groups, prefix="uso: " if prefix is None else prefix)


class SpanishArgumentParser(argparse.ArgumentParser):
    """``ArgumentParser`` con la ayuda y los mensajes de error en español."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", SpanishHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opciones"
        self.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")

    def error(self, message: str):  # noqa: D102
        for pattern, replacement in ARGPARSE_ERRORS:
            message = re.sub(pattern, replacement, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """El analizador de argumentos de la orden (ayuda en español)."""
    parser = SpanishArgumentParser(
        prog="grade.py",
        description="Ejecuta los cuadernos entregados por los estudiantes y escribe sus "
                    "resultados en un CSV (estudiante, ejercicio, etiqueta, resultado, comentario).")
    parser.add_argument("folder", metavar="CARPETA", type=Path,
                        help="carpeta con los cuadernos .ipynb entregados (uno por estudiante; "
                             "también en subcarpetas, como las descargas de Moodle o Classroom)")
    parser.add_argument("--out", required=True, type=Path, metavar="ARCHIVO.csv",
                        help="archivo CSV donde escribir las notas")
    parser.add_argument("--timeout", type=_positive, default=300, metavar="SEGUNDOS",
                        help="tiempo máximo por cuaderno, en segundos (por omisión, 300)")
    parser.add_argument("--timeout-celda", dest="cell_timeout", type=_positive, default=None,
                        metavar="SEGUNDOS",
                        help="tiempo máximo por celda: la celda se interrumpe y el cuaderno "
                             "sigue (por omisión, el mismo que --timeout)")
    parser.add_argument("--chapter", metavar="CAPÍTULO",
                        help="capítulo de los cuadernos (p. ej. 07_dropout_v5), para los que "
                             "perdieron sus metadatos")
    parser.add_argument("--mode", choices=MODES, default="rapido",
                        help="CNNLAB_MODE con que se ejecutan los cuadernos (por omisión, rapido)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Califica la carpeta y escribe el CSV; devuelve el código de salida."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"la carpeta {str(args.folder)!r} no existe")
    chapter_labels = None
    if args.chapter:
        if not chapter_path(args.chapter).is_file():
            parser.error(f"no hay ningún capítulo llamado {Path(args.chapter).stem!r} en book/")
        chapter_labels = chapter_exercises(args.chapter)
        if not chapter_labels:
            print(f"Aviso: el capítulo {Path(args.chapter).stem} no tiene ejercicios con "
                  "comprobación automática.", file=sys.stderr)
    notebooks = find_notebooks(args.folder)
    if not notebooks:
        print(f"No hay cuadernos .ipynb en {args.folder}.", file=sys.stderr)
        return 1
    rows: list[Row] = []
    for path in notebooks:
        student = student_name(path, args.folder)
        student_rows = grade_notebook(path, args.timeout, mode=args.mode,
                                      chapter_labels=chapter_labels,
                                      cell_timeout=args.cell_timeout, student=student)
        rows += student_rows
        print(summary(student, student_rows), flush=True)
    write_csv(rows, args.out)
    print(f"Notas de {len(notebooks)} cuadernos en {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
