"""Los cuadernos para Jupyter (lanzamiento, estudiante, clave): frescos, sin MyST, sin soluciones a la vista."""

import re
import subprocess

import nbformat
import pytest

import bookcache
import render

NOTEBOOKS = bookcache.all_notebooks()
IDS = [p.stem for p in NOTEBOOKS]
PIN_RE = re.compile(r"@([0-9a-f]{40})\"")
#: Sintaxis MyST que Jupyter mostraría tal cual.
MYST_RE = re.compile(r"\{(glue:text|glue|cite|ref|doc|eq|numref|exercise|solution[\w-]*|admonition|"
                     r"math|code-cell)\}|^:::|^\([\w-]+\)=\s*$|^:(class|label|tags):", re.MULTILINE)


def pinned_commit(path) -> str:
    first = nbformat.read(path, as_version=4).cells
    first = next(c for c in first if c.cell_type == "code").source
    match = PIN_RE.search(first)
    assert match, f"{path.name}: la celda de preparación no fija un commit de cnnlab"
    return match.group(1)


@pytest.fixture(scope="module")
def editions():
    """Las tres ediciones de todos los capítulos, con el commit fijado en los cuadernos versionados."""
    commit = pinned_commit(bookcache.launch_path(NOTEBOOKS[0]))
    setup = render.setup_cell_source(render.repository_url(), commit)
    return {edition: {path: nbformat.reads(text, as_version=4)
                      for path, text in bookcache.rendered(edition, NOTEBOOKS, setup).items()}
            for edition in render.EDITIONS}


@pytest.mark.parametrize("chapter", NOTEBOOKS, ids=IDS)
def test_committed_notebooks_are_fresh(chapter, editions):
    for edition, where in (("lanzamiento", bookcache.launch_path),
                           ("estudiante", bookcache.student_path)):
        target = where(chapter)
        assert target.exists(), f"falta {bookcache.uri(target)}: ejecuta make notebooks"
        assert target.read_text(encoding="utf-8") == render.writes(editions[edition][chapter]), \
            f"{bookcache.uri(target)} no coincide con {chapter.name} y cache/: ejecuta make notebooks"


def test_every_notebook_pins_a_commit_with_todays_package():
    commits = {pinned_commit(bookcache.launch_path(p)) for p in NOTEBOOKS}
    commits |= {pinned_commit(bookcache.student_path(p)) for p in NOTEBOOKS}
    assert len(commits) == 1, f"los cuadernos fijan commits distintos: {commits}"
    commit = commits.pop()
    known = subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=render.ROOT)
    if known.returncode != 0:
        pytest.skip("el clon no tiene ese commit (¿clon superficial?)")
    diff = subprocess.run(["git", "diff", "--quiet", commit, "--", *render.PACKAGE_PATHS],
                          cwd=render.ROOT)
    assert diff.returncode == 0, (f"el paquete cambió desde {commit[:10]}, el commit que instalan "
                                  "los cuadernos: confirma el paquete y ejecuta make notebooks")


@pytest.mark.parametrize("chapter", NOTEBOOKS, ids=IDS)
def test_notebooks_show_no_myst_and_have_code(chapter, editions):
    for edition in render.EDITIONS:
        nb = editions[edition][chapter]
        assert sum(c.cell_type == "code" for c in nb.cells) >= 2
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                found = MYST_RE.search(cell.source)
                assert not found, f"{edition}/{chapter.stem}: MyST sin resolver: {found.group(0)!r}"
        assert "google.colab" in nb.cells[[c.cell_type for c in nb.cells].index("code")].source
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "ejecución completa publicada" in text
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        if not any(render.GLUE_VALUE_CALL.search(source) for source in code):
            unused = [line for source in code for line in source.splitlines()
                      if re.match(r"from cnnlab\.glue import .*\bglue_value\b", line)]
            assert not unused, f"{edition}/{chapter.stem}: importa glue_value sin usarlo: {unused}"


