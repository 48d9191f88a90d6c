"""Extensión local de Sphinx: arreglos del tema que la configuración no alcanza.

* Textos de la interfaz que el tema, Sphinx o myst-nb dejan en inglés (o mal traducidos)
  aunque ``language: es``: se sustituyen en el HTML ya escrito, atributo por atributo
  (``title``, ``aria-label``, ``data-bs-title``), las cabeceras de la tabla de
  ejecuciones (``{nb-exec-table}``) del apéndice de reproducibilidad y el mensaje de
  «sin resultados» de la búsqueda, mal traducido en Sphinx.
* Las celdas de esa tabla de ejecuciones: myst-nb escribe los segundos sin separar los
  miles (``2358.7``), el método en inglés (``cache``) y cada capítulo por su ruta
  (``book/02_pooling_vs_stride``); quedan ``2 358.7`` (espacio fino, como en el resto del
  libro), ``caché`` y el título del capítulo.
* El botón que pone sphinx-togglebutton lo crea su ``_static/togglebutton.js`` en el
  navegador, con ``aria-label`` en inglés: se traduce el atributo dentro de ese archivo.
* sphinx-thebe inserta dos veces el mismo ``<script>`` de configuración y el navegador
  lanza un error en cada página («THEBE_JS_URL has already been declared»): se deja uno.

Se registra en ``_config.yml`` (``sphinx.local_extensions``) junto a ``cacheguard`` y
``espanol``; ``tests/test_html.py`` comprueba el resultado en Chromium.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from html import escape as html_escape
from pathlib import Path

from espanol import thin_thousands

#: Valor de atributo en inglés (o mal traducido) → español.
ATTRIBUTE_TEXT = {
    "Link to this heading": "Enlace a este encabezado",
    "Link to this image": "Enlace a esta imagen",
    "Link to this equation": "Enlace a esta ecuación",
    "Toggle hidden content": "Mostrar u ocultar el contenido",
    "Toggle primary sidebar": "Mostrar u ocultar el índice del libro",
    "Toggle secondary sidebar": "Mostrar u ocultar el índice de la página",
    "Navegación de palanca": "Mostrar u ocultar la navegación",
    "Launch on Colab": "Abrir en Colab",
    "Launch on Binder": "Abrir en Binder",
    "Launch interactive content": "Abrir como cuaderno interactivo",
    "Search this book...": "Buscar en el libro…",
    "Page": "Página",
    "Main": "Principal",
    "Descarga esta pagina": "Descarga esta página",
}

#: Mensajes de la búsqueda (``_static/translations.js``) cuya traducción de Sphinx está mal.
SEARCH_MESSAGES = {
    "Your search did not match any documents.":
        "Tu búsqueda no coincide con ninguna página. Revisa que todas las palabras estén "
        "bien escritas (los acentos no importan).",
}

#: Cabeceras de la tabla de ejecuciones de myst-nb.
TABLE_HEADERS = {"Document": "Documento", "Modified": "Modificado", "Method": "Método",
                 "Run Time (s)": "Tiempo (s)", "Status": "Estado"}

#: Celdas de la tabla de ejecuciones de myst-nb que se escriben en inglés.
TABLE_CELLS = {"cache": "caché"}

_TABLE_RE = re.compile(r"<table\b.*?</table>", re.DOTALL)
_CELL_RE = re.compile(r"(<td><p>)([^<]*)(</p></td>)")
_DOC_RE = re.compile(r'(<span class="doc">)([^<]*)(</span>)')

_ATTRIBUTE_RE = re.compile(r'((?:title|aria-label|data-bs-title|placeholder)=")([^"]*)(")')


#: Scripts del tema que escriben en el navegador atributos de :data:`ATTRIBUTE_TEXT`.
TRANSLATED_SCRIPTS = ("togglebutton.js",)


def translate_attributes(text: str) -> str:
    """Aplica :data:`ATTRIBUTE_TEXT` a los atributos ``title="…"``, ``aria-label="…"``, etc.

    Sirve igual para una página que para un script que arma HTML en una cadena.
    """
    return _ATTRIBUTE_RE.sub(lambda m: m.group(1) + ATTRIBUTE_TEXT.get(m.group(2), m.group(2))
                             + m.group(3), text)


def fix_exec_table(html: str, titles: Mapping[str, str] | None = None) -> str:
    """Arregla las celdas de la tabla de ejecuciones (la que tiene la cabecera «Tiempo (s)»).

    ``titles`` va del nombre de cada documento (``book/02_pooling_vs_stride``) a su título;
    un documento sin título en ``titles`` conserva su nombre. Las demás tablas de la página
    no se tocan: sus números ya vienen con el formato del libro.
    """
    header = '<th class="head"><p>Tiempo (s)</p>'
    if header not in html:
        return html
    titles = titles or {}

    def cell(match: re.Match) -> str:
        # los miles, con :func:`espanol.thin_thousands`, el formato de los valores pegados
        text = TABLE_CELLS.get(match.group(2), thin_thousands(match.group(2)))
        return match.group(1) + text + match.group(3)

    def doc(match: re.Match) -> str:
        name = match.group(2)
        title = html_escape(titles[name]) if name in titles else name
        return match.group(1) + title + match.group(3)

    def table(match: re.Match) -> str:
        text = match.group(0)
        if header not in text:
            return text
        return _DOC_RE.sub(doc, _CELL_RE.sub(cell, text))
    return _TABLE_RE.sub(table, html)


def translate_html(html: str, titles: Mapping[str, str] | None = None) -> str:
    """Aplica :data:`ATTRIBUTE_TEXT`, :data:`TABLE_HEADERS` y :func:`fix_exec_table`."""
    html = translate_attributes(html)
    for english, spanish in TABLE_HEADERS.items():
        html = html.replace(f'<th class="head"><p>{english}</p>', f'<th class="head"><p>{spanish}</p>')
    return fix_exec_table(html, titles)


def drop_repeated_scripts(html: str) -> str:
    """Quita de ``<head>`` las líneas ``<script>…</script>`` idénticas a una anterior."""
    end = html.find("</head>")
    if end < 0:
        return html
    seen, lines = set(), []
    for line in html[:end].split("\n"):
        tag = line.strip()
        if tag.startswith("<script") and tag.endswith("</script>"):
            if tag in seen:
                continue
            seen.add(tag)
        lines.append(line)
    return "\n".join(lines) + html[end:]


def fix_search_messages(js: str) -> str:
    """Sustituye en ``translations.js`` los mensajes de :data:`SEARCH_MESSAGES`."""
    for start, spanish in SEARCH_MESSAGES.items():
        js = re.sub(rf'("{re.escape(start)}[^"]*": )"[^"]*"',
                    lambda m: m.group(1) + json.dumps(spanish), js)
    return js


def _translate_output(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    messages = Path(app.outdir) / "_static" / "translations.js"
    if messages.is_file():
        messages.write_text(fix_search_messages(messages.read_text(encoding="utf-8")),
                            encoding="utf-8")
    for name in TRANSLATED_SCRIPTS:
        script = Path(app.outdir) / "_static" / name
        if script.is_file():
            text = script.read_text(encoding="utf-8")
            new = translate_attributes(text)
            if new != text:
                script.write_text(new, encoding="utf-8")
    titles = {doc: title.astext() for doc, title in app.env.titles.items()}
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = drop_repeated_scripts(translate_html(text, titles))
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _translate_output)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
