"""Cuadernos para Jupyter a partir del libro resuelto: lanzamiento, estudiante y clave.

Un solo escritor para las tres ediciones de cada capítulo. Parte de la misma fuente que la
web (el capítulo MyST) y de las salidas de su ejecución completa en ``cache/`` (de ahí
salen los valores pegados), y escribe Markdown y código que Colab, Binder, VS Code o
cualquier Jupyter muestran tal cual, sin sintaxis MyST:

* ``lanzamiento``: los ``book/*.ipynb`` que abren los botones del cohete. Los números
  pegados son texto, las advertencias son citas en Markdown, las referencias cruzadas y las
  citas son enlaces a la web, los ejercicios van numerados («Ejercicio 7.2») y las
  soluciones se reúnen al final, en «Soluciones».
* ``estudiante``: sin soluciones; bajo cada ejercicio, una celda de respuesta y, si el
  ejercicio es comprobable (:mod:`cnnlab.checks`), la celda que lo comprueba.
* ``clave``: como la de lanzamiento, con las soluciones bajo cada ejercicio, para docentes.

La primera celda de las tres instala ``cnnlab`` fijado al último *commit* que cambió el
paquete (en Colab) o explica cómo instalarlo (en cualquier otro Jupyter).
"""

from __future__ import annotations

import ast
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from bookcache import SETUP_MARKER  # la marca de la celda de preparación de cada capítulo
from espanol import pasted_text  # miles con espacio fino y signo menos, como en la web

ROOT = Path(__file__).resolve().parents[1]
#: Variable de entorno que sustituye lo que instala la celda de preparación (pruebas, espejos).
INSTALL_ENV = "CNNLAB_INSTALL"
#: Lo que fija la versión del paquete: si cambia, cambia el commit al que apuntan los cuadernos.
PACKAGE_PATHS = ("code", "pyproject.toml")


def package_commit() -> str:
    """El último *commit* que cambió el paquete (``code/`` o ``pyproject.toml``).

    Instalar ese *commit* da exactamente el paquete de hoy, siempre que esos archivos no
    tengan cambios sin confirmar (las pruebas lo comprueban en un clon limpio).
    """
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%H", "--", *PACKAGE_PATHS],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        raise SystemExit("No pude leer la historia de git para fijar la versión de cnnlab "
                         f"({error}). Los cuadernos se generan desde un clon del repositorio.")
    if not out:
        raise SystemExit("El paquete (code/, pyproject.toml) no tiene ningún commit todavía: "
                         "confírmalo antes de generar los cuadernos.")
    return out


def install_spec(url: str, commit: str) -> str:
    """Lo que instala ``pip`` en Colab: ``cnnlab @ git+URL@COMMIT``."""
    return f"cnnlab @ git+{url}@{commit}"


def setup_cell_source(url: str, commit: str) -> str:
    """La primera celda de todo cuaderno generado."""
    spec = install_spec(url, commit)
    return f'''# Preparación: en Colab instala el paquete del libro (cnnlab) en la versión de este
# cuaderno; en cualquier otro Jupyter comprueba que esté instalado y, si falta, dice cómo.
import importlib.util, os, subprocess, sys
CNNLAB = os.environ.get("{INSTALL_ENV}", "{spec}")
if importlib.util.find_spec("cnnlab") is None and "google.colab" in sys.modules:
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", CNNLAB],
                         capture_output=True, text=True)
    if pip.returncode != 0:
        print(pip.stderr[-2000:])
        raise SystemExit("No se pudo instalar cnnlab (arriba, el final del mensaje de pip): "
                         "revisa la conexión a internet del entorno y vuelve a ejecutar la celda.")
    importlib.invalidate_caches()
if importlib.util.find_spec("cnnlab") is None:
    print("Falta el paquete del libro, cnnlab. Instálalo en este entorno con\\n"
          f"    %pip install \\"{{CNNLAB}}\\"\\n"
          "y vuelve a ejecutar esta celda.")
    raise SystemExit("cnnlab no está instalado")
# TensorFlow escribe avisos de C++ al importarse (no son errores): los descartamos una vez.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
with open(os.devnull, "w") as devnull:
    stderr_fd = os.dup(2)
    os.dup2(devnull.fileno(), 2)
    try:
        import keras
    finally:
        os.dup2(stderr_fd, 2)
        os.close(stderr_fd)'''


def default_setup_cell() -> str:
    """La celda de preparación con la URL de ``_config.yml`` y el *commit* del paquete."""
    return setup_cell_source(repository_url(), package_commit())


# ---------------------------------------------------------------- la web y la bibliografía


