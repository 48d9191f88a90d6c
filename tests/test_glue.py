"""Formato de los números que se pegan en la prosa."""

import numpy as np
import pytest

from cnnlab.glue import THIN_SPACE, thousands


def test_thousands_uses_a_thin_space():
    assert thousands(23587712) == f"23{THIN_SPACE}587{THIN_SPACE}712"
    assert thousands(999) == "999"
    assert thousands(np.int64(1280)) == f"1{THIN_SPACE}280"
    assert thousands(-5000) == f"-5{THIN_SPACE}000"


@pytest.mark.parametrize("bad", [1.5, "1000", True, None])
def test_thousands_rejects_non_integers(bad):
    with pytest.raises(TypeError, match="espera un entero"):
        thousands(bad)


def test_thousands_with_decimals():
    assert thousands(1212.06, 1) == f"1{THIN_SPACE}212.1"
    assert thousands(681.5, 1) == "681.5"
    assert thousands(np.float32(1290.6), 0) == f"1{THIN_SPACE}291"
    assert thousands(5000, 1) == f"5{THIN_SPACE}000.0"
    for bad in ("1000", True, None):
        with pytest.raises(TypeError, match="espera un número"):
            thousands(bad, 1)
