"""Extensión local de Sphinx: la web en español también donde el tema y las bibliotecas no lo están.

* **Bibliografía** (``bibtex_default_style: espanol``): el estilo ``unsrt`` de pybtex con
  «y», «En», «Informe técnico», «págs.»…, ordenada por autor y año, con etiquetas
  autor-año («Srivastava et al., 2014») iguales a las citas del texto.
* **Citas en el texto** (``bibtex_reference_style: autor_anio``): autor-año entre
  paréntesis con «y» entre dos autores.
* **Miles con espacio fino**: un número pegado con cuatro cifras enteras o más («23587712»,
  «1563») se escribe «23 587 712», «1 563» (espacio fino, U+202F), como las salidas
  (:func:`cnnlab.glue.thousands`) y la prosa; ningún capítulo pega un año.
* **Notación científica**: «3e-06» pegado se escribe «3 × 10⁻⁶», como en la prosa.
* **Búsqueda sin acentos**: el índice y la consulta se pliegan a minúsculas sin acento,
  así «activacion» encuentra «activación».

Se registra en ``_config.yml`` (``sphinx.local_extensions``) junto a ``cacheguard``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import sphinxcontrib.bibtex.plugin
from docutils import nodes
from pybtex.plugin import register_plugin
from pybtex.richtext import Symbol
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting.unsrt import date, pages
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.formatting import toplevel
from pybtex.style.template import (field as bib_field, first_of, join, names, optional,
                                   optional_field, sentence, tag, words)
from sphinx.search.es import SearchSpanish
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

from cnnlab.glue import thousands


# ------------------------------------------------------------------ bibliografía


def _last_names(entry) -> list[str]:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    return [" ".join(t.render_as("text") for t in p.rich_prelast_names + p.rich_last_names)
            for p in people]


def author_year_label(entry) -> str:
    """«Kingma y Ba, 2015», «He et al., 2016»: la misma forma que las citas del texto."""
    last = _last_names(entry)
    if not last:
        who = entry.fields.get("institution") or entry.fields.get("title", "?")
    elif len(last) == 1:
        who = last[0]
    elif len(last) == 2:
        who = f"{last[0]} y {last[1]}"
    else:
        who = f"{last[0]} et al."
    return f"{who}, {entry.fields.get('year', 's. f.')}"


class AuthorYearLabels(BaseLabelStyle):
    """Etiquetas autor-año; dos obras con la misma etiqueta reciben «a», «b»…"""

    def format_labels(self, sorted_entries):
        labels = [author_year_label(e) for e in sorted_entries]
        seen: dict[str, int] = {}
        for label in labels:
            seen[label] = seen.get(label, 0) + 1
        counter: dict[str, int] = {}
        for label in labels:
            if seen[label] == 1:
                yield label
            else:
                counter[label] = counter.get(label, 0) + 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[counter[label] - 1]


class SpanishStyle(UnsrtStyle):
    """El estilo ``unsrt`` de pybtex con las palabras en español."""

    default_label_style = "autor_anio"
    default_sorting_style = "author_year_title"

    def format_names(self, role, as_sentence=True):
        formatted = names(role, sep=", ", sep2=" y ", last_sep=" y ")
        return sentence[formatted] if as_sentence else formatted

    def get_article_template(self, e):
        volume_and_pages = first_of[
            optional[join[bib_field("volume"), optional["(", bib_field("number"), ")"],
                          ":", pages]],
            words["págs.", pages],
        ]
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[tag("em")[bib_field("journal")], optional[volume_and_pages], date],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def format_editor(self, e, as_sentence=True):
        editors = self.format_names("editor", as_sentence=False)
        if "editor" not in e.persons:
            return editors
        word = "eds." if len(e.persons["editor"]) > 1 else "ed."
        result = join(sep=", ")[editors, word]
        return sentence[result] if as_sentence else result

    def format_volume_and_series(self, e, as_sentence=True):
        result = first_of[
            optional[words["volumen", bib_field("volume"),
                           optional[words["de", bib_field("series")]]]],
            optional[words[join(sep=Symbol("nbsp"))["número", bib_field("number")],
                           optional[words["en", bib_field("series")]]]],
            optional_field("series"),
        ]
        return sentence(capfirst=True)[result] if as_sentence else result

    def format_chapter_and_pages(self, e):
        return join(sep=", ")[optional[words["capítulo", bib_field("chapter")]],
                              optional[words["págs.", pages]]]

    def _in(self, e, last):
        return words[
            "En",
            sentence[optional[self.format_editor(e, as_sentence=False)],
                     self.format_btitle(e, "booktitle", as_sentence=False),
                     self.format_volume_and_series(e, as_sentence=False),
                     last],
        ]

    def get_inproceedings_template(self, e):
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            words[self._in(e, optional[pages]),
                  self.format_address_organization_publisher_date(e)],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def get_incollection_template(self, e):
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            self._in(e, self.format_chapter_and_pages(e)),
            sentence[optional_field("publisher"), optional_field("address"), date],
            self.format_web_refs(e),
        ]

    def get_techreport_template(self, e):
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            sentence[words[first_of[optional_field("type"), "Informe técnico"],
                           optional_field("number")],
                     bib_field("institution"), optional_field("address"), date],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]


def _spanish_person() -> PersonStyle:
    return PersonStyle(sep2=" y ", last_sep=" y ")


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclass
class SpanishAuthorYear(AuthorYearReferenceStyle):
    """Citas autor-año entre paréntesis, «y» entre dos autores, *et al.* desde tres."""

    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_textual: BracketStyle = field(default_factory=_round)
    person: PersonStyle = field(default_factory=_spanish_person)


# ------------------------------------------------------ miles y signo menos

#: Desde cuatro cifras, como :func:`cnnlab.glue.thousands` y la prosa («1 563 pasos»). Un año
#: pegado también llevaría espacio: los años se escriben en la prosa (ningún capítulo pega uno).
_BARE_NUMBER = re.compile(r"(-?\d{4,})(\.\d+)?")


def thin_thousands(text: str) -> str:
    """«23587712» → «23 587 712», «1563» → «1 563», «3008.5» → «3 008.5»; otro texto
    (números de menos de cuatro cifras enteras, palabras) no cambia.

    El formato es el de :func:`cnnlab.glue.thousands`, el mismo que usan los capítulos.
    """
    match = _BARE_NUMBER.fullmatch(text)
    if match is None:
        return text
    return thousands(int(match.group(1))) + (match.group(2) or "")


#: Un guion que hace de signo menos: antes de una cifra, al principio o tras un espacio, un
#: paréntesis o un signo igual. «1e-05», «2012-2015» y «B0-B7» no cambian.
_MINUS = re.compile(r"(?<![^\s(=])-(?=\d)")


def typographic_minus(text: str) -> str:
    """«-4.4» → «−4.4» (U+2212, el signo menos): el guion de Python no es un signo menos."""
    return _MINUS.sub("\u2212", text)


#: Notación científica de Python pegada como texto: «3e-06», «1.2e-05», «0e+00».
_SCIENTIFIC = re.compile(r"(-?\d+(?:\.\d+)?)e([+-]?\d+)")
_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076"
                                            "\u2077\u2078\u2079")


def scientific(text: str) -> str:
    """«3e-06» → «3 × 10⁻⁶», «1.2e-05» → «1.2 × 10⁻⁵», «0e+00» → «0»; otro texto no cambia.

    Es como se escribe en la prosa (la notación de Python queda para el código y sus salidas).
    Los espacios alrededor de «×» no se parten al final de una línea.
    """
    match = _SCIENTIFIC.fullmatch(text)
    if match is None:
        return text
    mantissa, exponent = match.groups()
    if float(mantissa) == 0:
        return "0"
    power = str(int(exponent)).translate(_SUPERSCRIPT)
    return f"{mantissa}\u00a0×\u00a010{power}"


def pasted_text(text: str) -> str:
    """Lo que se ve de un valor pegado: miles con espacio fino, notación científica escrita
    como en la prosa y el signo menos tipográfico.

    Lo usan la web (al resolver cada ``{glue:text}``) y los cuadernos (:mod:`render`); la
    ejecución guardada no cambia.
    """
    return typographic_minus(scientific(thin_thousands(text)))


def _format_pasted(app, doctree, docname) -> None:
    for node in doctree.findall(nodes.inline):
        if "pasted-text" in node.get("classes", []) and len(node.children) == 1:
            old = node.astext()
            new = pasted_text(old)
            if new != old:
                node.children[0].parent = None
                node.replace(node.children[0], nodes.Text(new))


# ------------------------------------------------------------------ búsqueda


def fold(word: str) -> str:
    """Quita acentos y diéresis (y la tilde de la ñ): «Normalización» → «Normalizacion»."""
    return "".join(c for c in unicodedata.normalize("NFD", word)
                   if unicodedata.category(c) != "Mn")


#: El «lematizador» de la búsqueda en el navegador: minúsculas y sin acentos, igual que
#: :meth:`FoldingSpanish.stem`. No recorta sufijos: el lematizador español de Snowball que
#: trae Sphinx en JavaScript es más antiguo que el de Python y no recorta igual las
#: palabras sin acento, así que índice y consulta no coincidirían; la búsqueda de Sphinx
#: ya encuentra palabras que empiezan igual («activacion» encuentra «activaciones»).
FOLDING_STEMMER_JS = """
Stemmer = function () {
  this.stemWord = function (w) {
    return w.toLowerCase().normalize('NFD').replace(/[\\u0300-\\u036f]/g, '');
  };
};
"""


class FoldingSpanish(SearchSpanish):
    """Búsqueda en español que no distingue mayúsculas ni vocales con o sin acento."""

    js_stemmer_rawcode = ""
    js_stemmer_code = FOLDING_STEMMER_JS

    def stem(self, word: str) -> str:
        return fold(word.lower())


def setup(app):
    register_plugin("pybtex.style.labels", "autor_anio", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "espanol", SpanishStyle)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "autor_anio", SpanishAuthorYear)
    app.add_search_language(FoldingSpanish)
    app.connect("doctree-resolved", _format_pasted)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
