"""Las afirmaciones de un capítulo: veredicto impreso, pegado y resumen."""

import pytest

from cnnlab import claims as claims_module
from cnnlab.claims import FAILED, HOLDS, Claims


def test_check_prints_and_records_each_verdict(capsys, monkeypatch):
    glued = {}
    monkeypatch.setattr(claims_module, "glue_value", lambda name, value: glued.__setitem__(name, value))
    c = Claims("comp")
    assert c.check("a", "la versión 2 supera a la 1", 0.6 > 0.4) is True
    assert c.check("b", "la versión 3 sobreajusta", False) is False
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{HOLDS}: la versión 2 supera a la 1.", f"{FAILED}: la versión 3 sobreajusta."]
    assert glued["comp_a"] is True and glued["comp_a_texto"] == "se cumple"
    assert glued["comp_b"] is False and glued["comp_b_texto"] == "no se cumple"
    assert c.summary("tendencias") is False
    assert glued["comp_tendencias_cumplidas"] == 1 and glued["comp_tendencias_total"] == 2
    assert glued["comp_tendencias_veredicto"] == "no se cumplen todas"
    assert capsys.readouterr().out.startswith(FAILED)


def test_all_hold_prints_no_failure(capsys):
    c = Claims("x")
    c.check("uno", "algo", True)
    assert c.summary() is True
    assert FAILED not in capsys.readouterr().out


def test_bad_use_is_explained():
    c = Claims("x")
    with pytest.raises(ValueError, match="ninguna afirmación"):
        c.summary()
    with pytest.raises(ValueError, match="texto no vacío"):
        c.check("a", "  ", True)
    c.check("a", "algo", True)
    with pytest.raises(ValueError, match="ya se comprobó"):
        c.check("a", "otra cosa", True)
