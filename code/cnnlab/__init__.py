"""cnnlab: paquete compañero del libro «Redes convolucionales II».

Un concepto por módulo: ``runtime`` (modo, semillas, procedencia), ``data`` (CIFAR-10,
MNIST), ``models`` (las redes de la clase), ``training`` (compilar, entrenar, registrar),
``plots`` (gráficas en español) y ``glue`` (valores para la prosa del libro).
"""

from cnnlab.runtime import quiet_logs as _quiet_logs

__version__ = "0.1.0"

_quiet_logs()  # antes de que cualquier módulo importe Keras