def _config() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def repository_url() -> str:
    """La URL del repositorio (``repository.url`` de ``_config.yml``)."""
    return _config()["repository"]["url"].rstrip("/")


def site_url() -> str:
    """La dirección de la web publicada (``html.baseurl`` de ``_config.yml``), con ``/`` final."""
    base = _config().get("html", {}).get("baseurl", "")
    if not base:
        raise SystemExit("Falta html.baseurl en _config.yml: los enlaces de los cuadernos "
                         "apuntan a la web publicada.")
    return base.rstrip("/") + "/"


def page_url(doc: str, anchor: str = "") -> str:
    """URL de una página del libro (``doc`` como ``07_dropout_v5``) en la web publicada."""
    return f"{site_url()}book/{doc}.html" + (f"#{anchor}" if anchor else "")


BIB_ENTRY_RE = re.compile(r"@\w+\{([^,]+),(.*?)\n\}", re.DOTALL)
BIB_FIELD_RE = re.compile(r"(\w+)\s*=\s*\{(.*?)\}\s*,?\s*$", re.MULTILINE)


def bibliography() -> dict[str, str]:
    """Clave de BibTeX → «Autor et al., año» (como el estilo autor-año de la web, en español)."""
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    labels = {}
    for key, body in BIB_ENTRY_RE.findall(text):
        fields = {name.lower(): value for name, value in BIB_FIELD_RE.findall(body)}
        authors = [a.strip() for a in fields.get("author", "").split(" and ") if a.strip()]
        surnames = [_latex_to_text(a.split(",")[0] if "," in a else a.split()[-1]) for a in authors]
        if len(surnames) >= 3:
            who = f"{surnames[0]} et al."
        elif len(surnames) == 2:
            who = f"{surnames[0]} y {surnames[1]}"
        else:
            who = surnames[0] if surnames else key
        labels[key.strip()] = f"{who}, {fields.get('year', 's. f.')}"
    return labels


def _latex_to_text(text: str) -> str:
    accents = {"\\'": "\u0301", '\\"': "\u0308", "\\~": "\u0303", "\\`": "\u0300"}
    for command, mark in accents.items():
        text = re.sub(re.escape(command) + r"\{?(\w)\}?", lambda m: m.group(1) + mark, text)
    import unicodedata

    return unicodedata.normalize("NFC", text.replace("{", "").replace("}", ""))


# ---------------------------------------------------------------- capítulos, etiquetas, valores


LABEL_RE = re.compile(r"^\(([\w-]+)\)=\s*$", re.MULTILINE)
TITLE_RE = re.compile(r"^# (.+)$", re.MULTILINE)
#: La etiqueta de un bloque ``{exercise}`` (su primera opción, ``:label: ej-...``).
EXERCISE_LABEL_RE = re.compile(r"^```\{exercise\}[^\n]*\n:label:[ \t]*([\w-]+)", re.MULTILINE)


def chapter_number(path: Path) -> int:
    """El número del capítulo: el prefijo de su nombre (``07_dropout_v5`` → 7)."""
    match = re.match(r"(\d+)_", path.stem)
    if not match:
        raise ValueError(f"{path.name}: el nombre de un capítulo empieza por su número (07_…).")
    return int(match.group(1))


