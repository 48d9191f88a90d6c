"""Herramientas de autoría del libro: la caché de ejecuciones COMPLETAS y los cuadernos emparejados.

No es parte de ``cnnlab``: los capítulos no la importan. Uso::

    python tools/bookcache.py status              # estado de cada capítulo en cache/
    python tools/bookcache.py build [--out DIR]   # comprueba la caché y construye la web (sin ejecutar)
    python tools/bookcache.py execute [CAPÍTULO…] # ejecuta en modo completo y guarda en cache/
    python tools/bookcache.py run CAPÍTULO --mode rapido --out DIR   # ejecuta sin tocar la caché
    python tools/bookcache.py import ARCHIVO.ipynb…  # añade cuadernos ejecutados en otra máquina
                                                  # (con su carpeta weights/, si publican pesos)
    python tools/bookcache.py prune               # borra entradas que ya no son de ningún capítulo
    python tools/bookcache.py rekey CAPÍTULO…     # mismas salidas si solo cambió la presentación
    python tools/bookcache.py notebooks [--check] # cuadernos de lanzamiento y de estudiantes
    python tools/bookcache.py key [--out DIR]     # clave de respuestas para docentes (no se publica)

La caché es una caché de jupyter-cache: myst-nb la reconoce al construir porque la clave
de cada entrada es el hash de las celdas de código del capítulo. Construir el libro lee
una COPIA (``_build/.jupyter_cache``), así la caché versionada no cambia.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / "cache"
#: Los archivos de pesos publicados (cnnlab.published_weights), junto a la caché.
WEIGHTS_DIR = CACHE_DIR / "weights"
#: La carpeta que contiene el paquete ``cnnlab`` de este repositorio.
PACKAGE_ROOT = ROOT / "code"
FULL_RE = re.compile(r"Procedencia de esta ejecución\s*\n\s*Modo:\s+completo\b")
SETUP_MARKER = "# Preparación (Colab)"
#: La versión de este Python (``"3.11"``): la huella del paquete depende de ella.
PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
#: Rutas absolutas que no deben aparecer en ninguna salida publicada.
PRIVATE_PATH_RE = re.compile(r"(/root\b|/home/|/work/|/tmp/|/Users/|[A-Za-z]:\\[A-Za-z])")
#: El eco del objeto que devolvió la última línea de una celda (``<… at 0x7f…>``, ``Text(…)``).
OBJECT_ECHO_RE = re.compile(r"<[\w.]+(?: object)? at 0x[0-9a-f]+>|^(?:Text|Legend)\(", re.MULTILINE)


def mentions(text: str, name: str) -> bool:
    """``True`` si ``name`` aparece en ``text`` como palabra entera (no dentro de otra).

    Así un usuario «ana» no hace fallar la palabra «ventana», pero sí «/home/ana» o «ana@pc».
    """
    return bool(name) and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


# ---------------------------------------------------------------- capítulos


def config() -> dict:
    """El ``_config.yml`` del libro."""
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def toc_files() -> list[Path]:
    """Archivos del índice (``_toc.yml``) en orden, con su extensión."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [ROOT / f"{name}.md" for name in names]


def is_notebook(path: Path) -> bool:
    """``True`` si el archivo es un cuaderno MyST (tiene cabecera jupytext con kernel)."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    header = text.split("---", 2)[1]
    return "kernelspec" in header and "jupytext" in header


def chapters() -> list[Path]:
    """Los capítulos ejecutables publicados, en el orden del índice."""
    return [p for p in toc_files() if p.exists() and is_notebook(p)]


def all_notebooks() -> list[Path]:
    """Todos los capítulos ejecutables de ``book/``, publicados o aún no (en orden de nombre)."""
    return sorted(p for p in (ROOT / "book").glob("*.md") if is_notebook(p))


def find_chapter(name: str) -> Path:
    """Un capítulo por nombre (``01_cifar10_v1``, con o sin extensión o carpeta).

    Acepta el nombre que pone un navegador al descargar dos veces el mismo archivo
    (``01_cifar10_v1 (1).ipynb``).
    """
    stem = re.sub(r"\s*\(\d+\)$", "", Path(name).stem)
    for path in all_notebooks():
        if path.stem == stem:
            return path
    known = ", ".join(p.stem for p in all_notebooks())
    raise SystemExit(f"No hay ningún capítulo llamado {stem!r}. Capítulos: {known}.")


def uri(path: Path) -> str:
    """Ruta del capítulo relativa a la raíz (nunca absoluta: va a la caché versionada)."""
    return path.resolve().relative_to(ROOT).as_posix()


def read_chapter(path: Path) -> nbformat.NotebookNode:
    """Lee el capítulo igual que myst-nb al construir (así coinciden los hashes de la caché).

    Donde myst-nb no está completo (una máquina con GPU sin el libro instalado) lo lee con
    jupytext: las celdas de código son las mismas, y ``import`` vuelve a leerlo con myst-nb.
    """
    try:
        from myst_nb.core.read import read_myst_markdown_notebook
        from myst_parser.config.main import MdParserConfig
    except ImportError:
        import jupytext

        return jupytext.read(path)

    extensions = config().get("parse", {}).get("myst_enable_extensions", [])
    md_config = MdParserConfig(enable_extensions=set(extensions))
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), md_config, path=path)


def code_sources(nb: nbformat.NotebookNode) -> list[str]:
    """Las fuentes de las celdas de código, sin espacios finales."""
    return [c.source.rstrip() for c in nb.cells if c.cell_type == "code"]


def program(source: str) -> str:
    """Lo que ejecuta una celda: su árbol sintáctico (``ast.dump``), sin posiciones.

    Dos fuentes con el mismo programa solo difieren en el formato (dónde se parten las líneas,
    espacios, comentarios, cadenas adyacentes que Python une, el texto de los *docstrings* de
    las funciones y clases que define): hacen exactamente lo mismo, como en la huella del
    paquete (:mod:`cnnlab.fingerprint`). Una cadena suelta al principio de la celda sí cuenta
    (si es lo último de la celda, Jupyter la muestra). Una fuente que no es Python válido
    (una orden mágica de IPython) se compara tal cual.
    """
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source.rstrip()
    for node in ast.walk(tree):
        if (isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
                and isinstance(node.body[0].value.value, str)):
            node.body[0].value.value = "(docstring)"
    return ast.dump(tree)


def same_programs(a: nbformat.NotebookNode, b: nbformat.NotebookNode) -> bool:
    """``True`` si las celdas de código de ``a`` y ``b`` ejecutan lo mismo, una a una."""
    return [program(s) for s in code_sources(a)] == [program(s) for s in code_sources(b)]


def setup_cell_source() -> str:
    """Primera celda de cada capítulo: instala cnnlab en Colab; fuera de Colab no hace nada."""
    url = config()["repository"]["url"]
    return (
        f"{SETUP_MARKER}: instala el paquete del libro; en otros entornos no hace nada.\n"
        "import subprocess, sys\n"
        "if \"google.colab\" in sys.modules:\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\",\n"
        f"                    \"cnnlab @ git+{url}\"], check=True)"
    )


def full_provenance(nb: nbformat.NotebookNode) -> bool:
    """``True`` si alguna salida del cuaderno es un bloque de procedencia en modo completo."""
    return any(FULL_RE.search(text) for text in output_texts(nb))


def output_fields(nb: nbformat.NotebookNode):
    """Cada texto de las salidas como ``(contenedor, clave)``: el de los flujos y los
    ``text/plain``, ``text/html`` y ``text/markdown``; ``contenedor[clave]`` se puede cambiar."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                yield out, "text"
            for key in ("text/plain", "text/html", "text/markdown"):
                if key in out.get("data", {}):
                    yield out["data"], key


