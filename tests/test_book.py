"""La caché versionada, los cuadernos emparejados y la construcción de la web."""

import argparse
import getpass
import re
import socket
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

import bookcache
import fakeruns

CHAPTERS = bookcache.chapters()
IDS = [p.stem for p in CHAPTERS]
NOTEBOOKS = bookcache.all_notebooks()
PRIVATE = bookcache.PRIVATE_PATH_RE


@pytest.fixture(scope="module")
def cache_copy(tmp_path_factory):
    """Una copia de cache/: consultar jupyter-cache cambia fechas de acceso en su base de datos."""
    return bookcache.copy_cache(tmp_path_factory.mktemp("cache") / "cache")


def cached_notebooks(cache_copy):
    cache = bookcache.open_cache(cache_copy)
    return [(r.uri, cache.get_cache_bundle(r.pk).nb) for r in cache.list_cache_records()]


def test_every_chapter_is_fresh_and_full(cache_copy):
    states = bookcache.status(cache_copy)
    assert states and set(states.values()) == {"al día"}, states


def test_cache_holds_one_entry_per_chapter(cache_copy):
    uris = sorted(uri for uri, _ in cached_notebooks(cache_copy))
    assert uris == sorted(bookcache.uri(p) for p in CHAPTERS)


def test_every_claim_holds_in_the_published_runs(cache_copy):
    from cnnlab.claims import FAILED

    for uri, nb in cached_notebooks(cache_copy):
        failed = [line for text in bookcache.output_texts(nb) for line in text.splitlines()
                  if line.startswith(FAILED)]
        assert not failed, f"{uri}: afirmaciones que no se cumplen en la ejecución completa: {failed}"


def test_no_private_names_or_paths_in_cached_outputs(cache_copy):
    private = {getpass.getuser(), socket.gethostname()} - {"root", "", "localhost"}
    for uri, nb in cached_notebooks(cache_copy):
        for text in bookcache.output_texts(nb):
            assert not PRIVATE.search(text), f"{uri}: ruta absoluta en una salida: {text[:200]}"
            assert not any(bookcache.mentions(text, name) for name in private), \
                f"{uri}: nombre privado en una salida"
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert out.get("name") != "stderr", f"{uri}: salida en stderr"


def test_no_object_echoes_in_cached_outputs(cache_copy):
    """Ni «<matplotlib.legend.Legend at 0x…>» ni «Text(…)» bajo una celda publicada."""
    for uri, nb in cached_notebooks(cache_copy):
        echoes = [t[:120] for t in bookcache.output_texts(nb) if bookcache.OBJECT_ECHO_RE.search(t)]
        assert not echoes, f"{uri}: ecos de objetos en las salidas: {echoes}"


def test_private_names_match_whole_words_only():
    assert not bookcache.mentions("una ventana de 3×3", "ana")
    assert bookcache.mentions("/home/ana/datos", "ana") and bookcache.mentions("ana@pc", "ana")
    assert bookcache.mentions("equipo mi-pc listo", "mi-pc") and not bookcache.mentions("x", "")


