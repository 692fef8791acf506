"""extract.outlets: an outlet by the name it writes, from the page's URL, site name, source lines, footer and reporters."""

import pytest

from marsad.extract.outlets import UNKNOWN_LABEL, from_host, is_file_like, page_outlets, resolve
from marsad.model import Article
from marsad.report.story import outlet_display, outlet_label

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name", ["RT Arabic", "روسيا اليوم", "آر تي", "RT عربي"])
def test_rt_names(name):
    assert resolve(name).name == "RT Arabic"


@pytest.mark.parametrize("written,shown", [
    ("السومرية العراقية", "السومرية"), ("Alsumaria", "السومرية"), ("الخليج الجديد", "الخليج الجديد"),
    ("The New Khalij", "الخليج الجديد"), ("صحيفة عكاظ", "عكاظ"), ("Sabq", "سبق"),
])
def test_outlets_are_shown_by_the_name_they_write(written, shown):
    o = resolve(written)
    assert o.name == shown and o.kind == "outlet"


def test_data_file_rows_have_latin_name_and_country():
    o = resolve("السومرية")
    assert (o.latin, o.country) == ("Alsumaria", "IQ")
    assert resolve("الخليج الجديد").country is None  # international: "-"


def test_host():
    assert from_host("https://arabic.rt.com/world/1234-x/").name == "RT Arabic"
    assert from_host("https://www.aljazeera.net/news/2023/9/21/x").name == "الجزيرة نت"
    assert from_host("https://www.alsumaria.tv/news/1").name == "السومرية"
    assert from_host("https://example.org/x") is None


def test_wires_and_unknown():
    assert resolve("نوفوستي").kind == "wire"
    assert resolve("وكالات").kind == "generic"
    unknown = resolve("صحيفة الأفق")
    assert unknown.name == "صحيفة الأفق" and unknown.kind == "unknown"
    assert resolve("وكالة النبأ").kind == "wire"


@pytest.mark.parametrize("name", ["002_e6f440da34669fa5", "04_sharq_floods_copy", "pages/x.html", "e6f440da34669fa5",
                                  "report.txt", "12345"])
def test_file_names_are_never_outlets(name):
    assert is_file_like(name) and resolve(name) is None
    assert not is_file_like("صحيفة الأفق") and not is_file_like("RT Arabic")


def test_page_signals():
    # the page's own site from its URL comes first; a credited source next
    outlets, wires = page_outlets("https://www.alsumaria.tv/news/1", [], ["الخليج الجديد"], [], [])
    assert outlets == ["السومرية", "الخليج الجديد"] and wires == []
    # a copyright line names the site that carries the page
    outlets, _ = page_outlets(None, [], [], ["جميع الحقوق محفوظة لوكالة سوا الإخبارية @ 2025"], [])
    assert outlets == ["وكالة سوا الإخبارية"]
    # the outlet's own correspondent, when nothing else names the page
    outlets, _ = page_outlets(None, [], [], [], ["وأفاد موفد “العربي” من يريفان محمد شبارو بأن المتظاهرين تجمعوا."])
    assert outlets == ["التلفزيون العربي"]
    # "المصدر: وكالات" names no outlet, only a generic wire
    outlets, wires = page_outlets(None, [], ["وكالات"], [], [])
    assert outlets == [] and wires == ["وكالات"]
    outlets, wires = page_outlets(None, [], ["وكالات + الخليج الجديد"], [], [])
    assert outlets == ["الخليج الجديد"] and wires == ["وكالات"]
    # a source line read as part of the last read-also block is the page's own, when nothing else is
    outlets, _ = page_outlets(None, [], [], ["اقرأ أيضاً", "المصدر: صحيفة الأفق"], [])
    assert outlets == ["صحيفة الأفق"]


def test_a_page_with_no_known_outlet_says_so():
    art = Article(id="a", source="pages/04_sharq_floods_copy.txt", title="t", paragraphs=("x",), wires=("وكالات",),
                  url="https://unknown.example/x")
    assert outlet_label(art) is None
    assert outlet_display(art) == UNKNOWN_LABEL == "مصدر غير معروف"
    named_agency = Article(id="b", source="03_nabaa.txt", title="t", paragraphs=("x",), wires=("وكالة النبأ",))
    assert outlet_label(named_agency) == "وكالة النبأ"


def test_the_original_of_a_copy_names_the_agency_or_came_first():
    from marsad.pipeline import is_original

    wire = Article(id="w", source="03.txt", title="t", paragraphs=("x",), wires=("وكالة النبأ",), published="2024-03-14")
    copy = Article(id="c", source="04.txt", title="t", paragraphs=("x",), published="2024-03-13")
    assert is_original(wire, copy) and not is_original(copy, wire)  # naming the agency beats being first
    early = Article(id="e", source="a.txt", title="t", paragraphs=("x",), published="2024-03-13")
    late = Article(id="l", source="b.txt", title="t", paragraphs=("x",), published="2024-03-14")
    assert is_original(early, late) and not is_original(late, early)
    assert not is_original(early, early)  # a tie keeps the page stored first