def field_text(holder, key: str) -> str:
    """El texto de un campo de :func:`output_fields` (en el cuaderno puede ser una lista)."""
    value = holder[key]
    return "".join(value) if isinstance(value, list) else str(value)


def output_texts(nb: nbformat.NotebookNode):
    """Todos los textos de las salidas (flujos y ``text/plain``/``text/html``)."""
    for holder, key in output_fields(nb):
        yield field_text(holder, key)


# ---------------------------------------------------------------- ejecución


def execute(nb: nbformat.NotebookNode, mode: str, echo: bool = False,
            runs_dir: Path | None = None,
            weights_out: Path | None = None) -> tuple[nbformat.NotebookNode, float]:
    """Ejecuta una copia del cuaderno con ``CNNLAB_MODE=mode`` en una carpeta temporal.

    Con ``echo`` repite en la consola, según llega, lo que el cuaderno imprime (la tabla de
    épocas, por ejemplo): si una ejecución remota se corta por tiempo, su registro dice hasta
    dónde llegó y a qué ritmo. ``runs_dir`` es la carpeta de entrenamientos publicados que el
    capítulo puede leer (:func:`write_runs`, ``CNNLAB_RUNS_DIR``); ``weights_out``, la carpeta
    donde deja los pesos que publica (``CNNLAB_WEIGHTS_OUT``, :func:`keep_weights`).
    """
    from nbclient import NotebookClient

    class EchoClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            if msg.get("msg_type") == "stream":
                print(msg["content"].get("text", ""), end="", flush=True)
            return super().output(outs, msg, display_id, cell_index)

    nb = copy.deepcopy(nb)
    variables = {"CNNLAB_MODE": mode, RUNS_DIR_ENV: str(runs_dir) if runs_dir else None,
                 WEIGHTS_OUT_ENV: str(weights_out) if weights_out else None}
    previous = {name: os.environ.get(name) for name in variables}
    for name, value in variables.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as cwd:
            # Los registros de C++ de TensorFlow (escritos directamente en el descriptor 2) van
            # a la consola de quien ejecuta, no a las salidas del capítulo.
            client = EchoClient if echo else NotebookClient
            # Al terminar, el núcleo se cierra sin esperar su despedida ordenada: con
            # TensorFlow cargado tarda unos 2 s más, que nadie que lee el cuaderno espera.
            client(nb, timeout=None, kernel_name="python3", shutdown_kernel="immediate",
                   extra_arguments=["--IPKernelApp.capture_fd_output=False"],
                   resources={"metadata": {"path": cwd}}).execute()
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return nb, time.perf_counter() - start


def merged(chapter_nb: nbformat.NotebookNode, executed: nbformat.NotebookNode,
           name: str, formatting_only: bool = False) -> nbformat.NotebookNode:
    """El capítulo tal como lo lee myst-nb con las salidas del cuaderno ejecutado.

    Rechaza el cuaderno si sus celdas de código no son las del capítulo actual o si no
    tiene un bloque de procedencia en modo completo. Con ``formatting_only`` basta con que
    ejecuten el mismo programa (:func:`program`); lo usa :func:`rekey`.
    """
    ours, theirs = code_sources(chapter_nb), code_sources(executed)
    if formatting_only:
        ours, theirs = [program(s) for s in ours], [program(s) for s in theirs]
    if ours != theirs:
        where = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        raise SystemExit(f"{name}: sus celdas de código no coinciden con el capítulo actual "
                         f"(primera diferencia en la celda de código {where + 1}; el capítulo tiene "
                         f"{len(ours)} y el cuaderno {len(theirs)}). Vuelve a ejecutarlo desde la "
                         "versión actual del capítulo.")
    if not full_provenance(executed):
        raise SystemExit(f"{name}: no tiene un bloque de procedencia en modo completo; "
                         "solo se guardan ejecuciones completas (CNNLAB_MODE=completo).")
    result = copy.deepcopy(chapter_nb)
    code_in = [c for c in result.cells if c.cell_type == "code"]
    code_out = [c for c in executed.cells if c.cell_type == "code"]
    for i, (target, source) in enumerate(zip(code_in, code_out)):
        outputs = source.get("outputs", [])
        if formatting_only:
            outputs = quieted(outputs, quiet(source.source), quiet(target.source), name, i)
        target.outputs = outputs
        target.execution_count = source.get("execution_count")
    return result