@pytest.mark.parametrize("chapter", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_first_cell_is_the_setup_cell(chapter):
    first = bookcache.code_sources(bookcache.read_chapter(chapter))[0]
    assert first == bookcache.setup_cell_source()


def test_setup_cell_installs_cnnlab_in_colab_only(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kwargs: calls.append(args))
    exec(bookcache.setup_cell_source(), {})
    assert calls == []  # fuera de Colab no hace nada
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(bookcache.setup_cell_source(), {})
    assert len(calls) == 1 and calls[0][1:4] == ["-m", "pip", "install"]
    assert calls[0][-1] == f"cnnlab @ git+{bookcache.config()['repository']['url']}"


def test_import_refuses_changed_code_and_quick_runs(tmp_path):
    chapter = CHAPTERS[0]
    nb = bookcache.read_chapter(chapter)
    changed = nbformat.from_dict(nb)
    code = [c for c in changed.cells if c.cell_type == "code"]
    code[-1].source += "\nprint('otra cosa')"
    with pytest.raises(SystemExit, match="no coinciden con el capítulo actual"):
        bookcache.merged(nb, changed, "cambiado.ipynb")
    quick = nbformat.from_dict(nb)
    [c for c in quick.cells if c.cell_type == "code"][-1].outputs = [nbformat.v4.new_output(
        "stream", name="stdout", text="Procedencia de esta ejecución\n  Modo:        rapido\n")]
    with pytest.raises(SystemExit, match="no tiene un bloque de procedencia en modo completo"):
        bookcache.merged(nb, quick, "rapido.ipynb")
    full = nbformat.from_dict(nb)
    [c for c in full.cells if c.cell_type == "code"][-1].outputs = fakeruns.provenance_outputs()
    merged = bookcache.merged(nb, full, "completo.ipynb")
    assert bookcache.full_provenance(merged)


def test_stale_chapter_is_named(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "vacia"
    states = bookcache.status(empty)
    assert set(states.values()) == {"sin ejecutar"}
    bookcache.report_stale(states)
    assert f"make execute CHAPTER={IDS[0]}" in capsys.readouterr().out


@pytest.mark.book
def test_book_builds_from_cache_without_warnings(built_site):
    html = built_site
    intro = (html / "book" / "intro.html").read_text(encoding="utf-8")
    assert '<html lang="es"' in intro
    for chapter in CHAPTERS:
        page = (html / "book" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        assert "Procedencia de esta ejecución" in page and re.search(r"Modo:\s+completo", page)
        assert f"colab.research.google.com/github/" in page and f"book/{chapter.stem}.ipynb" in page
        for noise in ("━━━━━━━━━━━━━━━━━━━━ ", "ETA:", "oneDNN", "absl::", "I0000 "):
            assert noise not in page, f"{chapter.stem}: ruido en la página ({noise!r})"
        code = " ".join(re.sub(r"<[^>]+>", "", block) for block in
                        re.findall(r'<div class="cell_input[^"]*"(.*?)</div>\s*</div>', page, re.S))
        assert "glue_value(" not in code, f"{chapter.stem}: la web muestra llamadas a glue_value"


def test_store_replaces_and_prune_removes(tmp_path):
    chapter = CHAPTERS[0]
    nb = bookcache.read_chapter(chapter)
    full = nbformat.from_dict(nb)
    [c for c in full.cells if c.cell_type == "code"][-1].outputs = fakeruns.provenance_outputs()
    cache_dir = tmp_path / "cache"
    bookcache.store(chapter, bookcache.merged(nb, full, "a"), 1.0, cache_dir)
    bookcache.store(chapter, bookcache.merged(nb, full, "b"), 2.0, cache_dir)
    records = bookcache.open_cache(cache_dir).list_cache_records()
    assert len(records) == 1 and records[0].data["execution_seconds"] == 2.0
    assert bookcache.status(cache_dir)[chapter.stem] == "al día"
    old = nbformat.from_dict(full)
    [c for c in old.cells if c.cell_type == "code"][-1].source += "\n# versión anterior"
    bookcache.store(chapter, old, 1.0, cache_dir)  # misma uri: sustituye
    assert bookcache.status(cache_dir)[chapter.stem] == "desactualizado"
    assert len(bookcache.prune(cache_dir)) == 1
    assert bookcache.open_cache(cache_dir).list_cache_records() == []


def test_rekey_accepts_captions_only(tmp_path, monkeypatch):
    chapter = CHAPTERS[0]
    nb = bookcache.read_chapter(chapter)
    cache_dir = tmp_path / "cache"
    bookcache.store(chapter, bookcache.merged(nb, _full_run_of(nb), "a"), 75.0, cache_dir)
    assert bookcache.rekey(chapter, cache_dir) is False  # nada cambió
    captioned = nbformat.from_dict(nb)
    code = [c for c in captioned.cells if c.cell_type == "code"]
    code[-1].metadata["mystnb"] = {"figure": {"caption": "Un pie de figura."}}
    monkeypatch.setattr(bookcache, "read_chapter", lambda path: nbformat.from_dict(captioned))
    assert bookcache.status(cache_dir)[chapter.stem] == "desactualizado"
    assert bookcache.rekey(chapter, cache_dir) is True
    assert bookcache.status(cache_dir)[chapter.stem] == "al día"
    [record] = bookcache.open_cache(cache_dir).list_cache_records()
    assert record.data["execution_seconds"] == 75.0
    code[-1].metadata["tags"] = ["remove-output"]  # otra cosa que un pie: hay que ejecutar
    with pytest.raises(SystemExit, match="algo más que la presentación"):
        bookcache.rekey(chapter, cache_dir)
    code[-1].metadata.pop("tags")
    code[-1].source += "\nprint(1)"
    with pytest.raises(SystemExit, match="algo más que la presentación"):
        bookcache.rekey(chapter, cache_dir)


@pytest.mark.parametrize("before, after, same", [
    ('x = f(1, 2)  # uno', 'x = f(1,\n      2)\n# otro comentario', True),
    ('print("abc def")', 'print("abc "\n      "def")', True),
    ('print(f"a {x:.4f} b")', 'print(f"a {x:.4f}"\n      f" b")', True),
    ('print("abc def")', 'print("abc  def")', False),
    ('x = f(1, 2)', 'x = f(2, 1)', False),
    ('x = f(1, 2)', 'y = f(1, 2)', False),
    ('%timeit f()', '%timeit  f()', False),  # no es Python: se compara el texto
    ('def f():\n    """Uno."""\n    return 1', 'def f():\n    """Uno,\n    dos."""\n    return 1',
     True),
    ('def f():\n    """Uno."""\n    return 1', 'def f():\n    """Uno."""\n    return 2', False),
    ('"Se muestra."', '"Se  muestra."', False),  # cadena suelta: Jupyter la muestra
])
def test_program_ignores_only_formatting(before, after, same):
    assert (bookcache.program(before) == bookcache.program(after)) is same


def test_rekey_accepts_reformatted_code_and_keeps_the_outputs(tmp_path, monkeypatch):
    """Partir una línea es presentación: mismas salidas, código nuevo; cambiar un número no."""
    chapter = CHAPTERS[0]
    nb = bookcache.read_chapter(chapter)
    cache_dir = tmp_path / "cache"
    run = bookcache.merged(nb, _full_run_of(nb), "a")
    bookcache.store(chapter, run, 75.0, cache_dir)
    edited = nbformat.from_dict(nb)
    code = [c for c in edited.cells if c.cell_type == "code"]
    cell = next(c for c in code if "runtime.setup(" in c.source)
    cell.source = cell.source.replace("runtime.setup(", "runtime.setup(  # partida\n    ", 1)
    monkeypatch.setattr(bookcache, "read_chapter", lambda path: nbformat.from_dict(edited))
    assert bookcache.status(cache_dir)[chapter.stem] == "desactualizado"
    assert bookcache.rekey(chapter, cache_dir) is True
    assert bookcache.status(cache_dir)[chapter.stem] == "al día"
    stored = bookcache.cached_notebooks(cache_dir)[chapter.stem]
    assert bookcache.code_sources(stored) == bookcache.code_sources(edited)
    assert list(bookcache.output_texts(stored)) == list(bookcache.output_texts(run))
    assert "seed=42" in cell.source
    cell.source = cell.source.replace("seed=42", "seed=43", 1)
    with pytest.raises(SystemExit, match="algo más que la presentación"):
        bookcache.rekey(chapter, cache_dir)


def _with_final_semicolon(nb):
    """Una copia de ``nb`` cuya celda de ``runtime.setup`` acaba en «;», y el índice de esa
    celda entre las de código."""
    quiet = nbformat.from_dict(nb)
    code = [c for c in quiet.cells if c.cell_type == "code"]
    index = next(i for i, c in enumerate(code) if "runtime.setup(" in c.source)
    code[index].source = code[index].source.rstrip() + ";"
    return quiet, index


def test_rekey_with_a_final_semicolon_drops_only_the_shown_value(tmp_path, monkeypatch):
    """Un «;» final no cambia el programa, solo que Jupyter muestre el último valor."""
    chapter = CHAPTERS[0]
    nb = bookcache.read_chapter(chapter)
    cache_dir = tmp_path / "cache"
    run = _full_run_of(nb)
    code = [c for c in run.cells if c.cell_type == "code"]
    edited, index = _with_final_semicolon(nb)
    code[index].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hola\n"),
                           nbformat.v4.new_output("execute_result", execution_count=1,
                                                  data={"text/plain": "PosixPath('x')"})]
    bookcache.store(chapter, bookcache.merged(nb, run, "a"), 75.0, cache_dir)
    monkeypatch.setattr(bookcache, "read_chapter", lambda path: nbformat.from_dict(edited))
    assert bookcache.rekey(chapter, cache_dir) is True
    stored = [c for c in bookcache.cached_notebooks(cache_dir)[chapter.stem].cells
              if c.cell_type == "code"]
    assert [o.output_type for o in stored[index].outputs] == ["stream"]
    assert [c.outputs for i, c in enumerate(stored) if i != index] == [
        c.outputs for i, c in enumerate(code) if i != index]
    [record] = bookcache.open_cache(cache_dir).list_cache_records()
    assert record.data["execution_seconds"] == 75.0


def test_rekey_refuses_to_show_a_value_the_run_did_not_keep(tmp_path, monkeypatch):
    chapter = CHAPTERS[0]
    nb = bookcache.read_chapter(chapter)
    quiet, _ = _with_final_semicolon(nb)
    cache_dir = tmp_path / "cache"
    bookcache.store(chapter, bookcache.merged(quiet, _full_run_of(quiet), "a"), 75.0, cache_dir)
    monkeypatch.setattr(bookcache, "read_chapter", lambda path: nbformat.from_dict(nb))
    with pytest.raises(SystemExit, match="ya no termina en «;»"):
        bookcache.rekey(chapter, cache_dir)


@pytest.mark.parametrize("source, quiet", [
    ("f(x);", True), ("f(x);  # comentario\n", True), ("f(x)", False),
    ("x = 1; f(x)", False), ("%timeit f();", True), ("print('a;')", False),
])
def test_quiet_follows_ipython(source, quiet):
    assert bookcache.quiet(source) is quiet


def _full_run_of(nb, mode="completo", seconds=120.0):
    """Un cuaderno «ejecutado» con el código del capítulo, procedencia completa y metadatos."""
    executed = nbformat.from_dict(nb)
    for i, cell in enumerate(c for c in executed.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
    [c for c in executed.cells if c.cell_type == "code"][-1].outputs = fakeruns.provenance_outputs()
    executed.metadata["cnnlab"] = {"chapter": "x", "mode": mode, "execution_seconds": seconds}
    return executed


@pytest.mark.parametrize("spoil, message", [
    (lambda nb: nb.metadata.pop("cnnlab"), "no trae los metadatos"),
    (lambda nb: nb.metadata["cnnlab"].update(mode="rapido"), "modo 'rapido'"),
    (lambda nb: nb.metadata["cnnlab"].pop("execution_seconds"), "no traen el tiempo"),
    (lambda nb: nb.metadata["cnnlab"].update(execution_seconds=0), "no traen el tiempo"),
    (lambda nb: setattr([c for c in nb.cells if c.cell_type == "code"][1], "execution_count", None),
     "celda de código 2 no se ejecutó"),
    (lambda nb: [c for c in nb.cells if c.cell_type == "code"][2].outputs.append(
        nbformat.v4.new_output("error", ename="NameError", evalue="x", traceback=[])),
     "celda de código 3 terminó con un error"),
])
def test_import_refuses_what_is_not_a_clean_full_run(spoil, message):
    executed = _full_run_of(bookcache.read_chapter(CHAPTERS[0]))
    assert bookcache.check_importable(executed, "a.ipynb") == 120.0
    spoil(executed)
    with pytest.raises(SystemExit, match=message):
        bookcache.check_importable(executed, "a.ipynb")


def test_import_refuses_an_edited_mode_line_when_metadata_say_quick():
    """Editar «Modo: rapido» a «completo» en la salida no basta: mandan los metadatos."""
    executed = _full_run_of(bookcache.read_chapter(CHAPTERS[0]), mode="rapido")
    assert bookcache.full_provenance(executed)  # el texto impreso dice completo…
    with pytest.raises(SystemExit, match="modo 'rapido'"):
        bookcache.check_importable(executed, "editado.ipynb")


def test_browser_copy_names_find_their_chapter():
    name = CHAPTERS[0].stem
    assert bookcache.find_chapter(f"descargas/{name} (1).ipynb") == CHAPTERS[0]
    assert bookcache.find_chapter(f"{name}(2).ipynb") == CHAPTERS[0]


def test_prune_keeps_a_new_chapter_not_yet_in_the_index(tmp_path, monkeypatch):
    chapter = CHAPTERS[0]
    nb = bookcache.read_chapter(chapter)
    cache_dir = tmp_path / "cache"
    bookcache.store(chapter, bookcache.merged(nb, _full_run_of(nb), "a"), 1.0, cache_dir)
    monkeypatch.setattr(bookcache, "chapters", lambda: [])  # aún no está en _toc.yml
    assert bookcache.prune(cache_dir) == []
    assert len(bookcache.open_cache(cache_dir).list_cache_records()) == 1


def test_bare_jupyter_book_build_refuses_a_stale_chapter_without_executing(tmp_path):
    """Un ``jupyter-book build .`` directo (sin make) se detiene antes de ejecutar nada."""
    import shutil
    import subprocess
    import sys

    tree = tmp_path / "libro"
    for name in ("book", "cache", "code", "tools"):
        shutil.copytree(bookcache.ROOT / name, tree / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(bookcache.ROOT / name, tree / name)
    chapter = tree / "book" / f"{IDS[0]}.md"
    text = chapter.read_text(encoding="utf-8")
    marker = "```{code-cell} ipython3\n"
    position = text.rindex(marker) + len(marker)
    chapter.write_text(text[:position] + "print('cambio')\n" + text[position:], encoding="utf-8")
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    result = subprocess.run([jupyter_book, "build", str(tree)], capture_output=True, text=True,
                            timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "construir nunca ejecuta capítulos" in output
    assert f"{IDS[0]}: desactualizado" in output
    assert "Executing" not in output and not (tree / "_build" / "html" / "book").exists()
    # La comprobación usó la caché que leería myst-nb (_build/.jupyter_cache), no una copia
    # dentro de las fuentes, donde Sphinx tomaría los cuadernos de la caché por páginas.
    assert (tree / "_build" / ".jupyter_cache" / "global.db").is_file()
    assert not (tree / ".jupyter_cache").exists()


def _isolated_execute(monkeypatch, tmp_path, chapter, later):
    """cmd_execute sobre una caché temporal; el capítulo se lee como ``later`` tras ejecutarse."""
    cache_dir = tmp_path / "cache"
    for fn in (bookcache.store, bookcache.rekey):
        monkeypatch.setattr(fn, "__defaults__", (cache_dir,) + fn.__defaults__[1:])
    monkeypatch.setattr(bookcache.prune, "__defaults__", (cache_dir, frozenset()))
    monkeypatch.setattr(bookcache.prune_after_store, "__defaults__", (cache_dir,))
    before = bookcache.read_chapter(chapter)
    reads = iter([before])
    monkeypatch.setattr(bookcache, "read_chapter",
                        lambda path: nbformat.from_dict(next(reads, later)))
    monkeypatch.setattr(bookcache.published_runs, "__defaults__", (cache_dir, None, None))
    monkeypatch.setattr(bookcache, "execute",
                        lambda nb, mode, runs_dir=None, weights_out=None: (_full_run_of(nb), 60.0))
    bookcache.cmd_execute(argparse.Namespace(chapters=[chapter.stem]))
    return cache_dir


def test_execute_keeps_a_run_when_the_chapter_changes_meanwhile(tmp_path, monkeypatch, capsys):
    chapter = CHAPTERS[0]
    captioned = bookcache.read_chapter(chapter)
    [c for c in captioned.cells if c.cell_type == "code"][-1].metadata["mystnb"] = {
        "figure": {"caption": "Un pie puesto durante la ejecución."}}
    cache_dir = _isolated_execute(monkeypatch, tmp_path / "a", chapter, captioned)
    assert bookcache.status(cache_dir)[chapter.stem] == "al día"
    assert "cambió solo la presentación" in capsys.readouterr().out

    edited = bookcache.read_chapter(chapter)
    [c for c in edited.cells if c.cell_type == "code"][-1].source += "\nprint('otra')"
    cache_dir = _isolated_execute(monkeypatch, tmp_path / "b", chapter, edited)
    assert len(bookcache.open_cache(cache_dir).list_cache_records()) == 1  # no se poda
    assert "cambió durante la ejecución" in capsys.readouterr().out


def test_execute_never_prunes_another_chapter(tmp_path, monkeypatch):
    """Otro capítulo editado mientras uno se ejecuta queda «desactualizado», pero su ejecución
    sigue en la caché (quizá baste un rekey); antes, la poda del final la borraba."""
    chapter, other = CHAPTERS[0], CHAPTERS[1]
    nb = bookcache.read_chapter(other)
    bookcache.store(other, bookcache.merged(nb, _full_run_of(nb), "b"), 60.0,
                    tmp_path / "cache")
    cache_dir = _isolated_execute(monkeypatch, tmp_path, chapter,
                                  bookcache.read_chapter(chapter))
    uris = {r.uri for r in bookcache.open_cache(cache_dir).list_cache_records()}
    assert uris == {bookcache.uri(chapter), bookcache.uri(other)}


def test_the_prune_after_execute_or_import_keeps_every_chapter(tmp_path, monkeypatch):
    """La misma poda sigue a execute y a import: la entrada de un capítulo editado se queda
    (make prune, en cambio, la quita)."""
    chapter = CHAPTERS[0]
    nb = bookcache.read_chapter(chapter)
    cache_dir = tmp_path / "cache"
    bookcache.store(chapter, bookcache.merged(nb, _full_run_of(nb), "a"), 60.0, cache_dir)
    edited = nbformat.from_dict(nb)
    [c for c in edited.cells if c.cell_type == "code"][-1].source += "\nprint(1)"
    monkeypatch.setattr(bookcache, "read_chapter", lambda path: nbformat.from_dict(edited))
    assert bookcache.prune_after_store(cache_dir) == []
    assert len(bookcache.prune(cache_dir)) == 1


def test_execute_with_echo_repeats_the_printed_lines_as_they_arrive(capsys):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('print("época 1/2")'),
                                         nbformat.v4.new_code_cell('print("época 2/2")')])
    executed, _seconds = bookcache.execute(nb, "rapido", echo=True)
    assert capsys.readouterr().out == "época 1/2\népoca 2/2\n"
    assert [c.outputs[0]["text"] for c in executed.cells] == ["época 1/2\n", "época 2/2\n"]
    bookcache.execute(nb, "rapido")
    assert capsys.readouterr().out == ""


def test_build_rewrites_every_page(monkeypatch, tmp_path):
    """Un capítulo vuelto a ejecutar sin tocar su texto cambia sus salidas en la caché, no su
    fuente: Sphinx, por su cuenta, no volvería a escribir esa página (lo comprobé a mano con la
    salida de una celda del 07). La construcción pide todas las páginas."""
    import subprocess

    calls = []

    def run(command, cwd):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(bookcache, "status", lambda _cache: {"x": "al día"})
    monkeypatch.setattr(bookcache, "copy_cache", lambda dest: dest)
    monkeypatch.setattr(subprocess, "run", run)
    assert bookcache.build(tmp_path) == 0
    assert "--all" in calls[0] and "build" in calls[0]
