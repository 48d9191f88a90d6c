"""Extensión de Sphinx: ninguna construcción del libro ejecuta capítulos.

``_config.yml`` la carga (``sphinx.local_extensions``), así que protege cualquier camino de
construcción, también un ``jupyter-book build .`` directo. Al iniciar, copia ``cache/`` a la
caché que myst-nb va a leer y comprueba que cada capítulo del índice tiene ahí una ejecución
completa de su código actual y del paquete que usó. Si alguno no la tiene, la construcción
se detiene con un mensaje en español que nombra los capítulos y el comando que los refresca,
antes de que myst-nb pueda ejecutar nada.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def check_cache(app, config) -> None:
    import bookcache
    from sphinx.errors import ConfigError

    # La misma carpeta que usará myst-nb (myst_nb.sphinx_ext): la opción, o _build/.jupyter_cache.
    target = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    if not target.is_absolute():
        target = Path(app.confdir) / target
    states = bookcache.status(bookcache.copy_cache(target))
    bad = {name: state for name, state in states.items() if state != "al día"}
    if bad:
        lines = [f"  {name}: {state}  →  make execute CHAPTER={name}" for name, state in bad.items()]
        raise ConfigError("El libro no se construye con salidas viejas o rápidas, y construir "
                          "nunca ejecuta capítulos. Estos no tienen en cache/ una ejecución "
                          "completa de su código actual:\n" + "\n".join(lines))


def setup(app):
    app.connect("config-inited", check_cache)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