def quiet(source: str) -> bool:
    """``True`` si Jupyter no muestra el valor de la última expresión: la celda acaba en ``;``.

    Es la regla de IPython (``DisplayHook.semicolon_at_end_of_expression``); el punto y coma
    no cambia el programa (:func:`program`), solo si se muestra su resultado.
    """
    import tokenize

    from IPython.core.displayhook import DisplayHook

    try:
        return DisplayHook.semicolon_at_end_of_expression(source)
    except (tokenize.TokenError, SyntaxError):  # no se puede leer como Python
        return False


def quieted(outputs: list, was_quiet: bool, now_quiet: bool, name: str, index: int) -> list:
    """Las salidas guardadas de la celda ``index`` para su fuente nueva (:func:`quiet`: antes
    y ahora).

    Si no cambió, las mismas. Con el ``;`` nuevo, Jupyter ya no mostraría el valor de la
    última expresión: se quita esa salida (``execute_result``) y nada más. Sin el ``;``
    mostraría un valor que la ejecución no guardó, y no se puede inventar: hay que ejecutar.
    """
    if was_quiet == now_quiet:
        return outputs
    if not now_quiet:
        raise SystemExit(f"{name}: la celda de código {index + 1} ya no termina en «;», así que "
                         "mostraría un valor que la ejecución guardada no tiene; ejecútalo: "
                         f"make execute CHAPTER={name}.")
    return [o for o in outputs if o.get("output_type") != "execute_result"]


def open_cache(path: Path = CACHE_DIR):
    from jupyter_cache import get_cache

    return get_cache(str(path))


def cached_notebooks(cache_dir: Path = CACHE_DIR) -> dict[str, nbformat.NotebookNode]:
    """Los cuadernos guardados en una caché, por capítulo, leídos sin jupyter-cache.

    Solo lee: el índice ``global.db`` con el ``sqlite3`` de la biblioteca estándar (en modo
    de solo lectura, así no cambia ni la fecha de acceso) y cada
    ``executed/CLAVE/base.ipynb``. Así ``run --mode completo`` funciona también en una máquina
    que solo tiene las ruedas de la GPU, donde jupyter-cache no está instalado.
    """
    import sqlite3

    db = cache_dir / "global.db"
    if not db.is_file():
        return {}
    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT hashkey, uri FROM nbcache").fetchall()
    finally:
        connection.close()
    found = {}
    for hashkey, where in rows:
        path = cache_dir / "executed" / hashkey / "base.ipynb"
        if path.is_file():
            found[Path(where).stem] = nbformat.read(path, as_version=4)
    return found