def _solution_texts(chapter):
    """Las líneas con contenido que solo están en las soluciones del capítulo (texto y código)."""
    import jupytext

    lines, body = [], []
    items = render.pieces(jupytext.read(chapter))
    shown = render.shown_code(items)  # sin lo que solo pega (render.strip_glue_cells)
    for piece in items:
        if piece.kind == "solution":
            for part in piece.cells:
                text = shown[id(part)] if part.kind == "code" else part.text
                lines += [line.strip() for line in text.splitlines() if len(line.strip()) > 25
                          and "{" not in line]
        else:
            body += [line.strip() for line in piece.text.splitlines()]
    return [line for line in lines if line not in set(body)]


@pytest.mark.parametrize("chapter", NOTEBOOKS, ids=IDS)
def test_the_parser_finds_every_solution_of_the_source(chapter):
    """Cuenta independiente de ``render.pieces``: si el analizador perdiera una solución, las
    pruebas que buscan sus líneas en las ediciones no tendrían nada que buscar."""
    import jupytext

    source = chapter.read_text(encoding="utf-8")
    in_source = len(re.findall(r"^`{3,}\{solution(?:-start)?\}", source, re.M))
    parsed = sum(p.kind == "solution" for p in render.pieces(jupytext.read(chapter)))
    assert parsed == in_source > 0


@pytest.mark.parametrize("chapter", NOTEBOOKS, ids=IDS)
def test_student_edition_leaks_no_solution_and_has_answer_cells(chapter, editions):
    student = editions["estudiante"][chapter]
    text = "\n".join(c.source for c in student.cells)
    shown = {line.strip() for line in text.splitlines()}
    leaked = [line for line in _solution_texts(chapter) if line in shown]
    assert not leaked, f"{chapter.stem}: la edición para estudiantes muestra soluciones: {leaked[:3]}"
    exercises = re.findall(r"\*\*Ejercicio (\d+\.\d+)\.\*\*", text)
    assert exercises, f"{chapter.stem}: no tiene ejercicios numerados"
    assert exercises == [f"{render.chapter_number(chapter)}.{i}" for i in range(1, len(exercises) + 1)]
    checked = student.metadata["cnnlab"]["checked_exercises"]
    for label in checked:
        assert f"check({label!r}, respuesta_" in text
    answers = len(re.findall(r"(?:def )?respuesta_\d+_\d+(?: =|\()|Tu código para el ejercicio",
                             text))
    assert answers >= len(exercises)


def test_open_questions_of_checked_exercises_get_their_own_answer_cell(editions):
    """Un ejercicio comprobado que además pregunta algo abierto tiene dónde contestarlo."""
    from cnnlab.checks import EXERCISES

    seen = 0
    for chapter in NOTEBOOKS:
        student = editions["estudiante"][chapter]
        markdown = [c.source for c in student.cells if c.cell_type == "markdown"]
        numbers = student.metadata["cnnlab"]["exercises"]
        for label in student.metadata["cnnlab"]["checked_exercises"]:
            start = f"**Tu respuesta a las preguntas abiertas del ejercicio {numbers[label]}**"
            # en una celda propia: el estudiante escribe ahí sin tocar el enunciado siguiente
            alone = [s for s in markdown if s.startswith(start) and "\n" not in s]
            assert bool(alone) == EXERCISES[label].asks_more, (chapter.stem, label)
            assert not any(start in s and not s.startswith(start) for s in markdown)
            seen += EXERCISES[label].asks_more
    assert seen == sum(e.asks_more for e in EXERCISES.values()) > 0


def test_launch_note_matches_whether_the_chapter_depends_on_the_mode():
    general = render.launch_note(["x = runtime.pick(completo=25, rapido=2)"], "u")
    assert "tus números serán otros" in general
    same = render.launch_note(["print(model.count_params())"], "u")
    assert "mismos números" in same and "tus números serán otros" not in same
    history = render.render(bookcache.ROOT / "book" / "10_historia.md", "lanzamiento")
    assert "mismos números" in history.cells[0].source


@pytest.mark.parametrize("chapter", NOTEBOOKS, ids=IDS)
def test_launch_solutions_are_gathered_at_the_end(chapter, editions):
    launch = editions["lanzamiento"][chapter]
    sources = [c.source for c in launch.cells]
    heads = [i for i, s in enumerate(sources) if s.startswith("## Soluciones")
             or "\n## Soluciones" in s]
    solutions = _solution_texts(chapter)
    assert solutions, f"{chapter.stem}: no se reconoce el texto de ninguna solución"
    assert len(heads) == 1, f"{chapter.stem}: sin sección «Soluciones»"
    before = {line.strip() for source in sources[:heads[0]] for line in source.splitlines()}
    leaked = [line for line in solutions if line in before]
    assert not leaked, f"{chapter.stem}: soluciones bajo las preguntas: {leaked[:3]}"
    key = {line.strip() for c in editions["clave"][chapter].cells for line in c.source.splitlines()}
    assert all(line in key for line in solutions)


