"""Pruebas de cnnlab.architectures: cuentas de parámetros, profundidad, MAC y escalamiento."""

import math

import keras
import numpy as np
import pytest
from keras import layers, models

from cnnlab import architectures as A


def conv_params(k, c_in, f, bias=True, groups=1):
    return (k * k * c_in // groups + (1 if bias else 0)) * f


def test_class_table_is_the_class_one():
    assert A.CLASS_IMAGENET_TOP5["AlexNet"] == {"year": 2012, "top5": 84.7}
    assert A.CLASS_IMAGENET_TOP5["ResNet"]["top5"] == 96.4
    years = [v["year"] for v in A.CLASS_IMAGENET_TOP5.values()]
    assert years == sorted(years)


def test_alexnet_params_by_formula_and_shapes():
    model = A.alexnet()
    expected = (conv_params(11, 3, 96) + conv_params(5, 96, 256) + conv_params(3, 256, 384)
                + conv_params(3, 384, 384) + conv_params(3, 384, 256)
                + (6 * 6 * 256 + 1) * 4096 + (4096 + 1) * 4096 + (4096 + 1) * 1000)
    assert A.count_params(model) == expected
    assert model.get_layer("conv1").output.shape[1:] == (55, 55, 96)
    assert A.depth(model) == 8 and A.count_weight_layers(model) == 8
    assert A.input_resolution(model) == 227


def test_alexnet_two_towers_matches_original_split():
    model = A.alexnet(two_towers=True)
    expected = (conv_params(11, 3, 96) + conv_params(5, 96, 256, groups=2) + conv_params(3, 256, 384)
                + conv_params(3, 384, 384, groups=2) + conv_params(3, 384, 256, groups=2)
                + (6 * 6 * 256 + 1) * 4096 + (4096 + 1) * 4096 + (4096 + 1) * 1000)
    assert A.count_params(model) == expected
    assert A.count_macs(model) < A.count_macs(A.alexnet())


def test_alexnet_224_and_errors():
    model = A.alexnet(input_size=224, num_classes=10)
    assert model.get_layer("fc6").input.shape[-1] == 5 * 5 * 256
    with pytest.raises(ValueError, match="demasiado pequeño"):
        A.alexnet(input_size=32)
    with pytest.raises(TypeError, match="entero positivo"):
        A.alexnet(input_size=227.0)


def test_inception_block_params_and_channels():
    inputs = layers.Input((28, 28, 192))
    out = A.inception_block(inputs, 64, 96, 128, 16, 32, 32)
    model = models.Model(inputs, out)
    assert out.shape[1:] == (28, 28, 64 + 128 + 32 + 32)
    expected = (conv_params(1, 192, 64) + conv_params(1, 192, 96) + conv_params(3, 96, 128)
                + conv_params(1, 192, 16) + conv_params(5, 16, 32) + conv_params(1, 192, 32))
    assert A.count_params(model) == expected
    assert A.depth(model) == 2
    macs = 28 * 28 * (192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32)
    assert A.count_macs(model) == macs


def test_inception_block_errors():
    with pytest.raises(ValueError, match="entero positivo"):
        A.inception_block(layers.Input((8, 8, 4)), 0, 1, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="tensor 4D"):
        A.inception_block(layers.Input((8, 4)), 1, 1, 1, 1, 1, 1)


def bn(c):
    return 4 * c


def test_residual_basic_identity_and_projection():
    inputs = layers.Input((16, 16, 64))
    identity = models.Model(inputs, A.residual_block(inputs, 64))
    assert A.count_params(identity) == 2 * (conv_params(3, 64, 64, bias=False) + bn(64))
    assert not any("proj" in (l.name or "") for l in identity.layers)
    out = A.residual_block(inputs, 128, strides=2, name="r")
    projected = models.Model(inputs, out)
    assert out.shape[1:] == (8, 8, 128)
    expected = (conv_params(3, 64, 128, bias=False) + bn(128) + conv_params(3, 128, 128, bias=False)
                + bn(128) + conv_params(1, 64, 128, bias=False) + bn(128))
    assert A.count_params(projected) == expected
    assert A.depth(projected) == 2 and A.count_weight_layers(projected) == 3


def test_residual_bottleneck():
    inputs = layers.Input((14, 14, 256))
    out = A.residual_block(inputs, 64, kind="bottleneck")
    model = models.Model(inputs, out)
    assert out.shape[1:] == (14, 14, 256)
    expected = (conv_params(1, 256, 64, bias=False) + bn(64) + conv_params(3, 64, 64, bias=False)
                + bn(64) + conv_params(1, 64, 256, bias=False) + bn(256))
    assert A.count_params(model) == expected
    out2 = A.residual_block(inputs, 128, strides=2, kind="bottleneck")
    assert out2.shape[1:] == (7, 7, 512)
    with pytest.raises(ValueError, match="no existe"):
        A.residual_block(inputs, 64, kind="ancho")


def test_residual_block_runs():
    inputs = layers.Input((8, 8, 3))
    model = models.Model(inputs, A.residual_block(inputs, 4))
    y = model.predict(np.random.rand(2, 8, 8, 3).astype("float32"), verbose=0)
    assert y.shape == (2, 8, 8, 4) and (y >= 0).all()


def test_macs_dense_depthwise_and_nested():
    inputs = layers.Input((10, 10, 8))
    x = layers.DepthwiseConv2D((3, 3), padding="same")(inputs)
    x = layers.Conv2D(4, (1, 1))(x)
    x = layers.GlobalAveragePooling2D()(x)
    out = layers.Dense(5)(x)
    inner = models.Model(inputs, out)
    assert A.count_macs(inner) == 10 * 10 * 8 * 9 + 10 * 10 * 8 * 4 + 4 * 5
    outer_in = layers.Input((10, 10, 8))
    outer = models.Model(outer_in, layers.Dense(2)(inner(outer_in)))
    assert A.count_macs(outer) == A.count_macs(inner) + 10
    assert A.depth(outer) == 4
    with pytest.raises(TypeError, match="keras.Model"):
        A.count_macs("vgg16")


def test_keras_applications_counts():
    vgg = keras.applications.VGG16(weights=None)
    assert A.count_params(vgg) == 138_357_544 and A.depth(vgg) == 16
    del vgg
    resnet = keras.applications.ResNet50(weights=None)
    assert A.count_params(resnet) == 25_636_712 and A.depth(resnet) == 50
    del resnet
    b0 = A.efficientnet("B0")
    assert A.count_params(b0) == 5_330_571
    assert 3.8e8 < A.count_macs(b0) < 4.0e8


def test_googlenet_depth_22():
    model = A.googlenet()
    assert A.depth(model) == 22
    assert model.get_layer("inception_5b_concat").output.shape[1:] == (7, 7, 1024)


def test_compound_scaling():
    s = A.compound_scaling(0)
    assert s["depth"] == s["width"] == s["resolution_factor"] == 1 and s["resolution"] == 224
    s = A.compound_scaling(2)
    assert math.isclose(s["depth"], 1.44) and math.isclose(s["width"], 1.21)
    assert math.isclose(s["flops_factor"], (1.2 * 1.1 ** 2 * 1.15 ** 2) ** 2)
    assert abs(s["constraint"] - 2) < 0.1
    assert math.isclose(A.compound_scaling(1, base_resolution=100)["resolution"], 115)


def test_compound_scaling_errors():
    with pytest.raises(ValueError, match="mayor o igual que 0"):
        A.compound_scaling(-1)
    with pytest.raises(TypeError, match="número"):
        A.compound_scaling("1")
    with pytest.raises(ValueError, match="al menos 1"):
        A.compound_scaling(1, alpha=0.5)


def test_efficientnet_configs_and_implied_phi():
    assert A.EFFICIENTNET_CONFIGS["B0"] == (1.0, 1.0, 224)
    assert A.EFFICIENTNET_CONFIGS["B7"] == (2.0, 3.1, 600)
    phis = A.implied_phi(*A.EFFICIENTNET_CONFIGS["B0"])
    assert all(abs(v) < 1e-12 for v in phis.values())
    phis = A.implied_phi(*A.EFFICIENTNET_CONFIGS["B7"])
    assert 6.9 < phis["phi_resolution"] < 7.2
    with pytest.raises(ValueError, match="no existe"):
        A.efficientnet("B9")


def test_efficientnet_table_small():
    rows = A.efficientnet_table(["B0"])
    assert rows[0]["parametros"] == 5_330_571 and rows[0]["resolucion"] == 224
