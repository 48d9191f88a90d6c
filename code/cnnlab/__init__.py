"""cnnlab: paquete compañero del libro «Redes convolucionales II».

Un concepto por módulo: ``runtime`` (modo, semillas, procedencia), ``data`` (CIFAR-10,
MNIST), ``models`` (las redes de la clase), ``training`` (compilar, entrenar, registrar),
``plots`` (gráficas en español) y ``glue`` (valores para la prosa del libro).
"""

from cnnlab.runtime import quiet_env as _quiet_env

__version__ = "0.1.0"

_quiet_env()  # antes de que cualquier módulo importe Keras; los filtros de avisos, en setup()
