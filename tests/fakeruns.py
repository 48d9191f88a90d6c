"""Salidas fabricadas de una «ejecución completa» para las pruebas de ``bookcache``."""

import nbformat

import bookcache
from cnnlab import fingerprint

#: Los módulos de cnnlab que «importó» la ejecución fabricada.
MODULES = ["cnnlab", "cnnlab.runs"]


def glue_output(name: str, value) -> nbformat.NotebookNode:
    """La salida que deja ``myst_nb.glue`` para ``name``."""
    return nbformat.v4.new_output(
        "display_data", data={"application/papermill.record/text/plain": repr(value)},
        metadata={"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}})


def provenance_outputs(mode: str = "completo",
                       modules: list[str] | None = MODULES) -> list[nbformat.NotebookNode]:
    """El bloque de procedencia y, salvo con ``modules=None``, la huella del paquete."""
    outputs = [nbformat.v4.new_output(
        "stream", name="stdout", text=f"Procedencia de esta ejecución\n  Modo:        {mode}\n")]
    if modules is not None:
        outputs += [glue_output("prov_paquete_modulos", modules),
                    glue_output("prov_paquete_huella", fingerprint.digest(modules))]
    return outputs


def store_run(chapter, cache_dir, modules: list[str] | None = MODULES, glue: dict | None = None,
              name: str = "a") -> nbformat.NotebookNode:
    """Guarda en ``cache_dir`` una «ejecución completa» de ``chapter``: su código, el bloque
    de procedencia (con la huella de ``modules``) y lo que pegó (``glue``, nombre → valor)."""
    nb = bookcache.read_chapter(chapter)
    full = nbformat.from_dict(nb)
    code = [c for c in full.cells if c.cell_type == "code"]
    code[-1].outputs = provenance_outputs(modules=modules)
    code[-1].outputs += [glue_output(key, value) for key, value in (glue or {}).items()]
    merged = bookcache.merged(nb, full, name)
    bookcache.store(chapter, merged, 1.0, cache_dir)
    return merged
