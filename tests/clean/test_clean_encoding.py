"""Bad input: legacy encodings, BOMs, mojibake, and HTML with no article."""

from __future__ import annotations

import codecs

import pytest
from clean_docs import doc

from newsdesk.clean import clean
from newsdesk.clean.encoding import fix_mojibake, normalise_text
from newsdesk.errors import RejectError
from newsdesk.sources import decode

PROSE = (
    "Le ministre a déclaré jeudi que la réforme des retraites entrerait en vigueur à l’automne, "
    "malgré l’opposition des syndicats et d’une partie de la majorité."
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (PROSE.encode("cp1252"), PROSE),
        (codecs.BOM_UTF8 + PROSE.encode("utf-8"), PROSE),
        (codecs.BOM_UTF16_LE + PROSE.encode("utf-16-le"), PROSE),
        (codecs.BOM_UTF16_BE + PROSE.encode("utf-16-be"), PROSE),
    ],
)
def test_decode_legacy_and_bom(raw: bytes, expected: str) -> None:
    text, _ = decode(raw)
    assert text == expected


def test_decode_gbk() -> None:
    chinese = (
        "北京市政府周四宣布，将在明年春季前完成全部老旧小区的电梯改造工程，惠及数十万居民。" * 3
    )
    text, encoding = decode(chinese.encode("gbk"))
    assert text == chinese and encoding.lower() in {"gbk", "gb2312", "gb18030", "cp936"}


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("the countryâ€™s ports", "the country’s ports"),
        ("â€œfar below inflationâ€\x9d", "“far below inflation”"),
        ("Trade minister Josef KÃ¶hler", "Trade minister Josef Köhler"),
        ("cafÃ© and crÃ¨me", "café and crème"),
    ],
)
def test_mojibake_is_repaired(broken: str, fixed: str) -> None:
    assert fix_mojibake(broken) == fixed


@pytest.mark.parametrize("clean_text", ["Köhler’s café", "naïve résumé — “quoted”", "plain ascii"])
def test_correct_text_is_untouched(clean_text: str) -> None:
    assert fix_mojibake(clean_text) == clean_text


def test_normalise_text_newlines_nul_bom_nbsp() -> None:
    assert normalise_text("\ufeffa\r\nb\rc\x00d\u00a0e") == "a\nb\ncd e"


def test_html_without_article_text_is_rejected() -> None:
    html = "<html><body><nav><a href='/'>Home</a></nav><footer>© Example</footer></body></html>"
    with pytest.raises(RejectError) as error:
        clean(doc(html, "text/html"))
    assert error.value.stage == "clean" and error.value.reason in {
        "no_article_text",
        "only_boilerplate",
    }