def documents() -> dict[str, dict]:
    """Para cada página de ``book/``: su título y sus etiquetas (``(etiqueta)=`` y las de sus
    ejercicios, ``:label:``, que la web también ancla)."""
    docs = {}
    for path in sorted((ROOT / "book").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = TITLE_RE.search(text)
        docs[path.stem] = {"title": title.group(1).strip() if title else path.stem,
                           "labels": LABEL_RE.findall(text) + EXERCISE_LABEL_RE.findall(text)}
    return docs


def glue_store() -> "GlueStore":
    """Los valores pegados de las ejecuciones completas de ``cache/``, capítulo a capítulo
    (leídos en solo lectura: leer no cambia ``cache/``)."""
    import bookcache

    return GlueStore({chapter: bookcache.glued(nb)
                      for chapter, nb in bookcache.cached_notebooks().items()})


@dataclass
class GlueStore:
    """Valores pegados por capítulo (``text/plain`` de cada ``glue``)."""

    values: dict[str, dict[str, str]]

    def text(self, doc: str, content: str) -> str:
        """El texto de ``{glue:text}`content``` en la página ``doc``, con su formato."""
        from myst_nb.core.variables import format_plain_text

        if "::" in content:
            other, content = content.split("::", 1)
            doc = Path(other).stem
        key, _, fmt = content.partition(":")
        chapter = self.values.get(doc)
        if chapter is None:
            raise SystemExit(f"{doc}: no tiene ejecución completa en cache/; ejecuta antes "
                             f"make execute CHAPTER={doc}.")
        if key not in chapter:
            raise SystemExit(f"{doc}: la ejecución completa de cache/ no pegó {key!r}. "
                             f"Vuelve a ejecutar: make execute CHAPTER={doc}.")
        return pasted_text(format_plain_text(chapter[key], fmt))


# ---------------------------------------------------------------- Markdown sin MyST


ROLE_RE = re.compile(r"\{(glue:text|glue|cite|cite:p|cite:t|ref|doc|eq|numref)\}`([^`]+)`")
ADMONITION_RE = re.compile(r"^:::\{admonition\}[ \t]*([^\n]*)\n((?::\w+:[^\n]*\n)*)(.*?)^:::[ \t]*$",
                           re.DOTALL | re.MULTILINE)
MATH_LABEL_RE = re.compile(r"^\$\$\s*\(([\w-]+)\)\s*$", re.MULTILINE)
MATH_DIRECTIVE_RE = re.compile(r"^```\{math\}\n:label: ([\w-]+)\n\n?(.*?)^```\s*$",
                               re.DOTALL | re.MULTILINE)
DIRECTIVE_RE = re.compile(r"^```\{(exercise|solution|solution-start|solution-end)\}[ \t]*(\S*)[ \t]*\n"
                          r"((?::[\w-]+:[^\n]*\n)*)(.*?)^```[ \t]*$\n?", re.DOTALL | re.MULTILINE)
OPTION_RE = re.compile(r"^:([\w-]+):\s*(.*)$", re.MULTILINE)


@dataclass
class Context:
    """Lo que hace falta para resolver la sintaxis MyST de un capítulo."""

    doc: str
    number: int
    glue: GlueStore
    docs: dict[str, dict]
    cites: dict[str, str]
    equations: dict[str, int] = field(default_factory=dict)
    exercises: dict[str, str] = field(default_factory=dict)

    def label_doc(self, label: str) -> str:
        for doc, info in self.docs.items():
            if label in info["labels"]:
                return doc
        raise SystemExit(f"{self.doc}: la referencia {label!r} no existe en ninguna página.")

    def role(self, match: re.Match) -> str:
        name, content = match.group(1), match.group(2)
        text, target = _split_target(content)
        if name in ("glue:text", "glue"):
            return self.glue.text(self.doc, content)
        if name.startswith("cite"):
            keys = [k.strip() for k in content.split(",")]
            missing = [k for k in keys if k not in self.cites]
            if missing:
                raise SystemExit(f"{self.doc}: cita sin entrada en references.bib: {missing}.")
            links = "; ".join(f"[{self.cites[k]}]({page_url('referencias')})" for k in keys)
            return f"({links})"
        if name == "doc":
            doc = Path(target).stem
            title = text or self.docs.get(doc, {}).get("title", doc)
            return f"[{title}]({page_url(doc)})"
        if name in ("ref", "numref"):
            doc = self.label_doc(target)
            title = text or self.docs[doc]["title"]
            return f"[{title}]({page_url(doc, target)})"
        if name == "eq":
            if target not in self.equations:
                raise SystemExit(f"{self.doc}: la ecuación {target!r} no está en el capítulo.")
            return f"({self.number}.{self.equations[target]})"  # como la web: (7.1)
        raise AssertionError(name)  # pragma: no cover

    def markdown(self, text: str) -> str:
        """Markdown sin MyST: etiquetas fuera, advertencias como citas, roles resueltos."""
        text = LABEL_RE.sub("", text)
        text = MATH_DIRECTIVE_RE.sub(lambda m: self._equation(m.group(1), m.group(2)), text)
        text = MATH_LABEL_RE.sub(lambda m: self._tag(m.group(1)), text)
        text = ADMONITION_RE.sub(self._admonition, text)
        text = ROLE_RE.sub(self.role, text)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")

    def _tag(self, label: str) -> str:
        self.equations.setdefault(label, len(self.equations) + 1)
        return f"\\tag{{{self.number}.{self.equations[label]}}}\n$$"

    def _equation(self, label: str, body: str) -> str:
        return "$$\n" + body.strip() + "\n" + self._tag(label)

    def _admonition(self, match: re.Match) -> str:
        title, body = match.group(1).strip(), match.group(3).strip("\n")
        # Una fórmula partida en dos líneas llevaría el «> » de la cita dentro del TeX.
        body = re.sub(r"\$[^$]+\$", lambda m: " ".join(m.group(0).split()), body)
        quoted = "\n".join(f"> {line}".rstrip() for line in body.splitlines())
        return f"> **{title}**\n>\n{quoted}\n"


def _split_target(content: str) -> tuple[str, str]:
    match = re.match(r"^(.*?)\s*<([^>]+)>$", content, re.DOTALL)
    return (match.group(1).strip(), match.group(2).strip()) if match else ("", content.strip())


def number_equations(ctx: Context, sources: list[str]) -> None:
    """Numera las ecuaciones con etiqueta en el orden en que aparecen (como la web)."""
    for text in sources:
        for match in re.finditer(r"^\$\$\s*\(([\w-]+)\)\s*$|^```\{math\}\n:label: ([\w-]+)",
                                 text, re.MULTILINE):
            label = match.group(1) or match.group(2)
            ctx.equations.setdefault(label, len(ctx.equations) + 1)


# ---------------------------------------------------------------- código sin pegados


GLUE_CALLS = {"glue_value", "glue_many", "glue"}


#: Funciones sin efectos que puede usar el código que solo arma una frase pegada.
PURE_CALLS = frozenset({"abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "len",
                        "list", "max", "min", "range", "round", "set", "sorted", "str", "sum",
                        "thousands", "tuple", "zip"})
PURE_METHODS = frozenset({"all", "any", "argmax", "argmin", "capitalize", "format", "get",
                          "is_full", "item", "items", "join", "keys", "lower", "max", "mean", "min",
                          "replace", "std", "strip", "sum", "upper", "values"})
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _is_glue_call(node: ast.stmt) -> bool:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in GLUE_CALLS
    return False


def _only_glue(node: ast.stmt) -> bool:
    """Una llamada que pega, o un ``for``/``if``/``with`` que solo contiene eso (a cualquier
    profundidad)."""
    if _is_glue_call(node):
        return True
    if isinstance(node, (ast.For, ast.If, ast.With)) and not getattr(node, "orelse", []):
        return all(_only_glue(child) for child in node.body)
    return False


def _pure(node: ast.AST) -> bool:
    """Si evaluar la expresión no puede cambiar nada (literales, nombres, operaciones, frases)."""
    if isinstance(node, ast.Call):
        func = node.func
        known = ((isinstance(func, ast.Name) and func.id in PURE_CALLS)
                 or (isinstance(func, ast.Attribute) and func.attr in PURE_METHODS
                     and _pure(func.value)))
        return known and all(_pure(a) for a in node.args) and all(
            _pure(k.value) for k in node.keywords)
    if isinstance(node, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
        return False
    return all(_pure(child) for child in ast.iter_child_nodes(node))


def _dead_target(target: ast.AST, used: set[str]) -> bool:
    if isinstance(target, ast.Name):
        return target.id not in used
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_dead_target(t, used) for t in target.elts)
    return False  # a[i] = …, a.b = …: cambian un objeto


def _has_text(node: ast.AST) -> bool:
    """Si la expresión arma texto (una cadena o una *f-string*)."""
    return any(isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant)
                                                 and isinstance(n.value, str))
               for n in ast.walk(node))


