"""Las redes de la clase para CIFAR-10, versiones 1 a 5, escritas con la API funcional de Keras.

Cada función devuelve un ``keras.Model`` sin compilar, idéntico al de la clase. Los
capítulos muestran el código de cada versión en línea; este módulo es la referencia
probada que reutilizan los capítulos posteriores.
"""

from __future__ import annotations

import keras
from keras import layers, models

NUM_CLASSES = 10
INPUT_SHAPE = (32, 32, 3)


def cifar10_v1(num_classes: int = NUM_CLASSES) -> keras.Model:
    """Versión 1: dos convoluciones con paso 2 y **sin** activación (lineales)."""
    input_layer = layers.Input(INPUT_SHAPE)
    x = layers.Conv2D(filters=10, kernel_size=(4, 4), strides=2, padding="same")(input_layer)
    x = layers.Conv2D(filters=20, kernel_size=(3, 3), strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    output_layer = layers.Dense(num_classes, activation="softmax")(x)
    return models.Model(input_layer, output_layer, name="cifar10_v1")


def cifar10_v2(num_classes: int = NUM_CLASSES) -> keras.Model:
    """Versión 2: la versión 1 con ReLU tras cada convolución."""
    input_layer = layers.Input(INPUT_SHAPE)
    x = layers.Conv2D(10, (4, 4), strides=2, padding="same", activation="relu")(input_layer)
    x = layers.Conv2D(20, (3, 3), strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    output_layer = layers.Dense(num_classes, activation="softmax")(x)
    return models.Model(input_layer, output_layer, name="cifar10_v2")


def _v3_body(x, batch_norm: bool):
    """Cuatro convoluciones 3×3 (32, 32, 64, 64; pasos 1, 2, 1, 2) y Dense(128)."""
    for filters, strides in ((32, 1), (32, 2), (64, 1), (64, 2)):
        x = layers.Conv2D(filters, (3, 3), strides=strides, padding="same")(x)
        if batch_norm:
            x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(128)(x)
    if batch_norm:
        x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)


def cifar10_v3(num_classes: int = NUM_CLASSES) -> keras.Model:
    """Versión 3: más profunda (cuatro convoluciones con ReLU y una capa densa de 128)."""
    input_layer = layers.Input(INPUT_SHAPE)
    x = _v3_body(input_layer, batch_norm=False)
    output_layer = layers.Dense(num_classes, activation="softmax")(x)
    return models.Model(input_layer, output_layer, name="cifar10_v3")


def data_augmentation_cifar10() -> keras.Sequential:
    """El aumento de datos de la clase: volteo horizontal y traslación de hasta 10 %.

    Las capas aleatorias de Keras solo actúan en entrenamiento; en inferencia son la identidad.
    """
    return keras.Sequential([layers.RandomFlip("horizontal"),
                             layers.RandomTranslation(0.1, 0.1)], name="data_augmentation")


def cifar10_v4(num_classes: int = NUM_CLASSES) -> keras.Model:
    """Versión 4: la versión 3 con aumento de datos."""
    input_layer = layers.Input(INPUT_SHAPE)
    x = data_augmentation_cifar10()(input_layer)
    x = _v3_body(x, batch_norm=False)
    output_layer = layers.Dense(num_classes, activation="softmax")(x)
    return models.Model(input_layer, output_layer, name="cifar10_v4")


def cifar10_v5(num_classes: int = NUM_CLASSES, dropout: float = 0.5) -> keras.Model:
    """Versión 5: la versión 4 con normalización por lotes antes de cada ReLU y Dropout(0.5)."""
    input_layer = layers.Input(INPUT_SHAPE)
    x = data_augmentation_cifar10()(input_layer)
    x = _v3_body(x, batch_norm=True)
    x = layers.Dropout(dropout)(x)
    output_layer = layers.Dense(num_classes, activation="softmax")(x)
    return models.Model(input_layer, output_layer, name="cifar10_v5")


CIFAR10_VERSIONS = {1: cifar10_v1, 2: cifar10_v2, 3: cifar10_v3, 4: cifar10_v4, 5: cifar10_v5}


def cifar10(version: int, num_classes: int = NUM_CLASSES) -> keras.Model:
    """La versión ``version`` (1 a 5) de la red de la clase para CIFAR-10."""
    if version not in CIFAR10_VERSIONS:
        raise ValueError(f"No existe la versión {version!r}: elige una de 1, 2, 3, 4 o 5.")
    return CIFAR10_VERSIONS[version](num_classes)


# ------------------------------------------------------------------ MNIST: pooling frente a paso

MNIST_INPUT_SHAPE = (28, 28, 1)


def data_augmentation_mnist(translation: float = 0.1, rotation: float = 0.03,
                            zoom: float = 0.1) -> keras.Sequential:
    """El bloque ``data_aug`` de la red de MNIST, que las diapositivas no definen.

    Elegimos transformaciones que **conservan la clase de un dígito**:

    * traslaciones pequeñas (hasta 10 % del lado, unos 3 píxeles sobre la imagen de 32×32
      ya rellenada): la misma cifra escrita un poco más a un lado sigue siendo la misma;
    * rotaciones pequeñas (``rotation=0.03`` de vuelta, unos ±11°): la inclinación natural
      de la escritura a mano;
    * un zoom pequeño (±10 %): dígitos algo más grandes o más pequeños.

    **Nunca volteos**: un 2, un 3, un 5 o un 7 en espejo no son dígitos, y una rotación de
    180° convierte un 6 en un 9. Tampoco rotaciones grandes, por la misma razón. El
    relleno es constante con ceros (``fill_mode="constant"``): el fondo de MNIST es negro y
    el relleno por reflexión (el de Keras por omisión) duplicaría trazos en los bordes.
    Las capas aleatorias solo actúan en entrenamiento; en inferencia son la identidad.
    """
    return keras.Sequential([
        layers.RandomTranslation(translation, translation, fill_mode="constant"),
        layers.RandomRotation(rotation, fill_mode="constant"),
        layers.RandomZoom(zoom, fill_mode="constant"),
    ], name="data_aug")


def mnist_pooling(num_classes: int = NUM_CLASSES, augment: bool = True) -> keras.Model:
    """La red de MNIST de la clase: tres bloques convolución + ``MaxPooling2D(2)`` y tres densas.

    Entrada 28×28×1 → ``ZeroPadding2D(2)`` (32×32) → aumento de datos → Conv(16, 5×5,
    valid) → pool → Conv(32, 5×5, same) → pool → Conv(64, 5×5, same) → pool → Flatten →
    Dense(120) → Dense(84) → Dense(10, softmax); ReLU en todas salvo la salida.
    Formas espaciales: 32 → 28 → 14 → 14 → 7 → 7 → 3. ``augment=False`` quita el aumento.
    """
    input_layer = layers.Input(shape=MNIST_INPUT_SHAPE)
    x = layers.ZeroPadding2D(padding=2)(input_layer)
    if augment:
        x = data_augmentation_mnist()(x)
    x = layers.Conv2D(filters=16, kernel_size=(5, 5), padding="valid", strides=(1, 1),
                      activation="relu")(x)
    x = layers.MaxPooling2D(pool_size=(2, 2))(x)
    x = layers.Conv2D(filters=32, kernel_size=(5, 5), padding="same", strides=(1, 1),
                      activation="relu")(x)
    x = layers.MaxPooling2D(pool_size=(2, 2))(x)
    x = layers.Conv2D(64, kernel_size=(5, 5), padding="same", strides=(1, 1), activation="relu")(x)
    x = layers.MaxPooling2D(pool_size=(2, 2))(x)
    x = layers.Flatten()(x)
    x = layers.Dense(120, activation="relu")(x)
    x = layers.Dense(84, activation="relu")(x)
    output_layer = layers.Dense(num_classes, activation="softmax")(x)
    return models.Model(inputs=input_layer, outputs=output_layer, name="mnist_pooling")


def mnist_strided(num_classes: int = NUM_CLASSES, augment: bool = True) -> keras.Model:
    """La contraparte con paso: cada pareja convolución + ``MaxPooling2D(2)`` se cambia por
    la **misma** convolución con ``strides=2`` y sin capa de agrupamiento.

    Así las dos redes tienen los mismos filtros (mismo número y tamaño, los mismos
    parámetros convolucionales) y reducen la resolución a la mitad en los mismos tres
    puntos; lo único que cambia es *cómo* se reduce: con una regla fija (el máximo) o con
    los pesos aprendidos de la convolución, que además calcula cuatro veces menos
    posiciones. Formas espaciales: 32 → 14 → 7 → 4. La última es 4 y no 3 porque
    ``"same"`` con paso 2 redondea hacia arriba (``ceil(7/2)``) y el pooling ``"valid"``
    hacia abajo (``floor(7/2)``); por eso la primera densa tiene más entradas.
    """
    input_layer = layers.Input(shape=MNIST_INPUT_SHAPE)
    x = layers.ZeroPadding2D(padding=2)(input_layer)
    if augment:
        x = data_augmentation_mnist()(x)
    x = layers.Conv2D(filters=16, kernel_size=(5, 5), padding="valid", strides=(2, 2),
                      activation="relu")(x)
    x = layers.Conv2D(filters=32, kernel_size=(5, 5), padding="same", strides=(2, 2),
                      activation="relu")(x)
    x = layers.Conv2D(64, kernel_size=(5, 5), padding="same", strides=(2, 2), activation="relu")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(120, activation="relu")(x)
    x = layers.Dense(84, activation="relu")(x)
    output_layer = layers.Dense(num_classes, activation="softmax")(x)
    return models.Model(inputs=input_layer, outputs=output_layer, name="mnist_strided")
