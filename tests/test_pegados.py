"""La web muestra el código de los capítulos sin las llamadas que pegan cifras (tools/pegados.py)."""

from __future__ import annotations

import pegados


def test_glue_lines_leave_a_note_that_counts_them():
    source = ("from cnnlab.glue import glue_value, thousands\n"
              "acc = 0.5\n"
              "glue_value(\"a\", acc)\n"
              "for k in (1, 2):\n"
              "    glue_value(f\"b_{k}\", k)\n"
              "print(thousands(1000))")
    shown = pegados.web_code(source)
    assert "glue_value(" not in shown
    assert shown.splitlines()[0] == "from cnnlab.glue import thousands"
    assert "acc = 0.5" in shown and "print(thousands(1000))" in shown
    assert shown.splitlines()[-1] == "# (y 2 llamadas a glue_value, que pegan cifras en el texto)"


def test_one_glue_call_and_a_cell_of_only_glue():
    one = pegados.web_code("x = 1\nglue_value(\"x\", x)")
    assert one == "x = 1\n# (y una llamada a glue_value, que pega una cifra en el texto)"
    only = pegados.web_code("glue_value(\"x\", 1)")
    assert only == "# (y una llamada a glue_value, que pega una cifra en el texto)"


def test_code_without_glue_is_shown_as_it_is():
    source = "print('hola')\n# glue_value no se llama aquí"
    assert pegados.web_code(source) == source


def test_the_note_counts_the_lines_that_only_build_glued_text():
    source = "x = 1\nword = 'alta' if x else 'baja'\nglue_value('w', word)"
    assert pegados.web_code(source, "x = 1") == (
        "x = 1\n# (y 2 líneas que solo arman y pegan cifras y frases en el texto)")
