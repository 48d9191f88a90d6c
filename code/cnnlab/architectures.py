"""Arquitecturas históricas (AlexNet, GoogLeNet), sus bloques y las cuentas que las comparan.

Contiene:

* :func:`alexnet`: AlexNet de una sola torre (5 convoluciones + 3 densas) o con las
  convoluciones agrupadas que imitan el reparto original en dos GPU.
* :func:`inception_block` y :func:`googlenet`: el bloque Inception y la red GoogLeNet.
* :func:`residual_block`: el bloque residual básico y el de cuello de botella (*bottleneck*).
* Cuentas sobre cualquier modelo de Keras: :func:`count_params`, :func:`count_weight_layers`,
  :func:`depth` (capas con pesos en el camino más largo) y :func:`count_macs`
  (multiplicaciones-sumas por imagen).
* El escalamiento compuesto (*compound scaling*) de EfficientNet: :func:`compound_scaling`
  frente a las configuraciones reales B0..B7 (:data:`EFFICIENTNET_CONFIGS`).
* :data:`CLASS_IMAGENET_TOP5`: la tabla de exactitud top-5 en ImageNet que mostró la clase.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
from keras import layers, models

from cnnlab.validation import positive_int

#: Exactitud top-5 en ImageNet según la tabla de la clase (números de la clase, no nuestros).
CLASS_IMAGENET_TOP5: dict[str, dict[str, float | int]] = {
    "AlexNet": {"year": 2012, "top5": 84.7},
    "VGG-16": {"year": 2014, "top5": 92.7},
    "GoogLeNet": {"year": 2014, "top5": 93.3},
    "ResNet": {"year": 2015, "top5": 96.4},
}

#: Parámetros aproximados que citó la clase (números de la clase, en millones).
CLASS_PARAMS_MILLIONS: dict[str, float] = {"AlexNet": 60, "VGG-16": 138, "GoogLeNet": 4}

#: Configuraciones reales de EfficientNet en ``keras.applications``:
#: (coeficiente de anchura, coeficiente de profundidad, resolución de entrada).
EFFICIENTNET_CONFIGS: dict[str, tuple[float, float, int]] = {
    "B0": (1.0, 1.0, 224),
    "B1": (1.0, 1.1, 240),
    "B2": (1.1, 1.2, 260),
    "B3": (1.2, 1.4, 300),
    "B4": (1.4, 1.8, 380),
    "B5": (1.6, 2.2, 456),
    "B6": (1.8, 2.6, 528),
    "B7": (2.0, 3.1, 600),
}

#: Constantes de Tan y Le (2019) para el escalamiento compuesto.
ALPHA, BETA, GAMMA = 1.2, 1.1, 1.15

#: Capas cuyos pesos cuentan como «capa con pesos» y cuyas multiplicaciones se cuentan.
WEIGHT_LAYERS = (layers.Conv2D, layers.DepthwiseConv2D, layers.SeparableConv2D, layers.Dense)


# ------------------------------------------------------------------ comprobaciones


def _check_model(model) -> keras.Model:
    if not isinstance(model, keras.Model):
        raise TypeError(f"Se esperaba un keras.Model y llegó {type(model).__name__}. "
                        "Construye el modelo primero (por ejemplo, alexnet()).")
    return model


# ------------------------------------------------------------------ AlexNet


def alexnet(input_size: int = 227, num_classes: int = 1000, two_towers: bool = False,
            dropout: float = 0.5) -> keras.Model:
    """AlexNet (Krizhevsky, Sutskever y Hinton, 2012): 5 convoluciones y 3 capas densas.

    Diferencias con el original, a propósito:

    * El original repartía la red entre **dos GPU** de 3 GB: las convoluciones 2, 4 y 5 solo
      veían los canales de su propia GPU. Por omisión construimos la versión de **una sola
      torre** (cada filtro ve todos los canales); con ``two_towers=True`` imitamos el reparto
      con convoluciones agrupadas (``groups=2``), que dan la misma cuenta de parámetros que el
      original (≈ 61 M). Las capas densas sí estaban conectadas entre ambas GPU.
    * El original usaba normalización de respuesta local (LRN) tras las convoluciones 1 y 2;
      Keras no la trae y no cambia la cuenta de parámetros, así que la omitimos.
    * El artículo habla de entradas de 224×224, pero las cuentas (55×55 tras la primera
      convolución) solo cuadran con 227×227, el valor por omisión. Con 224 la red también
      funciona (mapas de 54×54 y 6400 valores al aplanar).
    """
    positive_int("input_size", input_size)
    positive_int("num_classes", num_classes)
    if input_size < 67:
        raise ValueError(f"input_size={input_size} es demasiado pequeño para AlexNet: "
                         "usa al menos 67 píxeles (lo normal es 227).")
    groups = 2 if two_towers else 1
    input_layer = layers.Input((input_size, input_size, 3))
    x = layers.Conv2D(96, (11, 11), strides=4, padding="valid", activation="relu", name="conv1")(input_layer)
    x = layers.MaxPooling2D((3, 3), strides=2, name="pool1")(x)
    x = layers.Conv2D(256, (5, 5), padding="same", activation="relu", groups=groups, name="conv2")(x)
    x = layers.MaxPooling2D((3, 3), strides=2, name="pool2")(x)
    x = layers.Conv2D(384, (3, 3), padding="same", activation="relu", name="conv3")(x)
    x = layers.Conv2D(384, (3, 3), padding="same", activation="relu", groups=groups, name="conv4")(x)
    x = layers.Conv2D(256, (3, 3), padding="same", activation="relu", groups=groups, name="conv5")(x)
    x = layers.MaxPooling2D((3, 3), strides=2, name="pool5")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(4096, activation="relu", name="fc6")(x)
    x = layers.Dropout(dropout)(x)
    x = layers.Dense(4096, activation="relu", name="fc7")(x)
    x = layers.Dropout(dropout)(x)
    output_layer = layers.Dense(num_classes, activation="softmax", name="fc8")(x)
    name = "alexnet_dos_torres" if two_towers else "alexnet"
    return models.Model(input_layer, output_layer, name=name)


# ------------------------------------------------------------------ Inception


def inception_block(x, filters_1x1: int, filters_3x3_reduce: int, filters_3x3: int,
                    filters_5x5_reduce: int, filters_5x5: int, filters_pool_proj: int,
                    name: str | None = None):
    """Bloque Inception (GoogLeNet): cuatro ramas en paralelo concatenadas por canales.

    Ramas: 1×1; 1×1 de reducción y 3×3; 1×1 de reducción y 5×5; agrupamiento máximo 3×3
    (paso 1) y proyección 1×1. Todas usan relleno ``"same"`` y ReLU, así que conservan alto y ancho;
    la salida tiene ``filters_1x1 + filters_3x3 + filters_5x5 + filters_pool_proj`` canales.
    """
    counts = {"filters_1x1": filters_1x1, "filters_3x3_reduce": filters_3x3_reduce,
              "filters_3x3": filters_3x3, "filters_5x5_reduce": filters_5x5_reduce,
              "filters_5x5": filters_5x5, "filters_pool_proj": filters_pool_proj}
    for key, value in counts.items():
        positive_int(key, value)
    if len(x.shape) != 4:
        raise ValueError(f"El bloque Inception espera un tensor 4D (lote, alto, ancho, canales) "
                         f"y recibió la forma {tuple(x.shape)}.")
    p = f"{name}_" if name else ""

    def conv(t, filters, size, suffix):
        return layers.Conv2D(filters, size, padding="same", activation="relu",
                             name=f"{p}{suffix}" if name else None)(t)

    branch1 = conv(x, filters_1x1, (1, 1), "1x1")
    branch2 = conv(conv(x, filters_3x3_reduce, (1, 1), "3x3_reduce"), filters_3x3, (3, 3), "3x3")
    branch3 = conv(conv(x, filters_5x5_reduce, (1, 1), "5x5_reduce"), filters_5x5, (5, 5), "5x5")
    pooled = layers.MaxPooling2D((3, 3), strides=1, padding="same",
                                 name=f"{p}pool" if name else None)(x)
    branch4 = conv(pooled, filters_pool_proj, (1, 1), "pool_proj")
    return layers.Concatenate(axis=-1, name=f"{p}concat" if name else None)(
        [branch1, branch2, branch3, branch4])


#: Los nueve bloques Inception de GoogLeNet (tabla 1 de Szegedy et al., 2015).
GOOGLENET_BLOCKS: dict[str, tuple[int, int, int, int, int, int]] = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


def googlenet(input_size: int = 224, num_classes: int = 1000, dropout: float = 0.4) -> keras.Model:
    """GoogLeNet (Inception v1) sin los dos clasificadores auxiliares ni la LRN.

    Tallo convolucional (7×7/2, 1×1, 3×3), nueve bloques Inception con agrupamiento máximo
    entre grupos, agrupamiento promedio global, dropout del 40 % y una capa lineal con softmax.
    """
    positive_int("input_size", input_size)
    positive_int("num_classes", num_classes)
    if input_size < 32:
        raise ValueError(f"input_size={input_size} es demasiado pequeño para GoogLeNet: usa al menos 32.")
    input_layer = layers.Input((input_size, input_size, 3))
    x = layers.Conv2D(64, (7, 7), strides=2, padding="same", activation="relu", name="conv1")(input_layer)
    x = layers.MaxPooling2D((3, 3), strides=2, padding="same")(x)
    x = layers.Conv2D(64, (1, 1), activation="relu", name="conv2_reduce")(x)
    x = layers.Conv2D(192, (3, 3), padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D((3, 3), strides=2, padding="same")(x)
    for key, filters in GOOGLENET_BLOCKS.items():
        if key in ("4a", "5a"):
            x = layers.MaxPooling2D((3, 3), strides=2, padding="same")(x)
        x = inception_block(x, *filters, name=f"inception_{key}")
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(dropout)(x)
    output_layer = layers.Dense(num_classes, activation="softmax", name="fc")(x)
    return models.Model(input_layer, output_layer, name="googlenet")


# ------------------------------------------------------------------ ResNet


def residual_block(x, filters: int, strides: int = 1, kind: str = "basic", name: str | None = None):
    """Bloque residual de ResNet: ``relu(F(x) + atajo(x))``.

    * ``kind="basic"``: dos convoluciones 3×3 con ``filters`` filtros (ResNet-18/34).
    * ``kind="bottleneck"``: 1×1 (``filters``), 3×3 (``filters``) y 1×1 (``4 * filters``),
      el cuello de botella de ResNet-50/101/152. El paso va en la 3×3 (como en la variante
      «v1.5»; el artículo original y ``keras.applications.ResNet50`` lo ponen en la primera 1×1).

    Cada convolución va seguida de normalización por lotes (sin sesgo, porque BN ya tiene
    su desplazamiento β). El atajo es la identidad si las formas coinciden; si cambian los
    canales o el paso es mayor que 1, es una **proyección**: convolución 1×1 con ese paso y BN.
    """
    positive_int("filters", filters)
    positive_int("strides", strides)
    if kind not in ("basic", "bottleneck"):
        raise ValueError(f"kind={kind!r} no existe: usa 'basic' (básico) o 'bottleneck' (cuello de botella).")
    if len(x.shape) != 4:
        raise ValueError(f"El bloque residual espera un tensor 4D (lote, alto, ancho, canales) "
                         f"y recibió la forma {tuple(x.shape)}.")
    p = (lambda s: f"{name}_{s}") if name else (lambda s: None)

    def conv_bn(t, f, size, s, suffix):
        t = layers.Conv2D(f, size, strides=s, padding="same", use_bias=False, name=p(suffix))(t)
        return layers.BatchNormalization(name=p(suffix + "_bn"))(t)

    if kind == "basic":
        out_channels = filters
        y = layers.Activation("relu")(conv_bn(x, filters, (3, 3), strides, "conv1"))
        y = conv_bn(y, filters, (3, 3), 1, "conv2")
    else:
        out_channels = 4 * filters
        y = layers.Activation("relu")(conv_bn(x, filters, (1, 1), 1, "conv1"))
        y = layers.Activation("relu")(conv_bn(y, filters, (3, 3), strides, "conv2"))
        y = conv_bn(y, out_channels, (1, 1), 1, "conv3")
    shortcut = x
    if strides != 1 or x.shape[-1] != out_channels:
        shortcut = conv_bn(x, out_channels, (1, 1), strides, "proj")
    y = layers.Add(name=p("add"))([y, shortcut])
    return layers.Activation("relu", name=p("out"))(y)


# ------------------------------------------------------------------ cuentas


def _iter_layers(model: keras.Model):
    """Las capas del modelo, entrando en los submodelos anidados."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _iter_layers(layer)
        else:
            yield layer