def test_glue_calls_are_stripped_but_code_kept():
    source = ("x = 1\nglue_value('a', x)\nfor k in (1, 2):\n    glue_value(f'k{k}', k)\n"
              "for k in (1, 2):\n    print(k)\n    glue_value('b', k)\n")
    assert render.strip_glue(source) == "x = 1\nfor k in (1, 2):\n    print(k)"
    assert render.strip_glue("from cnnlab.glue import glue_value\nglue_value('a', 1)\ny = 2") == "y = 2"
    assert render.strip_glue("from cnnlab.glue import glue_value, thousands\nglue_value('a', 1)\n"
                             "print(thousands(3))") == "from cnnlab.glue import thousands\nprint(thousands(3))"
    only = "def f():\n    glue_value('a', 1)\n"
    assert render.strip_glue(only) == only  # quitarlo dejaría una función vacía


def test_an_unused_glue_import_goes_wherever_it_is():
    drop = render._without_glue_import
    assert drop("from cnnlab.glue import glue_value\nx = 1") == "x = 1"
    assert drop("x = 1\nfrom cnnlab.glue import glue_value") == "x = 1"
    assert drop("from cnnlab.glue import glue_value, thousands") == "from cnnlab.glue import thousands"
    assert drop("from cnnlab.glue import thousands, glue_value\ny = 2") == (
        "from cnnlab.glue import thousands\ny = 2")
    assert drop("import numpy as np") == "import numpy as np"


def test_myst_roles_become_links_and_text():
    ctx = render.Context(doc="07_dropout_v5", number=7,
                         glue=render.GlueStore({"07_dropout_v5": {"v": "0.78412", "s": "'hola'"}}),
                         docs=render.documents(), cites=render.bibliography())
    out = ctx.markdown("(cap-x)=\n# T\n\n{glue:text}`v:.4f` y {glue:text}`s`; "
                       "{cite}`srivastava2014dropout`; {ref}`el capítulo <cap-comparacion>`; "
                       "{doc}`08_comparacion`\n\n:::{admonition} Nota\n:class: tip\n\nUno\n:::\n")
    assert "0.7841 y hola" in out
    assert "[Srivastava et al., 2014](" in out and "referencias.html" in out
    assert "[el capítulo](" in out and "08_comparacion.html#cap-comparacion" in out
    assert "> **Nota**" in out and "> Uno" in out
    assert not render.MYST_RE.search(out) if hasattr(render, "MYST_RE") else not MYST_RE.search(out)
    with pytest.raises(SystemExit, match="no pegó 'falta'"):
        ctx.markdown("{glue:text}`falta`")


def test_math_split_across_lines_inside_an_admonition_stays_one_formula():
    ctx = render.Context(doc="07_dropout_v5", number=7, glue=render.GlueStore({}),
                         docs=render.documents(), cites=render.bibliography())
    out = ctx.markdown(":::{admonition} Nota\n:class: note\n\nSon $(4 \\cdot 4 +\n1) \\cdot 10$"
                       " parámetros y\n$x$ más.\n:::\n")
    assert "$(4 \\cdot 4 + 1) \\cdot 10$" in out  # sin el «> » de la cita dentro del TeX
    assert "> $x$ más." in out


def test_an_exercise_label_is_a_link_to_the_exercise_on_the_website():
    ctx = render.Context(doc="11_transfer_learning", number=11, glue=render.GlueStore({}),
                         docs=render.documents(), cites=render.bibliography())
    out = ctx.markdown("el {ref}`ejercicio 11.3 <ej-tl-fine-tune-at>` cuenta")
    assert "[ejercicio 11.3](" in out and "11_transfer_learning.html#ej-tl-fine-tune-at)" in out


