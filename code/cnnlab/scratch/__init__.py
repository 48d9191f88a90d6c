"""Implementaciones desde cero con NumPy, para entender lo que hacen las capas de Keras.

Un concepto por módulo: ``convolution`` (convolución 2D con paso y relleno), ``pooling``
(agrupamiento máximo y promedio, y el experimento de traslaciones), ``normalization``
(normalización por lotes) y ``regularization`` (dropout invertido). Cada uno se comprueba
contra Keras en las pruebas.
"""