def count_params(model: keras.Model, trainable_only: bool = False) -> int:
    """Número de parámetros del modelo (todos, o solo los entrenables)."""
    _check_model(model)
    if trainable_only:
        return int(sum(math.prod(w.shape) for w in model.trainable_weights))
    return int(model.count_params())


def count_weight_layers(model: keras.Model) -> int:
    """Cuántas capas con pesos (convoluciones y densas) tiene el modelo en total."""
    _check_model(model)
    return sum(isinstance(layer, WEIGHT_LAYERS) for layer in _iter_layers(model))


def depth(model: keras.Model) -> int:
    """Profundidad: capas con pesos (convoluciones y densas) en el camino más largo de la
    entrada a la salida.

    Es la convención de los artículos: VGG-16 tiene 16, ResNet-50 tiene 50 (las
    proyecciones de los atajos van en paralelo y no alargan el camino) y GoogLeNet 22.
    Normalización por lotes, agrupamiento, activaciones y sumas no cuentan.
    """
    _check_model(model)
    best: dict[int, int] = {}

    def visit(m: keras.Model, offset_of) -> int:
        result = 0
        for layer in m.layers:
            parents = []
            for node in layer._inbound_nodes:
                for parent in node.parent_nodes:
                    parents.append(id(parent.operation))
            start = max((best.get(pid, 0) for pid in parents), default=offset_of)
            if isinstance(layer, keras.Model):
                value = visit(layer, start)
            else:
                value = start + int(isinstance(layer, WEIGHT_LAYERS))
            best[id(layer)] = max(best.get(id(layer), 0), value)
            result = max(result, value)
        return result

    return visit(model, 0)


