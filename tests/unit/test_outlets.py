"""extract.outlets: names, site names and hosts to one canonical outlet; wires recorded as such."""

import pytest

from marsad.extract.outlets import from_host, resolve

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name", ["RT Arabic", "روسيا اليوم", "آر تي"])
def test_rt_names(name):
    assert resolve(name).name == "RT Arabic"


def test_host():
    assert from_host("https://arabic.rt.com/world/1234-x/").name == "RT Arabic"
    assert from_host("https://www.aljazeera.net/news/2023/9/21/x").name == "Al Jazeera"
    assert from_host("https://example.org/x") is None


def test_wires_and_unknown():
    assert resolve("نوفوستي").kind == "wire"
    assert resolve("وكالات").kind == "generic"
    unknown = resolve("صحيفة الأفق")
    assert unknown.name == "صحيفة الأفق" and unknown.kind == "unknown"
    assert resolve("وكالة النبأ").kind == "wire"
