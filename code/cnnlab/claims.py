"""Afirmaciones de un capítulo comprobadas con los números de la ejecución.

Un capítulo que dice «la versión 4 supera a la 3» lo comprueba con :class:`Claims` en lugar
de afirmarlo en la prosa: cada comprobación imprime una línea, pega su veredicto (myst-nb)
para que la prosa lo cite y queda anotada. Si una afirmación no se cumple, el capítulo no se
detiene: imprime una línea que empieza por :data:`FAILED`, explica por qué puede pasar y
sigue. Las pruebas del libro buscan esa marca en las salidas (modo rápido y caché).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnnlab.glue import glue_value

#: Comienzo de la línea que imprime una afirmación que no se cumple en esta ejecución.
FAILED = "✗ No se cumple"
#: Comienzo de la línea de una afirmación que se cumple.
HOLDS = "✓ Se cumple"


@dataclass
class Claims:
    """Las afirmaciones de un capítulo, con el prefijo de sus valores pegados (``comp``)."""

    prefix: str
    results: dict[str, bool] = field(default_factory=dict)

    def check(self, key: str, statement: str, holds: bool) -> bool:
        """Comprueba una afirmación: imprime el veredicto y pega ``{prefix}_{key}`` y su texto.

        ``statement`` es la afirmación en español («la versión 2 supera a la 1 en prueba»);
        ``holds`` es el resultado de compararla con los números de esta ejecución.
        """
        if not isinstance(statement, str) or not statement.strip():
            raise ValueError("statement debe ser la afirmación en español, un texto no vacío.")
        if key in self.results:
            raise ValueError(f"La afirmación {key!r} ya se comprobó: usa otra clave.")
        holds = bool(holds)
        self.results[key] = holds
        glue_value(f"{self.prefix}_{key}", holds)
        glue_value(f"{self.prefix}_{key}_texto", "se cumple" if holds else "no se cumple")
        print(f"{HOLDS if holds else FAILED}: {statement}.")
        return holds

    @property
    def n_holds(self) -> int:
        """Cuántas afirmaciones se cumplen."""
        return sum(self.results.values())

    def summary(self, label: str = "afirmaciones") -> bool:
        """Pega ``{prefix}_{label}_cumplidas``, ``_total`` y ``_veredicto``; ``True`` si se cumplen todas."""
        total = len(self.results)
        if total == 0:
            raise ValueError("No se comprobó ninguna afirmación: llama antes a check().")
        everything = self.n_holds == total
        glue_value(f"{self.prefix}_{label}_cumplidas", self.n_holds)
        glue_value(f"{self.prefix}_{label}_total", total)
        glue_value(f"{self.prefix}_{label}_veredicto",
                   "se cumplen todas" if everything else "no se cumplen todas")
        if not everything:
            print(f"{FAILED} todo: {self.n_holds} de {total} afirmaciones. Con otra semilla, "
                  "otro hardware o menos datos y épocas los números cambian; compara con la "
                  "ejecución completa publicada en la web del libro.")
        return everything