def _macs_of(layer) -> int:
    out_shape = tuple(layer.output.shape)
    in_shape = tuple(layer.input.shape)
    spatial = math.prod(d for d in out_shape[1:-1])
    if isinstance(layer, layers.DepthwiseConv2D):
        kh, kw = layer.kernel_size
        return spatial * in_shape[-1] * layer.depth_multiplier * kh * kw
    if isinstance(layer, layers.SeparableConv2D):
        kh, kw = layer.kernel_size
        channels = in_shape[-1] * layer.depth_multiplier
        return spatial * (channels * kh * kw + channels * out_shape[-1])
    if isinstance(layer, layers.Conv2D):
        kh, kw = layer.kernel_size
        return spatial * out_shape[-1] * kh * kw * in_shape[-1] // layer.groups
    if isinstance(layer, layers.Dense):
        return spatial * in_shape[-1] * layer.units
    return 0


def count_macs(model: keras.Model) -> int:
    """Multiplicaciones-sumas (MAC) por imagen en ``Conv2D``, ``DepthwiseConv2D``,
    ``SeparableConv2D`` y ``Dense``.

    Para una convolución: alto × ancho de salida × filtros × kₕ × k_w × canales de entrada
    (entre ``groups``). Se ignora, por ser un costo pequeño o no ser multiplicación-suma: los
    sesgos, la normalización por lotes, las activaciones, el agrupamiento (*pooling*), las
    sumas residuales, las concatenaciones, el reescalado de la entrada y los productos
    elemento a elemento (como la recalibración de compresión y excitación,
    *squeeze-and-excitation*). Un MAC suele contarse como 2 FLOP (una multiplicación y una
    suma).
    """
    _check_model(model)
    total = 0
    for layer in _iter_layers(model):
        if isinstance(layer, WEIGHT_LAYERS):
            if any(d is None for d in tuple(layer.output.shape)[1:]):
                raise ValueError(f"La capa {layer.name} no tiene forma fija: construye el modelo "
                                 "con una resolución de entrada concreta (por ejemplo 224).")
            total += _macs_of(layer)
    return int(total)


