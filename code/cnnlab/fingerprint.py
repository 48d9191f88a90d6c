"""La huella del paquete: qué código de ``cnnlab`` usó una ejecución.

La huella de un módulo se calcula sobre su **código**, no sobre su texto: se quitan los
comentarios, los *docstrings* y el formato (se compara el árbol sintáctico), así que
corregir una explicación no cambia la huella y cambiar un valor, una llamada o un mensaje
impreso sí. La huella de una ejecución combina las de los módulos de ``cnnlab`` que el
capítulo tenía importados al terminar; la caché del libro la guarda con cada ejecución
completa y deja de dar por buenas las salidas si alguno de esos módulos cambia.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import sys
from pathlib import Path

PACKAGE = "cnnlab"
#: Caracteres de la huella corta que imprime el bloque de procedencia.
SHORT = 12


def code_digest(source: str) -> str:
    """SHA-256 del árbol sintáctico de ``source`` sin *docstrings* (ni comentarios ni formato)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.dump(tree, include_attributes=False).encode()).hexdigest()


def module_file(name: str, root: Path | None = None) -> Path | None:
    """El archivo ``.py`` de un módulo de ``cnnlab`` (en ``root``, la carpeta que contiene
    el paquete, o donde Python lo encuentra); ``None`` si ya no existe."""
    if root is not None:
        base = Path(root, *name.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return Path(spec.origin) if spec and spec.origin and spec.origin.endswith(".py") else None


def digest(modules: list[str], root: Path | None = None) -> str:
    """La huella de un conjunto de módulos: cambia si cambia el código de cualquiera de ellos.

    Un módulo que ya no existe cuenta como cambiado.
    """
    total = hashlib.sha256()
    for name in sorted(set(modules)):
        path = module_file(name, root)
        code = code_digest(path.read_text(encoding="utf-8")) if path else "(no existe)"
        total.update(f"{name}:{code}\n".encode())
    return total.hexdigest()


def imported_modules() -> list[str]:
    """Los módulos de ``cnnlab`` importados en este proceso, en orden alfabético."""
    return sorted(name for name in sys.modules
                  if name == PACKAGE or name.startswith(PACKAGE + "."))