def glued(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Lo que pegó el cuaderno (myst-nb): nombre → su ``text/plain``."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            text = out.get("data", {}).get(meta.get("mime_prefix", "") + "text/plain")
            if text is not None:
                found[meta["name"]] = "".join(text) if isinstance(text, list) else text
    return found


def glued_value(nb: nbformat.NotebookNode, name: str):
    """El valor que el cuaderno pegó con ``name``, o ``None`` si no lo pegó."""
    import ast

    text = glued(nb).get(name)
    if text is None:
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def store(path: Path, nb: nbformat.NotebookNode, seconds: float, cache_dir: Path = CACHE_DIR,
          digest: str | None = None) -> None:
    """Guarda en la caché un capítulo ya ejecutado (sustituye su entrada anterior).

    Con la ejecución se guarda la huella del paquete que imprimió su bloque de procedencia:
    los módulos de ``cnnlab`` que usó y la huella de su código (:mod:`cnnlab.fingerprint`),
    y la huella de cada entrenamiento publicado que leyó (:func:`runs_read`).
    ``digest`` la sustituye cuando el cuaderno corrió con otra versión de Python (la huella
    guardada es siempre la de este Python; ver :func:`check_same_package`).
    """
    from jupyter_cache.base import CacheBundleIn

    data = {"execution_seconds": round(seconds, 1)}
    modules = glued_value(nb, "prov_paquete_modulos")
    digest = digest or glued_value(nb, "prov_paquete_huella")
    if isinstance(modules, list) and isinstance(digest, str):
        data.update(cnnlab_modules=modules, cnnlab_digest=digest)
    read = runs_read(nb)
    if read:
        data["runs_read"] = read
    cache = open_cache(cache_dir)
    for record in cache.list_cache_records():
        if record.uri == uri(path):
            cache.remove_cache(record.pk)
    cache.cache_notebook_bundle(CacheBundleIn(nb, uri(path), data=data),
                                check_validity=False, overwrite=True)


def prune(cache_dir: Path = CACHE_DIR, keep_uris: frozenset[str] = frozenset()) -> list[str]:
    """Borra de la caché las entradas que no corresponden al código actual de ningún capítulo.

    Cuenta todos los cuadernos de ``book/``, también los que aún no están en ``_toc.yml``: un
    capítulo nuevo se ejecuta antes de publicarlo. Nunca borra las entradas de ``keep_uris``
    (las que acaba de guardar la misma orden).
    """
    cache = open_cache(cache_dir)
    keep = set()
    for path in all_notebooks():
        _, key = cache.create_hashed_notebook(read_chapter(path))
        keep.add(key)
    removed = []
    for record in cache.list_cache_records():
        if record.hashkey not in keep and record.uri not in keep_uris:
            cache.remove_cache(record.pk)
            removed.append(f"{record.uri} (id {record.pk})")
    described = {d["archivo"] for d in weights_descriptions(published_runs(cache_dir)).values()}
    for path in sorted((cache_dir / "weights").glob("*.npz")):
        if path.name not in described:
            path.unlink()
            removed.append(f"weights/{path.name} (pesos que ya no publica ningún capítulo)")
    return removed


def prune_after_store(cache_dir: Path = CACHE_DIR) -> list[str]:
    """La poda que sigue a ``execute`` e ``import``: nunca la entrada de un capítulo de
    ``book/``, aunque esté «desactualizada» (alguien lo edita mientras tanto, y quizá baste un
    rekey); ``store`` ya sustituyó las de los que se acaban de guardar. Quita lo demás: las
    entradas de capítulos que ya no existen y los pesos huérfanos. Las entradas viejas de los
    capítulos las quita ``make prune``."""
    return prune(cache_dir, keep_uris=frozenset(uri(p) for p in all_notebooks()))


#: Metadatos de celda que solo cambian la presentación (pie y texto alternativo de figura):
#: cambian el hash de jupyter-cache, pero no lo que la celda ejecuta.
PRESENTATION_KEYS = frozenset({"mystnb"})


def rekey(path: Path, cache_dir: Path = CACHE_DIR) -> bool:
    """Vuelve a guardar la ejecución de ``path`` si solo cambió la presentación.

    jupyter-cache incluye en su hash el texto de las celdas y sus metadatos, así que poner un
    pie de figura, partir una línea larga o corregir un comentario deja el capítulo
    «desactualizado» aunque lo que se ejecuta sea lo mismo. Si cada celda de código ejecuta el
    mismo programa (:func:`program`: mismo árbol sintáctico) y los metadatos solo difieren en
    :data:`PRESENTATION_KEYS`, guarda las mismas salidas, con el código nuevo, bajo el hash
    nuevo y devuelve ``True`` (si una celda ahora acaba en ``;``, sin el valor que Jupyter ya
    no mostraría: :func:`quieted`); si no hay nada que hacer devuelve ``False``; en cualquier otro
    caso se niega (hay que ejecutar).
    """
    cache = open_cache(cache_dir)
    record = next((r for r in cache.list_cache_records() if r.uri == uri(path)), None)
    if record is None:
        raise SystemExit(f"{path.stem}: no tiene ejecución en la caché; ejecútalo: "
                         f"make execute CHAPTER={path.stem}.")
    current = read_chapter(path)
    if cache.create_hashed_notebook(current)[1] == record.hashkey:
        return False
    cached = cache.get_cache_bundle(record.pk).nb
    cells = [(a, b) for a, b in zip((c for c in cached.cells if c.cell_type == "code"),
                                    (c for c in current.cells if c.cell_type == "code"))]

    def kept(meta):
        return {k: v for k, v in meta.items() if k not in PRESENTATION_KEYS | {"execution"}}

    if not same_programs(cached, current) or any(
            kept(a.metadata) != kept(b.metadata) for a, b in cells):
        raise SystemExit(f"{path.stem}: cambió algo más que la presentación (lo que ejecuta el "
                         f"código, o las etiquetas de celda); ejecútalo: "
                         f"make execute CHAPTER={path.stem}.")
    store(path, merged(current, cached, path.stem, formatting_only=True),
          record.data["execution_seconds"], cache_dir)
    data = dict(record.data)
    fresh = next(r for r in cache.list_cache_records() if r.uri == uri(path))
    if data != fresh.data:  # conserva tal cual lo que registró la ejecución (huella incluida)
        raise SystemExit(f"{path.stem}: el registro cambió al volver a guardarlo: {data} → "
                         f"{fresh.data}.")
    return True


PACKAGE_CHANGED = "desactualizado: cnnlab cambió"
#: Sin huella no se puede saber con qué código de cnnlab se ejecutó: se vuelve a ejecutar.
PACKAGE_UNKNOWN = "desactualizado: sin huella de cnnlab"


def package_changed(record) -> bool:
    """``True`` si cambió el código de algún módulo de ``cnnlab`` que usó la ejecución.

    Una ejecución sin huella (sin la lista de módulos o sin su resumen) no se puede comprobar:
    :func:`status` la marca aparte, como desactualizada.
    """
    from cnnlab import fingerprint

    modules, digest = record.data.get("cnnlab_modules"), record.data.get("cnnlab_digest")
    return fingerprint.digest(modules, PACKAGE_ROOT) != digest


def has_fingerprint(record) -> bool:
    """Si la ejecución guardada anotó qué módulos de ``cnnlab`` usó y su huella."""
    return bool(record.data.get("cnnlab_modules") and record.data.get("cnnlab_digest"))


def status(cache_dir: Path) -> dict[str, str]:
    """Estado de cada capítulo en una caché: «al día», «sin ejecutar», «desactualizado»,
    «desactualizado: cnnlab cambió», «desactualizado: sin huella de cnnlab»,
    «desactualizado: cambió un entrenamiento que reutiliza» o «no completo»."""
    cache = open_cache(cache_dir)
    uris = {r.uri for r in cache.list_cache_records()}
    current = {name: run_digest(text) for name, (_, text) in published_runs(cache_dir).items()}
    states = {}
    for path in chapters():
        try:
            record = cache.match_cache_notebook(read_chapter(path))
        except KeyError:
            states[path.stem] = "desactualizado" if uri(path) in uris else "sin ejecutar"
            continue
        cached = cache.get_cache_bundle(record.pk).nb
        if not full_provenance(cached):
            states[path.stem] = "no completo"
        elif not has_fingerprint(record):
            states[path.stem] = PACKAGE_UNKNOWN
        elif package_changed(record):
            states[path.stem] = PACKAGE_CHANGED
        elif changed_runs(record.data.get("runs_read", {}), current):
            states[path.stem] = RUNS_CHANGED
        else:
            states[path.stem] = "al día"
    return states


# ---------------------------------------------------------------- entrenamientos publicados

#: La variable con la que el capítulo encuentra los entrenamientos publicados (cnnlab.runs).
RUNS_DIR_ENV = "CNNLAB_RUNS_DIR"
RUN_PREFIX, RUN_READ_PREFIX = "run_", "run_leido_"
RUNS_CHANGED = "desactualizado: cambió un entrenamiento que reutiliza"


def run_digest(text: str) -> str:
    """La huella de un entrenamiento publicado (la misma que anota ``cnnlab.runs.load``)."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def runs_published_by(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Los entrenamientos que publicó un cuaderno ejecutado: nombre → su JSON."""
    return {name[len(RUN_PREFIX):]: value for name in glued(nb)
            if name.startswith(RUN_PREFIX) and not name.startswith(RUN_READ_PREFIX)
            and isinstance(value := glued_value(nb, name), str)}


def runs_read(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Los entrenamientos publicados que leyó un cuaderno ejecutado: nombre → huella."""
    return {name[len(RUN_READ_PREFIX):]: glued_value(nb, name) for name in glued(nb)
            if name.startswith(RUN_READ_PREFIX)}


def published_runs(cache_dir: Path = CACHE_DIR,
                   newer: dict[str, nbformat.NotebookNode] | None = None,
                   exclude: str | None = None) -> dict[str, tuple[str, str]]:
    """Los entrenamientos publicados en la caché: nombre → (capítulo que lo publicó, JSON).

    ``newer`` (capítulo → cuaderno ejecutado) sustituye a lo que la caché tiene de esos
    capítulos: una tanda en otra máquina lee lo que acaban de publicar los capítulos que
    corrieron antes. ``exclude`` deja fuera un capítulo (el que se va a ejecutar).
    """
    sources = cached_notebooks(cache_dir)
    sources.update(newer or {})
    found: dict[str, tuple[str, str]] = {}
    for chapter, nb in sorted(sources.items()):
        if chapter == exclude:
            continue
        for name, text in runs_published_by(nb).items():
            if name in found:
                raise SystemExit(f"El entrenamiento publicado {name!r} lo publican dos capítulos "
                                 f"({found[name][0]} y {chapter}): cambia el nombre en uno de ellos.")
            found[name] = (chapter, text)
    return found


def write_runs(folder: Path, runs: dict[str, tuple[str, str]],
               weights_sources: tuple[Path, ...] = (WEIGHTS_DIR,)) -> Path:
    """Escribe cada entrenamiento publicado como ``folder/NOMBRE.json`` (lo lee cnnlab.runs).

    Copia también el archivo de cada descripción de pesos publicados que esté, con su huella,
    en alguna carpeta de ``weights_sources`` (lo lee cnnlab.published_weights). El que no
    esté no se copia: el capítulo que lo lea dirá que falta.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, (_chapter, text) in runs.items():
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    for description in weights_descriptions(runs).values():
        for source in weights_sources:
            candidate = source / description["archivo"]
            if candidate.is_file() and file_sha256(candidate) == description["sha256"]:
                shutil.copyfile(candidate, folder / description["archivo"])
                break
    return folder


# ---------------------------------------------------------------- pesos publicados

#: La variable con la que un capítulo sabe dónde dejar los pesos que publica
#: (cnnlab.published_weights).
WEIGHTS_OUT_ENV = "CNNLAB_WEIGHTS_OUT"
#: Prefijo de los entrenamientos publicados que describen un archivo de pesos.
WEIGHTS_PREFIX = "pesos_"


def file_sha256(path: Path) -> str:
    """SHA-256 de un archivo (la huella que anota cnnlab.published_weights), con la misma
    función que usan los cargadores de datos."""
    from cnnlab.data import file_digest

    return file_digest(path, "sha256")


def weights_descriptions(runs: dict[str, tuple[str, str]]) -> dict[str, dict]:
    """Las descripciones de pesos entre los entrenamientos publicados: nombre → descripción."""
    found = {}
    for name, (chapter, text) in runs.items():
        if not name.startswith(WEIGHTS_PREFIX):
            continue
        try:
            description = json.loads(text)
            _ = description["archivo"], description["sha256"]
        except (ValueError, KeyError, TypeError) as err:
            raise SystemExit(f"{chapter}: la descripción de los pesos {name!r} no se puede "
                             f"leer ({err!r}).") from err
        found[name] = description
    return found


def keep_weights(nb: nbformat.NotebookNode, produced: Path, name: str,
                 dest: Path = WEIGHTS_DIR) -> list[str]:
    """Copia a ``dest`` los archivos de los pesos que publicó ``nb`` (desde ``produced``).

    Cada archivo tiene que estar y tener la huella que dice su descripción; si no, la
    ejecución no se guarda. Devuelve los nombres de los archivos copiados.
    """
    published = {run: (name, text) for run, text in runs_published_by(nb).items()}
    kept = []
    for run, description in weights_descriptions(published).items():
        source = produced / description["archivo"]
        if not source.is_file():
            raise SystemExit(f"{name}: publicó los pesos {run!r} pero falta su archivo "
                             f"{description['archivo']} (búscalo en la carpeta weights/ junto "
                             "al cuaderno, donde lo deja tools/bookcache.py run).")
        if file_sha256(source) != description["sha256"]:
            raise SystemExit(f"{name}: el archivo {description['archivo']} no es el que publicó "
                             "la ejecución (su huella SHA-256 no coincide).")
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest / description["archivo"])
        kept.append(description["archivo"])
    return kept


#: La ruta de un archivo de pesos publicado dentro de la carpeta ``weights/`` donde lo dejó la
#: ejecución (una carpeta temporal de ``execute``, o la de ``run --out`` en otra máquina).
WEIGHTS_PATH_RE = re.compile(r"[^\s'\"]*[\\/]weights[\\/](pesos_[\w.-]+\.npz)")


def relocate_weight_paths(nb: nbformat.NotebookNode) -> int:
    """Cambia en las salidas la ruta de ejecución de cada archivo de pesos por la de la caché.

    ``published_weights.publish`` devuelve la ruta del archivo que escribió, y una celda que
    termina en esa llamada la muestra. En la ejecución el archivo está en una carpeta
    temporal (o en la de otra máquina); lo que se publica es la copia de ``cache/weights/``,
    así que la salida dice esa ruta, relativa al repositorio. Devuelve cuántas cambió.
    """
    changed = 0
    for holder, key in output_fields(nb):
        text = field_text(holder, key)
        moved = [m for m in WEIGHTS_PATH_RE.finditer(text)
                 if m.group(0) != f"cache/weights/{m.group(1)}"]
        if moved:
            holder[key] = WEIGHTS_PATH_RE.sub(r"cache/weights/\1", text)
            changed += len(moved)
    return changed


def changed_runs(read: dict[str, str], current: dict[str, str]) -> list[str]:
    """Los entrenamientos leídos cuya huella ya no es la del publicado ahora (o que ya no está)."""
    return sorted(name for name, digest in read.items() if current.get(name) != digest)


def check_runs_current(nb: nbformat.NotebookNode, name: str, cache_dir: Path = CACHE_DIR) -> None:
    """Rechaza un cuaderno que leyó entrenamientos distintos de los que publica hoy la caché."""
    published = published_runs(cache_dir)
    current = {run: run_digest(text) for run, (_, text) in published.items()}
    stale = changed_runs(runs_read(nb), current)
    if stale:
        owners = ", ".join(f"{run} ({published[run][0] if run in published else 'nadie lo publica'})"
                           for run in stale)
        raise SystemExit(f"{name}: leyó entrenamientos publicados que no son los de la caché: "
                         f"{owners}. Importa antes los capítulos que los publican, o vuelve a "
                         "ejecutarlo.")


def copy_cache(dest: Path) -> Path:
    """Copia ``cache/`` a ``dest`` (borrando lo que hubiera) y devuelve ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    if CACHE_DIR.exists():
        shutil.copytree(CACHE_DIR, dest)
    else:
        dest.mkdir(parents=True)
    return dest


# ---------------------------------------------------------------- cuadernos para Jupyter


STUDENT_DIR = ROOT / "estudiante"


def launch_path(path: Path) -> Path:
    """El cuaderno de lanzamiento de un capítulo (lo abren Colab y Binder): ``book/NN.ipynb``."""
    return path.with_suffix(".ipynb")


def student_path(path: Path) -> Path:
    """La edición para estudiantes de un capítulo: ``estudiante/NN.ipynb``."""
    return STUDENT_DIR / f"{path.stem}.ipynb"


def rendered(edition: str, paths: list[Path] | None = None, setup: str | None = None) -> dict[Path, str]:
    """Capítulo → texto del ``.ipynb`` de ``edition`` (``tools/render.py``), todos de una vez."""
    import render

    glue, docs, cites = render.glue_store(), render.documents(), render.bibliography()
    setup = setup if setup is not None else render.default_setup_cell()
    return {path: render.writes(render.render(path, edition, glue, docs, cites, setup))
            for path in (paths if paths is not None else all_notebooks())}


# ---------------------------------------------------------------- órdenes


def cmd_status(_args) -> int:
    with tempfile.TemporaryDirectory() as tmp:  # una copia: consultar no cambia cache/
        states = status(copy_cache(Path(tmp) / "cache"))
    for name, state in states.items():
        print(f"{name:<40} {state}")
    bad = {name: state for name, state in states.items() if state != "al día"}
    if bad:
        report_stale(bad)
    return 1 if bad else 0


def build(output_root: Path = ROOT) -> int:
    """Construye la web en ``output_root/_build/html`` desde una copia de la caché, sin ejecutar nada."""
    import subprocess

    states = status(copy_cache(output_root / "_build" / ".jupyter_cache"))
    bad = {name: state for name, state in states.items() if state != "al día"}
    if bad:
        report_stale(bad)
        return 1
    # --all: las páginas se vuelven a escribir aunque su fuente no cambie, porque sus salidas
    # pueden haber cambiado en la caché (un capítulo vuelto a ejecutar sin tocar su texto).
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "-W",
               "--keep-going", "--all"]
    if output_root != ROOT:
        command += ["--path-output", str(output_root)]
    return subprocess.run(command, cwd=ROOT).returncode


def report_stale(bad: dict[str, str]) -> None:
    print("Hay capítulos cuya salida en cache/ no es una ejecución completa del código actual:")
    for name, state in bad.items():
        print(f"  {name}: {state}  →  make execute CHAPTER={name}")
    print("El libro no se construye con salidas viejas o rápidas. Ejecuta los comandos de arriba "
          "(o importa cuadernos ejecutados en otra máquina con tools/bookcache.py import).")
    print("Si en un capítulo «desactualizado» solo cambió la presentación (pies de figura, "
          "líneas partidas, comentarios), basta: python tools/bookcache.py rekey CAPÍTULO")


def cmd_build(args) -> int:
    return build(Path(args.out).resolve() if args.out else ROOT)


def cmd_execute(args) -> int:
    targets = [find_chapter(n) for n in args.chapters] if args.chapters else chapters()
    for i, path in enumerate(targets, 1):
        print(f"[{i}/{len(targets)}] {path.stem}: ejecutando en modo completo…", flush=True)
        nb = read_chapter(path)
        with tempfile.TemporaryDirectory() as tmp:
            runs_dir = write_runs(Path(tmp) / "runs", published_runs(exclude=path.stem))
            executed, seconds = execute(nb, "completo", runs_dir=runs_dir,
                                        weights_out=Path(tmp) / "weights")
            result = merged(nb, executed, path.stem)
            keep_weights(result, Path(tmp) / "weights", path.stem)
            relocate_weight_paths(result)
        store(path, result, seconds)
        print(f"[{i}/{len(targets)}] {path.stem}: guardado en cache/ ({seconds / 60:.1f} min)", flush=True)
        try:  # ¿cambió el capítulo mientras se ejecutaba?
            if rekey(path):
                print(f"{path.stem}: durante la ejecución cambió solo la presentación; "
                      "guardada con el texto nuevo.")
        except SystemExit as err:
            print(f"Aviso: {path.stem} cambió durante la ejecución ({err}). La ejecución queda "
                  "en cache/ con el código que corrió; deshaz el cambio para publicarla o "
                  "vuelve a ejecutar.", flush=True)
    for entry in prune_after_store():
        print(f"Eliminada de la caché una entrada vieja: {entry}")
    return 0


def cmd_run(args) -> int:
    path = find_chapter(args.chapter)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        runs_dir = None
        if args.mode == "completo":  # lo publicado en la caché y en los cuadernos de --out (una tanda)
            batch = {p.stem: nbformat.read(p, as_version=4) for p in sorted(out.glob("*.ipynb"))}
            runs_dir = write_runs(Path(tmp) / "runs", published_runs(
                newer=batch, exclude=path.stem), weights_sources=(out / "weights", WEIGHTS_DIR))
        executed, seconds = execute(read_chapter(path), args.mode, echo=args.echo,
                                    runs_dir=runs_dir,
                                    weights_out=out / "weights" if args.mode == "completo" else None)
    executed.metadata["cnnlab"] = {"chapter": path.stem, "execution_seconds": round(seconds, 1),
                                   "mode": args.mode}
    nbformat.write(executed, out / f"{path.stem}.ipynb")
    print(f"{path.stem}: ejecutado en modo {args.mode} en {seconds:.1f} s → {out / (path.stem + '.ipynb')}")
    return 0


def check_importable(executed: nbformat.NotebookNode, name: str) -> float:
    """Las reglas de ``import``; devuelve los segundos de ejecución o explica qué regla falla.

    Solo entra en la caché un cuaderno ejecutado con ``tools/bookcache.py run --mode
    completo``: sus metadatos dicen modo completo y traen el tiempo, y cada celda de código se
    ejecutó sin error. El bloque de procedencia impreso se comprueba aparte (:func:`merged`).
    """
    meta = executed.metadata.get("cnnlab")
    if not isinstance(meta, dict):
        raise SystemExit(f"{name}: no trae los metadatos de su ejecución (modo y tiempo). "
                         "Ejecútalo con: python tools/bookcache.py run CAPÍTULO --mode completo "
                         "--out CARPETA")
    if meta.get("mode") != "completo":
        raise SystemExit(f"{name}: sus metadatos dicen modo {meta.get('mode')!r}; solo se "
                         "importan ejecuciones en modo completo.")
    seconds = meta.get("execution_seconds")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds <= 0:
        raise SystemExit(f"{name}: sus metadatos no traen el tiempo de ejecución "
                         f"(execution_seconds = {seconds!r}); vuelve a ejecutarlo con "
                         "tools/bookcache.py run.")
    code = [c for c in executed.cells if c.cell_type == "code"]
    for i, cell in enumerate(code, 1):
        if cell.get("execution_count") is None:
            raise SystemExit(f"{name}: la celda de código {i} no se ejecutó; se importan solo "
                             "cuadernos ejecutados de principio a fin.")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            raise SystemExit(f"{name}: la celda de código {i} terminó con un error "
                             f"({errors[0].get('ename')}: {errors[0].get('evalue')}).")
    return float(seconds)


def digest_with_python(version: str, modules: list[str]) -> str:
    """La huella de ``modules`` calculada por Python ``version`` (``"3.12"``).

    La huella compara árboles sintácticos (:mod:`ast`), cuyo volcado cambia entre versiones
    de Python (3.12 añade ``type_params``): un cuaderno ejecutado con otra versión se
    comprueba con un intérprete de esa versión, que debe estar en el ``PATH``
    (``python3.12``). Solo usa la biblioteca estándar: no hace falta Keras.
    """
    from cnnlab import fingerprint

    if version == PYTHON_VERSION:
        return fingerprint.digest(modules, PACKAGE_ROOT)
    exe = shutil.which(f"python{version}")
    if exe is None:
        raise SystemExit(f"El cuaderno se ejecutó con Python {version} y su huella del paquete "
                         f"solo se puede comprobar con esa versión (el módulo ast cambia entre "
                         f"versiones): instala python{version} o pon su carpeta en el PATH.")
    script = ("import importlib.util, json, sys\n"
              "spec = importlib.util.spec_from_file_location('huella', sys.argv[1])\n"
              "module = importlib.util.module_from_spec(spec)\n"
              "spec.loader.exec_module(module)\n"
              "print(module.digest(json.loads(sys.argv[2]), sys.argv[3]))")
    done = subprocess.run([exe, "-c", script, str(PACKAGE_ROOT / "cnnlab" / "fingerprint.py"),
                           json.dumps(modules), str(PACKAGE_ROOT)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"python{version} no pudo calcular la huella del paquete: "
                         f"{done.stderr.strip().splitlines()[-1:] or done.returncode}")
    return done.stdout.strip()


def check_same_package(nb: nbformat.NotebookNode, name: str,
                       python_version: str | None = None) -> str:
    """Rechaza un cuaderno ejecutado con otro código de ``cnnlab`` que el de este repositorio.

    ``python_version`` es la versión de Python que lo ejecutó (``"3.12"``; por omisión, la de
    este proceso). Devuelve la huella de esos módulos calculada con **este** Python, la que
    guarda la caché para que ``status`` la compare aquí y en la CI.
    """
    from cnnlab import fingerprint

    modules, digest = glued_value(nb, "prov_paquete_modulos"), glued_value(nb, "prov_paquete_huella")
    if not isinstance(modules, list) or not isinstance(digest, str):
        raise SystemExit(f"{name}: su bloque de procedencia no trae la huella del paquete; "
                         "ejecútalo con la versión actual del repositorio.")
    local = fingerprint.digest(modules, PACKAGE_ROOT)
    ran_with = python_version or PYTHON_VERSION
    expected = local if ran_with == PYTHON_VERSION else digest_with_python(ran_with, modules)
    if expected != digest:
        raise SystemExit(f"{name}: se ejecutó con otro código de cnnlab (huella "
                         f"{digest[:fingerprint.SHORT]}); vuelve a ejecutarlo con el paquete de "
                         "este repositorio.")
    return local


def python_version_of(executed: nbformat.NotebookNode) -> str | None:
    """``"3.12"`` si el cuaderno ejecutado dice con qué Python corrió su núcleo."""
    version = executed.metadata.get("language_info", {}).get("version", "")
    match = re.match(r"(\d+\.\d+)", str(version))
    return match.group(1) if match else None


def cmd_import(args) -> int:
    for name in args.files:
        executed = nbformat.read(name, as_version=4)
        path = find_chapter(executed.metadata.get("cnnlab", {}).get("chapter") or name)
        seconds = check_importable(executed, Path(name).name)
        nb = merged(read_chapter(path), executed, Path(name).name)
        digest = check_same_package(nb, Path(name).name, python_version_of(executed))
        check_runs_current(nb, Path(name).name)
        keep_weights(nb, Path(name).parent / "weights", Path(name).name)
        relocate_weight_paths(nb)
        store(path, nb, seconds, digest=digest)
        print(f"{path.stem}: importado a cache/ ({seconds / 60:.1f} min de ejecución)")
    for entry in prune_after_store():
        print(f"Eliminada de la caché una entrada vieja: {entry}")
    return 0


def cmd_rekey(args) -> int:
    for name in args.chapters:
        path = find_chapter(name)
        done = rekey(path)
        print(f"{path.stem}: " + ("mismas salidas guardadas con el texto nuevo" if done
                                  else "nada que hacer (ya estaba al día)"))
    return 0


def cmd_prune(_args) -> int:
    removed = prune()
    print("\n".join(f"Eliminada: {e}" for e in removed) or "Nada que podar.")
    return 0


def cmd_notebooks(args) -> int:
    """Escribe (o comprueba con ``--check``) los cuadernos de lanzamiento y de estudiantes."""
    stale = []
    STUDENT_DIR.mkdir(exist_ok=True)
    import render

    texts = {edition: rendered(edition) for edition in ("lanzamiento", "estudiante")}
    for edition, where in (("lanzamiento", launch_path), ("estudiante", student_path)):
        for path, text in texts[edition].items():
            target = where(path)
            if args.check:
                if not target.exists() or target.read_text(encoding="utf-8") != text:
                    stale.append(uri(target))
            else:
                target.write_text(text, encoding="utf-8")
                print(f"escrito {uri(target)}")
    guide = ROOT / "book" / "docentes.md"
    students = {path: nbformat.reads(text, as_version=4) for path, text in texts["estudiante"].items()}
    page = render.with_instructor_table(guide.read_text(encoding="utf-8"),
                                        render.instructor_table(students))
    if args.check:
        if guide.read_text(encoding="utf-8") != page:
            stale.append(uri(guide))
    else:
        guide.write_text(page, encoding="utf-8")
        print(f"escrito {uri(guide)}")
    if stale:
        print("Cuadernos desactualizados: " + ", ".join(stale) + ". Ejecuta: make notebooks")
        return 1
    return 0


def package_at(commit: str, modules: list[str], dest: Path, repo: Path = ROOT) -> Path:
    """Copia en ``dest`` el código de ``modules`` tal como estaba en ``commit``; devuelve la
    carpeta que contiene el paquete (la ``root`` de :func:`cnnlab.fingerprint.digest`)."""
    rel = PACKAGE_ROOT.relative_to(ROOT)
    for name in modules:
        base = Path(*name.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            shown = subprocess.run(["git", "show", f"{commit}:{(rel / candidate).as_posix()}"],
                                   cwd=repo, capture_output=True)
            if shown.returncode == 0:
                (dest / candidate).parent.mkdir(parents=True, exist_ok=True)
                (dest / candidate).write_bytes(shown.stdout)
                break
    return dest


def commits_with_digest(digest: str, modules: list[str], repo: Path = ROOT) -> list[str]:
    """Los commits que cambiaron ``cnnlab`` («hash fecha asunto», del más nuevo al más viejo)
    tras los cuales el código de ``modules`` da ``digest``: la huella vale desde cada uno de
    ellos hasta el siguiente commit que cambió el paquete."""
    from cnnlab import fingerprint

    log = subprocess.run(["git", "log", "--format=%h %as %<(60,trunc)%s", "--",
                          (PACKAGE_ROOT.relative_to(ROOT) / fingerprint.PACKAGE).as_posix()],
                         cwd=repo, capture_output=True, text=True, check=True).stdout
    found = []
    for line in log.splitlines():
        with tempfile.TemporaryDirectory() as tmp:
            root = package_at(line.split()[0], modules, Path(tmp), repo)
            if fingerprint.digest(modules, root) == digest:
                found.append(line)
    return found


def cmd_huella(args) -> int:
    """Qué capítulo imprimió una huella y con qué commits del paquete coincide."""
    prefix = args.huella.lower()
    if len(prefix) < 6 or any(c not in "0123456789abcdef" for c in prefix):
        print(f"Error: «{args.huella}» no es una huella: copia los 12 caracteres hexadecimales "
              "de la línea «Paquete» del bloque de procedencia.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        records = open_cache(copy_cache(Path(tmp) / "cache")).list_cache_records()
    matches = [r for r in records if str(r.data.get("cnnlab_digest", "")).startswith(prefix)]
    if not matches:
        print(f"Ninguna ejecución de cache/ imprimió la huella {prefix}.", file=sys.stderr)
        return 1
    for record in matches:
        modules, digest = record.data["cnnlab_modules"], record.data["cnnlab_digest"]
        print(f"{Path(record.uri).stem}: huella {digest} ({len(modules)} módulos de cnnlab)")
        here = "coincide" if not package_changed(record) else "no coincide"
        print(f"  {here} con el código de cnnlab de esta copia de trabajo")
        commits = commits_with_digest(digest, modules)
        if commits:
            print("  coincide con el de estos commits (vale hasta el siguiente que cambió el "
                  "paquete):")
            print("\n".join(f"    {line}" for line in commits))
        else:
            print("  no coincide con ningún commit de la historia del paquete")
    return 0


def cmd_key(args) -> int:
    """La clave de respuestas (soluciones bajo cada ejercicio), fuera de la web y del repositorio."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    texts = rendered("clave")
    for path, text in texts.items():
        (out / f"{path.stem}.ipynb").write_text(text, encoding="utf-8")
    print(f"Clave de respuestas: {len(texts)} cuadernos en {args.out} (no la publiques).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Caché de ejecuciones completas del libro.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("status").set_defaults(func=cmd_status)
    p = sub.add_parser("build")
    p.add_argument("--out", help="carpeta donde crear _build/ (por omisión, la raíz del libro)")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("execute")
    p.add_argument("chapters", nargs="*")
    p.set_defaults(func=cmd_execute)
    p = sub.add_parser("run")
    p.add_argument("chapter")
    p.add_argument("--mode", choices=["rapido", "completo"], default="rapido")
    p.add_argument("--out", required=True)
    p.add_argument("--echo", action="store_true",
                   help="repite en la consola lo que imprime el cuaderno, según llega")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("import")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_import)
    sub.add_parser("prune").set_defaults(func=cmd_prune)
    p = sub.add_parser("rekey", help="guarda las mismas salidas si solo cambió la presentación (pies de figura, formato del código)")
    p.add_argument("chapters", nargs="+")
    p.set_defaults(func=cmd_rekey)
    p = sub.add_parser("notebooks")
    p.add_argument("--check", action="store_true")
    p.set_defaults(func=cmd_notebooks)
    p = sub.add_parser("huella", help="qué commits del paquete dieron una huella impresa")
    p.add_argument("huella")
    p.set_defaults(func=cmd_huella)
    p = sub.add_parser("key")
    p.add_argument("--out", default="_build/clave")
    p.set_defaults(func=cmd_key)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
