"""Salidas fabricadas de una «ejecución completa» para las pruebas de ``bookcache``."""

import nbformat

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