def _removable(node: ast.stmt, used: set[str], glued: frozenset[str] = frozenset()) -> bool:
    """Una sentencia que solo pega, o que solo prepara lo que pega (nadie más lo lee).

    Una cuenta cuyo resultado se pega tal cual (un nombre de ``glued``) se queda: enseña de
    dónde sale la cifra del texto. Una que arma una frase, o que solo sirve para decidirla, se va.
    """
    if _only_glue(node):
        return True
    if isinstance(node, ast.Assign):
        targets = {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        return (all(_dead_target(t, used) for t in node.targets) and _pure(node.value)
                and (_has_text(node.value) or not targets & glued))
    if isinstance(node, ast.FunctionDef):
        return node.name not in used and not node.decorator_list
    if isinstance(node, ast.If):
        children = node.body + node.orelse
        return all(_removable(c, used, glued) for c in children) and _pure(node.test)
    if isinstance(node, ast.For):
        return (not node.orelse and all(_removable(c, used, glued) for c in node.body)
                and _dead_target(node.target, used) and _pure(node.iter))
    return False


def _sentence(node: ast.expr) -> bool:
    """Una frase escrita en el código: un texto (o una cadena f) que empieza con mayúscula y
    termina en punto."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        first = last = node.value
    elif isinstance(node, ast.JoinedStr) and node.values and all(
            isinstance(v, ast.Constant) for v in (node.values[0], node.values[-1])):
        first, last = node.values[0].value, node.values[-1].value
    else:
        return False
    return bool(first[:1].isupper() and last.rstrip().endswith("."))


def print_glued_sentences(source: str) -> str:
    """Cambia ``glue_value("clave", frase)`` por ``print(frase)`` cuando ``frase`` solo recibe
    frases en la celda (la lectura de un resultado que la web pega en su texto): quien ejecuta el
    cuaderno ve la lectura de su propia ejecución, que puede no ser la publicada."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    values: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    values.setdefault(target.id, []).append(node.value)
    lines = source.splitlines()
    for node in ast.walk(tree):
        if not (_is_glue_call(node) and len(node.value.args) == 2):
            continue
        func = node.value.func
        name = node.value.args[1]
        if (getattr(func, "id", getattr(func, "attr", "")) == "glue_value"
                and isinstance(name, ast.Name) and values.get(name.id)
                and all(_sentence(v) for v in values[name.id])
                and node.lineno == node.end_lineno):
            line = lines[node.lineno - 1]
            lines[node.lineno - 1] = line[:len(line) - len(line.lstrip())] + f"print({name.id})"
    return "\n".join(lines)


def strip_glue_cells(sources: list[str], names_elsewhere: set[str] | frozenset = frozenset(),
                     print_sentences: bool = False) -> list[str]:
    """El código de las celdas de un capítulo sin lo que solo sirve para pegar en el texto.

    Quita las llamadas ``glue_value(...)`` (no hacen nada fuera de la web) y, después, lo que
    solo existía para ellas: asignaciones sin efectos (frases, cifras redondeadas) cuyo nombre
    ya no lee nadie en el capítulo, funciones que nadie llama y ``if``/``for`` que solo
    contienen eso, con los comentarios que los preceden. Mira el capítulo entero: un nombre que
    lee otra celda, o que aparece en ``names_elsewhere`` (el texto del capítulo, los bloques
    de código de las soluciones), se queda. Quita también ``glue_value`` de la importación si
    ya no se usa. Una celda que no es Python válido queda tal cual. Con ``print_sentences``
    (los cuadernos, no la web, cuyas salidas no lo imprimieron), las frases pegadas se
    imprimen (:func:`print_glued_sentences`).
    """
    if print_sentences:
        sources = [print_glued_sentences(source) for source in sources]
    trees: list[ast.Module | None] = []
    for source in sources:
        try:
            trees.append(ast.parse(source))
        except SyntaxError:
            trees.append(None)
    unparsed = {name for source, tree in zip(sources, trees) if tree is None
                for name in IDENTIFIER.findall(source)}
    drops: list[set[int]] = [set() for _ in sources]  # id() de las sentencias quitadas
    glued = frozenset(n.id for tree in trees if tree is not None for node in ast.walk(tree)
                      if isinstance(node, ast.stmt) and _is_glue_call(node)
                      for n in ast.walk(node) if isinstance(n, ast.Name))

    def kept_reads(tree: ast.Module, dropped: set[int]) -> set[str]:
        """Los nombres que leen las sentencias que se quedan."""
        names, stack = set(), list(tree.body)
        while stack:
            node = stack.pop()
            if id(node) in dropped:
                continue
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    stack.append(child)
                else:
                    names.update(n.id for n in ast.walk(child) if isinstance(n, ast.Name)
                                 and isinstance(n.ctx, ast.Load))
        return names

    def visit(body: list[ast.stmt], used: set[str], dropped: set[int],
              top: bool = True) -> bool:
        """Marca lo que se quita. Dentro de una función o una clase solo se quitan las
        llamadas que pegan: sus nombres son locales, o métodos que Python llama solo."""
        changed = False
        for node in body:
            if id(node) in dropped:
                continue
            if _only_glue(node) or (top and _removable(node, used, glued)):
                dropped.add(id(node))
                changed = True
                continue
            inside = top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                   ast.ClassDef))
            for attr in ("body", "orelse", "finalbody"):
                inner = getattr(node, attr, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    changed |= visit(inner, used, dropped, inside)
        return changed

    changed = True
    while changed:
        used = set(names_elsewhere) | unparsed
        for tree, dropped in zip(trees, drops):
            if tree is not None:
                used |= kept_reads(tree, dropped)
        changed = False
        for tree, dropped in zip(trees, drops):
            if tree is not None:
                changed |= visit(tree.body, used, dropped)
    shown = []
    for source, tree, dropped in zip(sources, trees, drops):
        text = None if tree is None else _without(source, tree, dropped)
        if text is None and tree is not None:  # quitar dejó un bloque vacío: solo lo que pega
            glue = {id(n) for n in ast.walk(tree) if isinstance(n, ast.stmt) and _only_glue(n)}
            text = _without(source, tree, glue)
        shown.append(source if text is None else text)
    return shown


#: Una llamada a ``glue_value`` en el código que queda.
GLUE_VALUE_CALL = re.compile(r"\bglue_value\s*\(")


def _without_glue_import(text: str) -> str:
    """``text`` sin ``glue_value`` en su ``from cnnlab.glue import ...`` (sin la línea entera
    si no importaba nada más)."""
    text = re.sub(r"^from cnnlab\.glue import glue_value\n", "", text + "\n", flags=re.MULTILINE)
    text = re.sub(r"^(from cnnlab\.glue import )glue_value, ", r"\1", text, flags=re.MULTILINE)
    return re.sub(r"^(from cnnlab\.glue import .+), glue_value$", r"\1", text,
                  flags=re.MULTILINE)[:-1]


def _without(source: str, tree: ast.Module, dropped: set[int]) -> str | None:
    """``source`` sin las líneas de las sentencias ``dropped`` (y los comentarios de encima);
    ``None`` si lo que queda no es Python válido (un bloque vacío)."""
    if not dropped:
        return source
    lines = source.splitlines()
    gone: set[int] = set()
    for node in ast.walk(tree):
        if id(node) in dropped:
            gone.update(range(node.lineno - 1, node.end_lineno))
            above = node.lineno - 2
            while above >= 0 and lines[above].strip().startswith("#"):
                gone.add(above)
                above -= 1
    kept = [line for i, line in enumerate(lines) if i not in gone]
    text = "\n".join(kept)
    if not GLUE_VALUE_CALL.search(text):
        text = _without_glue_import(text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    try:
        ast.parse(text)
    except SyntaxError:
        return None
    return text


def strip_glue(source: str) -> str:
    """Una celda sin sus llamadas que pegan; sin ver el resto del capítulo no puede saber qué
    nombres leen otras celdas, así que no quita nada más (ver :func:`strip_glue_cells`)."""
    return strip_glue_cells([source], set(IDENTIFIER.findall(source)))[0]


# ---------------------------------------------------------------- las tres ediciones


EDITIONS = ("lanzamiento", "estudiante", "clave")
LAUNCH_NOTE = ("> **Los números de este texto** salen de la ejecución completa publicada en la "
               "[web del libro]({url}) (modo completo, todos los datos). Si ejecutas el "
               "cuaderno, tus números serán otros: sin GPU corre en modo rápido, con menos "
               "datos y épocas, y aun en modo completo cambian con el hardware. Con GPU (en "
               "Colab, un entorno con GPU), el modo automático es el completo, que en algunos "
               "capítulos tarda media hora o más; para el rápido, ejecuta "
               "`%env CNNLAB_MODE=rapido` antes de la primera celda de código.")
#: La nota de un capítulo cuyo código no depende del modo ni entrena (hoy, el de historia).
LAUNCH_NOTE_SAME = ("> **Los números de este texto** salen de la ejecución completa publicada "
                    "en la [web del libro]({url}). Este capítulo no entrena nada y hace lo mismo en "
                    "modo rápido y en modo completo: si ejecutas el cuaderno, obtendrás los "
                    "mismos números en cualquier máquina.")
#: Lo que hace que un capítulo dependa del modo o del azar del entrenamiento.
MODE_DEPENDENT = re.compile(r"\bruntime\.(?:pick|is_full)\b|\bfor_mode\b|\btraining\.|\.fit\(")


def launch_note(code: list[str], url: str) -> str:
    """La nota bajo el título: la general, o la de un capítulo que da siempre los mismos números."""
    same = not any(MODE_DEPENDENT.search(source) for source in code)
    return (LAUNCH_NOTE_SAME if same else LAUNCH_NOTE).format(url=url)


@dataclass
class Piece:
    """Un trozo del capítulo: Markdown, código, o el comienzo/fin de un ejercicio o solución."""

    kind: str  # "md", "code", "exercise", "solution"
    text: str = ""
    label: str = ""
    cells: list = field(default_factory=list)  # una solución: sus trozos (md y código)


def pieces(nb: nbformat.NotebookNode) -> list[Piece]:
    """El capítulo como una lista de trozos, con cada solución reunida en un solo trozo."""
    flat: list[Piece] = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            flat.append(Piece("code", cell.source))
            continue
        text, pos = cell.source, 0
        for match in DIRECTIVE_RE.finditer(text):
            flat.append(Piece("md", text[pos:match.start()]))
            name, arg, body = match.group(1), match.group(2), match.group(4)
            options = dict(OPTION_RE.findall(match.group(3)))
            flat.append(Piece(name, body, label=options.get("label", arg)))
            pos = match.end()
        flat.append(Piece("md", text[pos:]))
    result: list[Piece] = []
    open_solution: Piece | None = None
    for piece in flat:
        if piece.kind == "md" and not piece.text.strip():
            continue
        if piece.kind == "solution-start":
            open_solution = Piece("solution", label=piece.label)
            result.append(open_solution)
        elif piece.kind == "solution-end":
            open_solution = None
        elif open_solution is not None:
            open_solution.cells.append(piece)
        elif piece.kind == "solution":
            result.append(Piece("solution", label=piece.label, cells=[Piece("md", piece.text)]))
        else:
            result.append(piece)
    return result


class Writer:
    """Acumula celdas y une el Markdown consecutivo en una sola celda."""

    def __init__(self) -> None:
        self.cells: list[nbformat.NotebookNode] = []
        self._sealed = False  # la última celda de Markdown no admite más texto

    def md(self, text: str, alone: bool = False) -> None:
        """Añade Markdown; ``alone`` lo deja en una celda propia (una celda de respuesta)."""
        text = text.strip("\n")
        if not text:
            return
        if (self.cells and self.cells[-1].cell_type == "markdown" and not self._sealed
                and not alone):
            self.cells[-1].source += "\n\n" + text
        else:
            self.cells.append(nbformat.v4.new_markdown_cell(text))
        self._sealed = alone

    def code(self, source: str) -> None:
        if source.strip():
            self.cells.append(nbformat.v4.new_code_cell(source))


def render(path: Path, edition: str, glue: GlueStore | None = None,
           docs: dict | None = None, cites: dict | None = None,
           setup: str | None = None) -> nbformat.NotebookNode:
    """Un cuaderno de Jupyter del capítulo ``path`` en la edición ``edition``."""
    import jupytext

    from cnnlab import checks, exercises  # noqa: F401 - registra los comprobadores

    if edition not in EDITIONS:
        raise ValueError(f"Edición {edition!r} desconocida: usa una de {', '.join(EDITIONS)}.")
    source = jupytext.read(path)
    ctx = Context(doc=path.stem, number=chapter_number(path), glue=glue or glue_store(),
                  docs=docs or documents(), cites=cites or bibliography())
    items = pieces(source)
    number_equations(ctx, [p.text for p in items] + [c.text for p in items for c in p.cells])
    for piece in items:
        if piece.kind == "exercise":
            ctx.exercises[piece.label] = f"{ctx.number}.{len(ctx.exercises) + 1}"

    # La celda de preparación va tras el texto de «## Preparación» si el capítulo lo pone
    # justo después (en la web, esa celda está oculta y el encabezado queda antes del código).
    for i, piece in enumerate(items[:-1]):
        after = items[i + 1]
        if (piece.kind == "code" and piece.text.startswith(SETUP_MARKER) and after.kind == "md"
                and after.text.lstrip().startswith("## Preparación")):
            items[i], items[i + 1] = after, piece
            break
    shown = shown_code(items)
    out, solutions, checked = Writer(), [], []
    first_md = True
    for piece in items:
        if piece.kind == "code":
            if piece.text.startswith(SETUP_MARKER):
                out.code(setup if setup is not None else default_setup_cell())
            else:
                out.code(shown[id(piece)])
        elif piece.kind == "md":
            text = ctx.markdown(piece.text)
            if first_md:  # la nota sobre los números va justo debajo del título
                title, _, rest = text.partition("\n")
                note = launch_note([p.text for p in items if p.kind == "code"],
                                   page_url(path.stem))
                text = "\n\n".join([title, note,
                                     rest.strip("\n")])
                first_md = False
            out.md(text)
        elif piece.kind == "exercise":
            number = ctx.exercises[piece.label]
            out.md(f"**Ejercicio {number}.** " + ctx.markdown(piece.text))
            if edition == "estudiante":
                exercise = checks.EXERCISES.get(piece.label)
                variable = f"respuesta_{number.replace('.', '_')}"
                if exercise is not None:
                    checked.append(piece.label)
                    out.code(re.sub(r"\brespuesta\b", variable, exercise.template))
                    out.code("from cnnlab.checks import check\n\n"
                             f"check({piece.label!r}, {variable})")
                    if exercise.asks_more:
                        out.md(f"**Tu respuesta a las preguntas abiertas del ejercicio {number}** "
                               "(la comprobación de arriba no las califica): *(escribe aquí)*",
                               alone=True)
                else:
                    out.md(f"**Tu respuesta al ejercicio {number}:** *(escribe aquí; si el "
                           "ejercicio pide código, usa la celda de abajo)*", alone=True)
                    out.code(f"# Tu código para el ejercicio {number} (si lo pide)")
        elif piece.kind == "solution":
            number = ctx.exercises.get(piece.label)
            if number is None:
                raise SystemExit(f"{path.stem}: solución de un ejercicio que no existe: {piece.label}.")
            if edition == "clave":
                _write_solution(out, ctx, number, piece, shown)
            elif edition == "lanzamiento":
                solutions.append((number, piece))
    if solutions:
        out.md("## Soluciones\n\nIntenta cada ejercicio antes de leer su solución.")
        for number, piece in solutions:
            _write_solution(out, ctx, number, piece, shown)

    nb = nbformat.v4.new_notebook(cells=out.cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"},
                   "cnnlab": {"chapter": path.stem, "edition": edition,
                              "exercises": dict(ctx.exercises), "checked_exercises": checked}}
    for i, cell in enumerate(nb.cells):
        cell.id = f"celda-{i:03d}"  # fijos: el archivo no cambia si el capítulo no cambia
    return nb


def shown_code(items: list[Piece]) -> dict[int, str]:
    """El código de cada trozo de código (``id`` del trozo → texto) sin lo que solo pega, con
    :func:`strip_glue_cells` sobre el capítulo entero (soluciones incluidas)."""
    code, text = [], []
    for piece in items:
        for part in [piece, *piece.cells]:
            (code if part.kind == "code" else text).append(part)
    names = {name for part in text for name in IDENTIFIER.findall(part.text)}
    stripped = strip_glue_cells([part.text for part in code], names, print_sentences=True)
    if not any(GLUE_VALUE_CALL.search(text) for text in stripped):
        # Nadie pega ya: tampoco hace falta importarlo (en la celda de importaciones, que no
        # pegaba nada y por eso strip_glue_cells la dejó tal cual).
        stripped = [_without_glue_import(text) for text in stripped]
    return {id(part): new for part, new in zip(code, stripped)}


def _write_solution(out: Writer, ctx: Context, number: str, piece: Piece,
                    shown: dict[int, str]) -> None:
    out.md(f"### Solución del ejercicio {number}")
    for part in piece.cells:
        if part.kind == "code":
            out.code(shown[id(part)])
        else:
            out.md(ctx.markdown(part.text))


def colab_url(notebook: str) -> str:
    """Enlace de Colab a un cuaderno del repositorio (``estudiante/07_dropout_v5.ipynb``)."""
    config = _config()["repository"]
    github = repository_url().split("github.com/", 1)[-1]
    return f"https://colab.research.google.com/github/{github}/blob/{config.get('branch', 'main')}/{notebook}"


TABLE_START = "<!-- tabla generada por tools/bookcache.py notebooks: no la edites a mano -->"
TABLE_END = "<!-- fin de la tabla generada -->"


def _exercise_order(number: str) -> list[int]:
    """Clave para ordenar «1.10» después de «1.9»: los números de sus partes."""
    return [int(part) for part in number.rstrip("\\*").split(".")]


def instructor_table(students: dict[Path, nbformat.NotebookNode]) -> str:
    """La tabla de la guía para docentes: enlaces a la edición para estudiantes y ejercicios.

    Un asterisco (escapado para MyST) marca los ejercicios comprobados que además hacen
    preguntas abiertas.
    """
    from cnnlab.checks import EXERCISES

    rows = ["| capítulo | edición para estudiantes | ejercicios | con comprobación automática |",
            "| --- | --- | --- | --- |"]
    for path, nb in students.items():
        meta = nb.metadata["cnnlab"]
        numbers = sorted(meta["exercises"].values(), key=_exercise_order)
        checked = sorted((meta["exercises"][label]
                          + ("\\*" if label in EXERCISES and EXERCISES[label].asks_more else "")
                          for label in meta["checked_exercises"]), key=_exercise_order)
        rows.append(f"| {{doc}}`{path.stem}` | [abrir en Colab]({colab_url('estudiante/' + path.name.replace('.md', '.ipynb'))}) "
                    f"| {', '.join(numbers) or '—'} | {', '.join(checked) or 'ninguno'} |")
    return "\n".join(rows)


def with_instructor_table(page: str, table: str) -> str:
    """La página de docentes con la tabla generada entre sus dos marcas."""
    start, end = page.index(TABLE_START) + len(TABLE_START), page.index(TABLE_END)
    return page[:start] + "\n" + table + "\n" + page[end:]


def writes(nb: nbformat.NotebookNode) -> str:
    """El texto del ``.ipynb`` (estable: mismas celdas, mismo archivo)."""
    return nbformat.writes(nb) + "\n"
