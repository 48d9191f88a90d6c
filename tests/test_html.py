"""La web como la ve un lector: cada página en Chromium sin cabeza, a 1280 px de ancho.

Comprueba en el navegador (con el CSS y el JavaScript del tema aplicados) que ningún bloque
de código o de salida obliga a desplazarse de lado, que cada figura tiene un pie o un texto
alternativo hecho de palabras, que no quedan textos del tema en inglés y que ninguna página
lanza errores de JavaScript. Necesita el paquete ``chromium`` de Debian (lo instala
``.ci/run``) y ``playwright`` (está en requirements.txt).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest


pytestmark = pytest.mark.book

#: Textos en inglés que el tema o sus extensiones ponen en la interfaz si nadie los traduce.
ENGLISH_CHROME = ("Search", "search this book", "Launch", "Download", "Contents", "Print to PDF",
                  "Fullscreen", "Toggle", "Previous", "Next", "Document", "Modified", "Method",
                  "Run Time", "Status", "Back to top", "Skip to main content", "By ",
                  "Open an issue", "repository", "Copy", "Copied", "light", "dark",
                  "Type", "Section Navigation", "On this page", "Show source", "Link to this heading",
                  "Page", "Main")

#: Textos de enlaces y botones que el tema pone dentro del artículo (figuras, ecuaciones,
#: bloques plegables), fuera de las zonas de :data:`ENGLISH_CHROME`: no deben aparecer en
#: ningún atributo de la página ni en el HTML o los scripts publicados.
ENGLISH_ANYWHERE = ("Link to this heading", "Link to this image", "Link to this equation",
                    "Toggle hidden content")


#: Lo que mide el navegador en cada página (se evalúa dentro de la página).
MEASURE = r"""
() => {
  const main = document.querySelector("article") || document.body;
  const wide = [], wrapped = [];
  for (const pre of main.querySelectorAll("div.cell pre, div.output pre, div.cell_output pre")) {
    if (pre.scrollWidth > pre.clientWidth + 1) {
      wide.push(pre.textContent.split("\n").find(l => l.length > 79) || pre.textContent.slice(0, 80));
    }
    // El CSS parte las líneas largas: una copia sin partir dice si alguna no cabe en la columna.
    const probe = pre.cloneNode(true);
    probe.style.whiteSpace = "pre";
    probe.style.overflowX = "auto";
    probe.style.position = "absolute";
    probe.style.visibility = "hidden";
    probe.style.width = pre.getBoundingClientRect().width + "px";
    pre.parentNode.appendChild(probe);
    if (probe.scrollWidth > probe.clientWidth + 1) {
      wrapped.push(probe.textContent.split("\n").reduce((a, b) => b.length > a.length ? b : a, ""));
    }
    probe.remove();
  }
  const figures = [];
  for (const img of main.querySelectorAll("img")) {
    const fig = img.closest("figure");
    const caption = fig && fig.querySelector("figcaption") ? fig.querySelector("figcaption").textContent.trim() : "";
    figures.push({alt: img.getAttribute("alt") || "", caption: caption, src: img.getAttribute("src")});
  }
  const chrome = [];
  for (const el of document.querySelectorAll("header, nav, .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article, .prev-next-area, footer, dialog, .search-button, .bd-search, table")) {
    chrome.push(el.innerText || "");
    for (const node of el.querySelectorAll("[placeholder], [title], [aria-label], [data-bs-title], [data-bs-original-title]")) {
      for (const a of ["placeholder", "title", "aria-label", "data-bs-title", "data-bs-original-title"]) {
        if (node.getAttribute(a)) chrome.push(node.getAttribute(a));
      }
    }
  }
  const attributes = [];
  for (const node of document.querySelectorAll("[placeholder], [title], [aria-label], [data-bs-title], [data-bs-original-title]")) {
    for (const a of ["placeholder", "title", "aria-label", "data-bs-title", "data-bs-original-title"]) {
      if (node.getAttribute(a)) attributes.push(node.getAttribute(a));
    }
  }
  const searchInputs = [...document.querySelectorAll("input[type=search], input[name=q]")].filter(
    i => i.offsetParent !== null).length;
  return {wide: wide, wrapped: wrapped, figures: figures, chrome: chrome, attributes: attributes,
          searchInputs: searchInputs};
}
"""


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Falta Chromium o playwright: instala el paquete «chromium» de Debian "
                        "y las dependencias de requirements.txt (lo hace .ci/run).")
        pytest.skip("Sin Chromium o playwright en esta máquina (apt-get install chromium).")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()


def pages(site: Path) -> list[Path]:
    return sorted((site / "book").glob("*.html"))


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]{2,}", text)


def test_pages_read_well_at_1280_px(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems = []
    checked = 0
    for path in pages(site):
        errors.clear()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(150)
        found = page.evaluate(MEASURE)
        name = path.stem
        checked += 1
        for line in found["wide"]:
            problems.append(f"{name}: bloque que se desplaza de lado: {line[:90]!r}")
        if found["wrapped"]:  # el CSS las parte: no se desplazan, pero se leen mal
            problems.append(f"{name}: {len(found['wrapped'])} bloques con líneas que no caben en "
                            f"la columna; la más larga: {max(found['wrapped'], key=len)[:90]!r}")
        for fig in found["figures"]:
            alt, caption = fig["alt"], fig["caption"]
            pathlike = "/" in alt or alt.endswith(".png")
            if len(words(caption)) < 3 and (pathlike or len(words(alt)) < 3):
                problems.append(f"{name}: figura sin pie ni texto alternativo: {fig['src']}")
        chrome = "\n".join(found["chrome"])
        for english in ENGLISH_CHROME:
            if re.search(rf"(?<![\w-]){re.escape(english)}(?![\w-])", chrome):
                problems.append(f"{name}: texto del tema en inglés: {english!r}")
        attributes = "\n".join(found["attributes"])
        for english in ENGLISH_ANYWHERE:
            if english in attributes:
                problems.append(f"{name}: texto del tema en inglés en un atributo: {english!r}")
        if re.search(r"\bpagina\b", chrome, flags=re.IGNORECASE):
            problems.append(f"{name}: «pagina» sin acento")
        if found["searchInputs"] > 1:
            problems.append(f"{name}: {found['searchInputs']} barras de búsqueda visibles")
        for err in errors:
            problems.append(f"{name}: error de JavaScript: {err[:120]}")
    assert checked >= 12
    assert not problems, "\n".join(problems[:60]) + f"\n({len(problems)} en total)"


def test_no_english_link_titles_in_built_files(site):
    """Sin navegador: ni las páginas ni los scripts del tema llevan :data:`ENGLISH_ANYWHERE`.

    Cubre también los botones que un script crea solo en las páginas que los usan
    (``togglebutton.js``).
    """
    files = sorted(site.rglob("*.html")) + sorted((site / "_static").glob("*.js"))
    assert any(f.name == "togglebutton.js" for f in files)
    problems = [f"{f.relative_to(site)}: {english!r}" for f in files
                for english in ENGLISH_ANYWHERE if english in f.read_text(encoding="utf-8")]
    assert not problems, "\n".join(problems)


def test_search_ignores_accents(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    results = {}
    for query in ("activacion", "activación", "normalizacion"):
        page.goto((site / "search.html").as_uri() + f"?q={query}", wait_until="load")
        page.wait_for_selector("#search-results p, #search-results .search-summary",
                               timeout=20000)
        page.wait_for_timeout(500)
        results[query] = page.eval_on_selector_all("#search-results li", "els => els.length")
    assert results["activacion"] > 0 and results["normalizacion"] > 0, results
    assert results["activacion"] == results["activación"], json.dumps(results)