def test_exercise_numbers_match_the_website_chapter_numbers():
    """La web numera los capítulos por su orden en _toc.yml (partes con numbered: true)."""
    import yaml

    toc = yaml.safe_load((render.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    numbered = [entry["file"] for part in toc["parts"] if part.get("numbered")
                for entry in part["chapters"]]
    for position, name in enumerate(numbered, start=1):
        assert render.chapter_number(render.ROOT / f"{name}.md") == position, \
            f"{name}: su prefijo no es su número en la web ({position})"
    assert set(p.stem for p in NOTEBOOKS) <= {n.split("/")[-1] for n in numbered}


def test_instructor_table_lists_exercises_in_numeric_order(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["cnnlab"] = {"exercises": {"ej-b": "9.10", "ej-a": "9.2", "ej-c": "9.1"},
                             "checked_exercises": ["ej-b", "ej-c"]}
    table = render.instructor_table({tmp_path / "09_filtros.md": nb})
    row = table.splitlines()[-1]
    assert "| 9.1, 9.2, 9.10 | 9.1, 9.10 |" in row


def test_code_that_only_builds_glued_text_is_hidden_across_cells():
    """Lo que solo arma una frase pegada se va; lo que lee otra celda o el texto, se queda."""
    cells = ["from cnnlab.glue import glue_value\n"
             "acc = 0.91\n"
             "# Frase para el texto\n"
             "if acc > 0.9:\n"
             "    verdict = 'alta'\n"
             "else:\n"
             "    verdict = 'baja'\n"
             "glue_value('veredicto', verdict)\n"
             "ratio = acc / 0.5\n"
             "glue_value('cociente', ratio)\n"
             "label = f'exactitud {acc:.2f}'",
             "print(label)\n"
             "def phrase(x):\n"
             "    return 'sí' if x else 'no'\n"
             "glue_value('frase', phrase(acc > 0.5))\n"
             "shown = 'se cita en el texto'\n"
             "glue_value('citada', shown)"]
    first, second = render.strip_glue_cells(cells, names_elsewhere={"shown"})
    assert first == "acc = 0.91\nratio = acc / 0.5\nlabel = f'exactitud {acc:.2f}'"
    # ratio se pega tal cual: su cuenta enseña de dónde sale la cifra; label lo lee otra celda
    assert second == "print(label)\nshown = 'se cita en el texto'"


def test_notebooks_print_the_glued_readings_and_the_website_does_not():
    cells = ["if acc > 0.5:\n    reading = 'La red aprende.'\nelse:\n"
             "    reading = f'La red no pasa de {acc:.2f}.'\nglue_value('lectura', reading)\n"
             "where = 'se entrenaron aquí'\nglue_value('origen', where)"]
    shown = render.strip_glue_cells(cells, print_sentences=True)[0]
    # la frase se imprime: quien ejecuta el cuaderno lee la de su propia ejecución
    assert shown.endswith("    reading = f'La red no pasa de {acc:.2f}.'\nprint(reading)")
    assert "where" not in shown  # un trozo de frase, que solo se lee dentro del texto, se va
    web = render.strip_glue_cells(cells)[0]
    assert "print" not in web and "reading" not in web


def test_hidden_code_keeps_methods_side_effects_and_unparsable_cells():
    cells = ["class Probe:\n    def on_epoch_end(self, epoch, logs=None):\n"
             "        self.seen = True\n",
             "model = build()\nresult = train(model)\nglue_value('a', result)\n",
             "%time x = 1\n"]
    assert render.strip_glue_cells(cells) == [cells[0],
                                              "model = build()\nresult = train(model)",
                                              cells[2]]


def test_nested_glue_loops_go_and_an_emptied_block_falls_back_to_glue_only():
    cells = ["cm = make()\nfor i in range(2):\n    for j in range(2):\n"
             "        glue_value(f'c{i}{j}', cm[i, j])\nprint(cm)",
             "for k in items():\n    word = 'sí' if k else 'no'\n    glue_value('w', word)\n"]
    nested, emptied = render.strip_glue_cells(cells)
    assert nested == "cm = make()\nprint(cm)"  # el for anidado solo pegaba: se va entero
    # dentro del for solo se quitan las llamadas: queda la asignación, nunca un bloque vacío
    assert emptied == "for k in items():\n    word = 'sí' if k else 'no'"
