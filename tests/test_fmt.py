import pytest

from kegdash import fmt


@pytest.mark.parametrize(("ml", "units", "shown"), [
    (18927.06, "metric", "18.9 L"), (1981, "metric", "2.0 L"), (408, "metric", "0.4 L"),
    (30, "metric", "< 0.1 L"), (0, "metric", "0 L"), (-0.3, "metric", "0 L"),
    (58673.88, "us", "15.5 gal"), (1892.7, "us", "0.5 gal"), (150, "us", "< 0.1 gal"),
    (0, "us", "0 gal"),
])
def test_keg_volumes_are_litres_or_gallons_never_millilitres(ml, units, shown):
    assert fmt.keg_volume(ml, units) == shown


@pytest.mark.parametrize(("ml", "units", "shown"), [
    (350, "metric", "350 ml"), (1200, "metric", "1.2 L"), (354.9, "us", "12.0 fl oz"),
    (3785.42, "us", "1.0 gal"),
])
def test_a_pour_keeps_its_own_scale(ml, units, shown):
    assert fmt.volume(ml, units) == shown


def test_glasses_left_in_the_bar_s_own_glass():
    assert fmt.glasses(11_000, "metric") == "≈ 22 × 0.5 L"
    assert fmt.pints_label(11_000, "us") == "≈ 23 pints left"
    assert fmt.glasses(-5, "us") == "≈ 0 pints"