def input_resolution(model: keras.Model) -> int:
    """Alto de la imagen de entrada del modelo (224, 227, 600…)."""
    _check_model(model)
    shape = tuple(model.inputs[0].shape)
    if len(shape) != 4 or shape[1] is None:
        raise ValueError(f"El modelo no tiene una entrada de imagen de tamaño fijo: {shape}.")
    return int(shape[1])


def summarize(model: keras.Model) -> dict[str, int | str]:
    """Parámetros, profundidad, capas con pesos, resolución de entrada y MAC por imagen."""
    return {"modelo": model.name, "parametros": count_params(model), "profundidad": depth(model),
            "capas_con_pesos": count_weight_layers(model),
            "resolucion": input_resolution(model), "macs": count_macs(model)}


# ------------------------------------------------------------------ EfficientNet


def compound_scaling(phi: float, alpha: float = ALPHA, beta: float = BETA, gamma: float = GAMMA,
                     base_resolution: int = 224) -> dict[str, float]:
    """Escalamiento compuesto de EfficientNet para un coeficiente ``phi``.

    profundidad = α^φ, anchura = β^φ, resolución = γ^φ. El costo (FLOP) crece como
    profundidad × anchura² × resolución² = (α·β²·γ²)^φ ≈ 2^φ con las constantes del artículo.
    """
    for key, value in (("phi", phi), ("alpha", alpha), ("beta", beta), ("gamma", gamma)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{key} debe ser un número y es {type(value).__name__} ({value!r}).")
    if phi < 0:
        raise ValueError(f"phi debe ser mayor o igual que 0 y vale {phi}: φ = 0 es la red base B0.")
    for key, value in (("alpha", alpha), ("beta", beta), ("gamma", gamma)):
        if value < 1:
            raise ValueError(f"{key} debe ser al menos 1 (escalar no puede encoger la red) y vale {value}.")
    positive_int("base_resolution", base_resolution)
    depth_mult, width_mult, res_mult = alpha ** phi, beta ** phi, gamma ** phi
    return {"phi": phi, "depth": depth_mult, "width": width_mult, "resolution_factor": res_mult,
            "resolution": base_resolution * res_mult,
            "flops_factor": depth_mult * width_mult ** 2 * res_mult ** 2,
            "constraint": alpha * beta ** 2 * gamma ** 2}


def implied_phi(width: float, depth_coefficient: float, resolution: int,
                base_resolution: int = 224) -> dict[str, float]:
    """El φ que implica cada dimensión de una configuración real (log base α, β o γ)."""
    for key, value in (("width", width), ("depth_coefficient", depth_coefficient)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"{key} debe ser un número positivo y vale {value!r}.")
    positive_int("resolution", resolution)
    return {"phi_depth": math.log(depth_coefficient) / math.log(ALPHA),
            "phi_width": math.log(width) / math.log(BETA),
            "phi_resolution": math.log(resolution / base_resolution) / math.log(GAMMA)}


def efficientnet(variant: str, weights=None, include_top: bool = True) -> keras.Model:
    """``keras.applications.EfficientNetB0`` … ``B7`` por nombre (``'B0'``…``'B7'``), sin pesos."""
    if not isinstance(variant, str) or variant.upper() not in EFFICIENTNET_CONFIGS:
        raise ValueError(f"La variante {variant!r} no existe: usa una de "
                         f"{', '.join(EFFICIENTNET_CONFIGS)}.")
    builder = getattr(keras.applications, f"EfficientNet{variant.upper()}")
    return builder(weights=weights, include_top=include_top)


def efficientnet_table(variants: Sequence[str] | None = None) -> list[dict[str, float | int | str]]:
    """Para cada variante: su configuración real, el φ implícito y las cuentas del modelo."""
    rows = []
    for variant in variants or list(EFFICIENTNET_CONFIGS):
        width, depth_c, res = EFFICIENTNET_CONFIGS[variant.upper()] if isinstance(variant, str) \
            and variant.upper() in EFFICIENTNET_CONFIGS else (None, None, None)
        model = efficientnet(variant)
        phis = implied_phi(width, depth_c, res)
        rows.append({"variante": variant.upper(), "anchura": width, "profundidad_coef": depth_c,
                     "resolucion": res, **phis, "parametros": count_params(model),
                     "macs": count_macs(model), "profundidad": depth(model)})
        del model
    return rows
