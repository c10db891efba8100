"""The HTML report: self-contained SVG charts, and a real browser renders it."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from newsdesk.analyst.report import Ranked, ReportData, layout, line_chart, render

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _data() -> ReportData:
    data = ReportData(date(2025, 3, 1), date(2025, 3, 31), articles=4, publishers=2)
    data.ranked = [
        Ranked("person", 1, "Ana Lima", 3, 5),
        Ranked("person", 2, "Bo <Chen>", 2, 2),
        Ranked("organisation", 7, "Harbour Authority", 2, 3),
        Ranked("person", 3, "Cy Ode", 1, 1),
    ]
    data.daily = {
        ("person", 1): {date(2025, 3, 3): 2, date(2025, 3, 9): 3},
        ("organisation", 7): {date(2025, 3, 3): 3},
    }
    data.pairs = {(("organisation", 7), ("person", 1)): 2, (("person", 1), ("person", 2)): 1}
    return data


def test_report_is_self_contained_svg() -> None:
    html = render(_data())
    assert html.count("<svg") == 4
    assert "Bo &lt;Chen&gt;" in html and "<Chen>" not in html  # names are escaped
    # Nothing fetched at view time: no scripts, links, images, imports or url(...).
    assert not re.search(r"<script|<link|<img|@import|url\(|src=|https?://", html)
    # Cy Ode shares no article: in the bars, not in the network.
    network = html.split("Co-mention network")[1]
    assert "Cy Ode" not in network and "Harbour Authority" in network


def test_report_says_when_a_range_is_empty() -> None:
    html = render(ReportData(date(2030, 1, 1), date(2030, 1, 2)))
    assert "nothing in this range" in html and "no two entities share an article" in html


def test_layout_is_deterministic_and_inside_the_box() -> None:
    nodes = [("person", i) for i in range(12)]
    edges = [(nodes[i], nodes[i + 1]) for i in range(11)]
    first = layout(nodes, edges, 800, 400)
    assert first == layout(nodes, edges, 800, 400)
    assert all(0 <= x <= 800 and 0 <= y <= 400 for x, y in first.values())
    assert len({(round(x), round(y)) for x, y in first.values()}) == 12  # no two on one spot


@pytest.mark.slow
def test_report_renders_in_a_headless_browser(
    loaded_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = shutil.which("chromium")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    from PIL import Image, ImageStat

    from newsdesk.cli import main
    from newsdesk.settings import get_settings

    out = tmp_path / "report.html"
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", loaded_db)
    get_settings.cache_clear()
    try:
        code = main(["report", "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out)])
    finally:
        get_settings.cache_clear()
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert "Lucinda Hale" in html  # a person from the dated samples
    png = tmp_path / "report.png"
    subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=1200,1600",
            out.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert png.exists()
    image = Image.open(png).convert("RGB")
    assert image.size == (1200, 1600)
    # Not blank: many colours, and the bar colours of both charts are on the page.
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 50
    assert max(ImageStat.Stat(image).stddev) > 20
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20) or []}
    assert (0x2F, 0x6D, 0xB5) in colours and (0xD9, 0x82, 0x2B) in colours


def test_long_spans_are_drawn_per_week() -> None:
    data = _data()
    data.daily[("person", 1)] = {date(2025, 1, 6): 1, date(2025, 1, 8): 2, date(2025, 9, 1): 4}
    html = line_chart(data)
    points = re.findall(r'<polyline points="([^"]+)"', html)[0].split()
    # 6 Jan to 1 Sep 2025 is 35 weeks (Mondays), not 239 days; the first week sums 1 + 2.
    assert len(points) == 35
    assert ">06 Jan<" in html and ">01 Sep<" in html
