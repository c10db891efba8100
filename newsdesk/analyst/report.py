"""A self-contained HTML report for a date range: top people and organisations, mentions over
time and the co-mention network, as SVG drawn here (no scripts, fonts or network at view time).

Counts follow the analyst views: by publication day (UTC), near-duplicates left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from pathlib import Path

from sqlalchemy import Engine, text

# Enough bars and lines to compare, few enough to read the labels.
TOP_N = 10
LINES = 5
# A network of more nodes than this is a hairball on one page.
NETWORK_NODES = 30
# ... and so are more lines than this per node: the strongest ties are drawn.
NETWORK_EDGES_PER_NODE = 3
# Fruchterman-Reingold iterations: the layout of <= 30 nodes settles well before this.
LAYOUT_ITERATIONS = 300
# Pull towards the centre per pixel of distance (tried 0.05-0.5 on the samples: at 0.3
# components sit close without overlapping).
GRAVITY = 0.3
PERSON_COLOUR = "#2f6db5"
ORGANISATION_COLOUR = "#d9822b"
LINE_COLOURS = ["#2f6db5", "#d9822b", "#3a9e5f", "#b5407a", "#7a5cc4"]
COLOURS = {"person": PERSON_COLOUR, "organisation": ORGANISATION_COLOUR}
# Over longer spans a point per day is noise (90 daily points of a busy quarter read as a
# hedge): one per week instead.
WEEKLY_AFTER_DAYS = 60
# Axis labels carry the year once a chart spans most of one.
YEAR_LABELS_AFTER_DAYS = 300

TOP_SQL = text(
    """
    SELECT entity_kind, entity_id, entity_name, count(*) AS articles, sum(mentions) AS mentions
    FROM article_entities
    WHERE duplicate_of IS NULL AND day BETWEEN :start AND :end
    GROUP BY entity_kind, entity_id, entity_name
    ORDER BY articles DESC, mentions DESC, entity_name
    """
)
DAILY_SQL = text(
    """
    SELECT day, entity_kind, entity_id, sum(mentions)::int
    FROM article_entities
    WHERE duplicate_of IS NULL AND day BETWEEN :start AND :end
    GROUP BY day, entity_kind, entity_id
    """
)
PAIRS_SQL = text(
    """
    SELECT x.entity_kind, x.entity_id, y.entity_kind, y.entity_id, count(*)
    FROM article_entities x
    JOIN article_entities y ON y.article_id = x.article_id
     AND (x.entity_kind, x.entity_id) < (y.entity_kind, y.entity_id)
    WHERE x.duplicate_of IS NULL AND x.day BETWEEN :start AND :end
    GROUP BY 1, 2, 3, 4
    """
)
ARTICLES_SQL = text(
    """
    SELECT count(*) FILTER (WHERE (published_at AT TIME ZONE 'UTC')::date BETWEEN :start AND :end
                              AND duplicate_of IS NULL),
           count(*) FILTER (WHERE published_at IS NULL),
           count(*) FILTER (WHERE duplicate_of IS NOT NULL
                              AND (published_at AT TIME ZONE 'UTC')::date BETWEEN :start AND :end),
           count(DISTINCT publisher) FILTER (
               WHERE (published_at AT TIME ZONE 'UTC')::date BETWEEN :start AND :end)
    FROM articles
    """
)

Key = tuple[str, int]


@dataclass(frozen=True)
class Ranked:
    """An entity and its counts in the range."""

    kind: str
    id: int
    name: str
    articles: int
    mentions: int


@dataclass
class ReportData:
    """Everything the report draws."""

    start: date
    end: date
    articles: int = 0
    undated: int = 0
    duplicates: int = 0
    publishers: int = 0
    ranked: list[Ranked] = field(default_factory=list)
    daily: dict[Key, dict[date, int]] = field(default_factory=dict)
    pairs: dict[tuple[Key, Key], int] = field(default_factory=dict)

    def top(self, kind: str, n: int = TOP_N) -> list[Ranked]:
        """The `n` entities of `kind` in most articles."""
        return [r for r in self.ranked if r.kind == kind][:n]


def gather(engine: Engine, start: date, end: date) -> ReportData:
    """Read the report's numbers for [start, end] (publication days, inclusive)."""
    data = ReportData(start, end)
    params = {"start": start, "end": end}
    with engine.connect() as conn:
        row = conn.execute(ARTICLES_SQL, params).one()
        data.articles, data.undated, data.duplicates, data.publishers = (int(v) for v in row)
        data.ranked = [
            Ranked(k, i, n, int(a), int(m)) for k, i, n, a, m in conn.execute(TOP_SQL, params)
        ]
        for day, kind, entity_id, n in conn.execute(DAILY_SQL, params):
            data.daily.setdefault((kind, entity_id), {})[day] = n
        for ka, ia, kb, ib, n in conn.execute(PAIRS_SQL, params):
            data.pairs[((ka, ia), (kb, ib))] = n
    return data


def write_report(engine: Engine, start: date, end: date, out: Path) -> ReportData:
    """Gather and write the report to `out`; returns what it drew."""
    data = gather(engine, start, end)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(data), encoding="utf-8")
    return data


def render(data: ReportData) -> str:
    """The whole HTML page."""
    people, orgs = data.top("person"), data.top("organisation")
    cards = [
        _card("Top people", "by articles that mention them", bar_chart(people, PERSON_COLOUR)),
        _card(
            "Top organisations",
            "by articles that mention them",
            bar_chart(orgs, ORGANISATION_COLOUR),
        ),
        _card(
            "Mentions over time",
            f"mentions per day (per week over spans of {WEEKLY_AFTER_DAYS}+ days) of the "
            f"{LINES} most-mentioned entities",
            line_chart(data),
            wide=True,
        ),
        _card(
            "Co-mention network",
            "entities mentioned in the same article; line width = shared articles",
            LEGEND + network_chart(data),
            wide=True,
        ),
    ]
    note = (
        f"{data.undated} undated article(s) in the database are not in any range. "
        if data.undated
        else ""
    )
    note += f"{data.duplicates} near-duplicate(s) left out." if data.duplicates else ""
    return PAGE.format(
        title=escape(f"newsdesk report {data.start} to {data.end}"),
        start=data.start,
        end=data.end,
        stats=_stats(data),
        note=escape(note),
        cards="\n".join(cards),
    )


LEGEND = (
    f'<p class="legend"><i style="background:{PERSON_COLOUR}"></i>person '
    f'<i style="background:{ORGANISATION_COLOUR}"></i>organisation</p>'
)


def _stats(data: ReportData) -> str:
    items = [
        ("articles", data.articles),
        ("publishers", data.publishers),
        ("people", sum(1 for r in data.ranked if r.kind == "person")),
        ("organisations", sum(1 for r in data.ranked if r.kind == "organisation")),
        ("mentions", sum(r.mentions for r in data.ranked)),
    ]
    return "".join(f'<div class="stat"><b>{n:,}</b><span>{k}</span></div>' for k, n in items)


def _card(title: str, subtitle: str, body: str, wide: bool = False) -> str:
    cls = "card wide" if wide else "card"
    return (
        f'<section class="{cls}"><h2>{escape(title)}</h2>'
        f'<p class="sub">{escape(subtitle)}</p>{body}</section>'
    )


def _empty(width: int, height: int, message: str = "nothing in this range") -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">'
        f'<text x="{width / 2}" y="{height / 2}" class="empty" text-anchor="middle">'
        f"{escape(message)}</text></svg>"
    )


def bar_chart(rows: list[Ranked], colour: str, width: int = 520) -> str:
    """Horizontal bars of articles per entity, mentions in the label."""
    if not rows:
        return _empty(width, 120)
    label_w, bar_h, gap = 190, 22, 8
    height = len(rows) * (bar_h + gap) + 10
    most = max(r.articles for r in rows)
    room = width - label_w - 90
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">']
    for i, r in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        w = max(2.0, room * r.articles / most)
        parts += [
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" '
            f'class="label">{escape(_clip(r.name, 24))}</text>',
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" '
            f'fill="{colour}"><title>{escape(r.name)}: {r.articles} articles, '
            f"{r.mentions} mentions</title></rect>",
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}" class="value">'
            f'{r.articles} <tspan class="muted">({r.mentions} m.)</tspan></text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def line_chart(data: ReportData, width: int = 1080, height: int = 300) -> str:
    """Mentions per day (or week) of the most-mentioned entities, one line each, zero-filled."""
    top = sorted(data.ranked, key=lambda r: (-r.mentions, -r.articles, r.name))[:LINES]
    days_seen = sorted({d for r in top for d in data.daily.get((r.kind, r.id), {})})
    if not top or not days_seen:
        return _empty(width, 160)
    days, series = _buckets(days_seen, [data.daily.get((r.kind, r.id), {}) for r in top])
    label = "%d %b %y" if (days[-1] - days[0]).days > YEAR_LABELS_AFTER_DAYS else "%d %b"
    left, right, top_pad, bottom = 50, 210, 15, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    ticks = _ticks(max(max(counts.values(), default=0) for counts in series) or 1)
    peak = ticks[-1]  # the top gridline, so no line runs above the scale
    step = plot_w / max(1, len(days) - 1)

    def xy(i: int, n: int) -> tuple[float, float]:
        x = left + (i * step if len(days) > 1 else plot_w / 2)
        return x, top_pad + plot_h * (1 - n / peak)

    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">']
    for tick in ticks:
        y = top_pad + plot_h * (1 - tick / peak)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="axis">{tick}</text>'
        )
    every = max(1, math.ceil(len(days) / 10))
    for i, day in enumerate(days):
        if i % every == 0 or i == len(days) - 1:
            x, _ = xy(i, 0)
            parts.append(
                f'<text x="{x:.1f}" y="{height - 15}" text-anchor="middle" class="axis">'
                f"{day.strftime(label)}</text>"
            )
    for n, r in enumerate(top):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        counts = series[n]
        points = [xy(i, counts.get(day, 0)) for i, day in enumerate(days)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
        )
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
            for (x, y), day in zip(points, days, strict=True)
            if counts.get(day)
        ]
        ly = top_pad + 10 + n * 24
        parts.append(
            f'<rect x="{width - right + 20}" y="{ly - 9}" width="14" height="14" rx="2" '
            f'fill="{colour}"/><text x="{width - right + 40}" y="{ly + 2}" class="label">'
            f"{escape(_clip(r.name, 22))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _buckets(
    days_seen: list[date], daily: list[dict[date, int]]
) -> tuple[list[date], list[dict[date, int]]]:
    """Every day from the first to the last seen, or every week (from Monday) over long spans."""
    first, last = days_seen[0], days_seen[-1]
    if (last - first).days <= WEEKLY_AFTER_DAYS:
        return [first + timedelta(n) for n in range((last - first).days + 1)], daily
    monday = first - timedelta(first.weekday())
    weeks = [monday + timedelta(7 * n) for n in range((last - monday).days // 7 + 1)]
    series = []
    for counts in daily:
        weekly: dict[date, int] = {}
        for day, n in counts.items():
            week = day - timedelta(day.weekday())
            weekly[week] = weekly.get(week, 0) + n
        series.append(weekly)
    return weeks, series


def _ticks(peak: int) -> list[int]:
    """About four gridlines from 0 to at least `peak`."""
    step = max(1, math.ceil(peak / 4))
    return list(range(0, step * math.ceil(peak / step) + 1, step))


def network_chart(data: ReportData, width: int = 1080) -> str:
    """The co-mention network of the entities in most articles, laid out by force."""
    nodes = [r for r in data.ranked[:NETWORK_NODES]]
    keys = {(r.kind, r.id) for r in nodes}
    edges = {pair: n for pair, n in data.pairs.items() if pair[0] in keys and pair[1] in keys}
    strongest = sorted(edges.items(), key=lambda e: (-e[1], e[0]))
    edges = dict(strongest[: NETWORK_EDGES_PER_NODE * len(keys)])
    linked = {k for pair in edges for k in pair}
    nodes = [r for r in nodes if (r.kind, r.id) in linked]
    if not nodes:
        return _empty(width, 160, "no two entities share an article in this range")
    height = min(560, 260 + 12 * len(nodes))  # a few nodes need less room than many
    pos = layout([(r.kind, r.id) for r in nodes], list(edges), width, height)
    most = max(edges.values())
    biggest = max(r.articles for r in nodes)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">']
    for (a, b), n in sorted(edges.items(), key=lambda e: e[1]):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="edge" '
            f'stroke-width="{1 + 4 * n / most:.1f}"><title>{n} shared</title></line>'
        )
    for r in nodes:
        x, y = pos[(r.kind, r.id)]
        radius = 6 + 10 * math.sqrt(r.articles / biggest)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{COLOURS[r.kind]}" '
            f'class="node"><title>{escape(r.name)} ({r.kind}): {r.articles} articles'
            f"</title></circle>"
            f'<text x="{x:.1f}" y="{y + radius + 13:.1f}" text-anchor="middle" class="nlabel">'
            f"{escape(_clip(r.name, 24))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def layout(
    nodes: list[Key], edges: list[tuple[Key, Key]], width: int, height: int
) -> dict[Key, tuple[float, float]]:
    """Fruchterman-Reingold positions, deterministic (start on a circle), kept inside the box."""
    n = len(nodes)
    margin_x, margin_y = 110, 40  # labels run wider than they are tall
    w, h = width - 2 * margin_x, height - 2 * margin_y
    k = math.sqrt(w * h / max(n, 1)) * 0.9
    angles = [2 * math.pi * i / n for i in range(n)]
    pos = {
        key: [w / 2 + w / 3 * math.cos(a), h / 2 + h / 3 * math.sin(a)]
        for key, a in zip(nodes, angles, strict=True)
    }
    temperature = w / 10
    for _ in range(LAYOUT_ITERATIONS):
        shift = {key: [0.0, 0.0] for key in nodes}
        for i, a in enumerate(nodes):
            for b in nodes[i + 1 :]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                dist = max(0.01, math.hypot(dx, dy))
                force = k * k / dist
                shift[a][0] += dx / dist * force
                shift[a][1] += dy / dist * force
                shift[b][0] -= dx / dist * force
                shift[b][1] -= dy / dist * force
        for a, b in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = max(0.01, math.hypot(dx, dy))
            force = dist * dist / k
            shift[a][0] -= dx / dist * force
            shift[a][1] -= dy / dist * force
            shift[b][0] += dx / dist * force
            shift[b][1] += dy / dist * force
        for key in nodes:
            # Gravity keeps separate components near the middle instead of against the walls.
            shift[key][0] -= (pos[key][0] - w / 2) * GRAVITY
            shift[key][1] -= (pos[key][1] - h / 2) * GRAVITY
            dx, dy = shift[key]
            dist = max(0.01, math.hypot(dx, dy))
            step = min(dist, temperature)
            pos[key][0] = min(w, max(0.0, pos[key][0] + dx / dist * step))
            pos[key][1] = min(h, max(0.0, pos[key][1] + dy / dist * step))
        temperature = max(1.0, temperature * 0.97)
    return _fit(pos, w, h, margin_x, margin_y)


def _fit(
    pos: dict[Key, list[float]], w: float, h: float, margin_x: float, margin_y: float
) -> dict[Key, tuple[float, float]]:
    """Stretch the layout to fill the box: forces settle at a scale of their own."""
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)

    def stretch(v: float, low: float, span: float, size: float) -> float:
        return size / 2 if span < 1 else (v - low) / span * size

    return {
        key: (
            margin_x + stretch(x, min(xs), span_x, w),
            margin_y + stretch(y, min(ys), span_y, h),
        )
        for key, (x, y) in pos.items()
    }


def _clip(name: str, n: int) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  :root {{ --ink: #1f2933; --muted: #6b7785; --line: #e3e7ec; --bg: #f6f7f9; }}
  * {{ box-sizing: border-box; }}
  body {{ margin: 0; background: var(--bg); color: var(--ink);
         font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }}
  header {{ background: #14213d; color: #fff; padding: 22px 32px 18px; }}
  header h1 {{ margin: 0 0 4px; font-size: 24px; font-weight: 600; }}
  header p {{ margin: 0; color: #c5cde0; }}
  .stats {{ display: flex; gap: 14px; padding: 18px 32px 0; flex-wrap: wrap; }}
  .stat {{ background: #fff; border: 1px solid var(--line); border-radius: 8px;
           padding: 10px 18px; min-width: 130px; }}
  .stat b {{ display: block; font-size: 22px; }}
  .stat span {{ color: var(--muted); font-size: 13px; }}
  .note {{ padding: 8px 32px 0; color: var(--muted); font-size: 13px; margin: 0; }}
  main {{ display: grid; grid-template-columns: 1fr 1fr; gap: 18px; padding: 18px 32px 32px; }}
  .card {{ background: #fff; border: 1px solid var(--line); border-radius: 10px;
           padding: 16px 20px; }}
  .card.wide {{ grid-column: 1 / -1; }}
  .card h2 {{ margin: 0; font-size: 17px; }}
  .sub {{ margin: 2px 0 10px; color: var(--muted); font-size: 13px; }}
  svg text {{ font-family: inherit; }}
  .label {{ font-size: 13px; fill: var(--ink); }}
  .value {{ font-size: 13px; fill: var(--ink); font-weight: 600; }}
  .muted {{ fill: var(--muted); font-weight: 400; }}
  .axis {{ font-size: 12px; fill: var(--muted); }}
  .grid {{ stroke: var(--line); }}
  .edge {{ stroke: #9aa5b1; stroke-opacity: 0.7; }}
  .node {{ stroke: #fff; stroke-width: 2; }}
  .nlabel {{ font-size: 12px; fill: var(--ink); paint-order: stroke; stroke: #fff;
             stroke-width: 3px; }}
  .empty {{ font-size: 14px; fill: var(--muted); }}
  .legend {{ margin: 0; font-size: 13px; color: var(--muted); }}
  .legend i {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%;
               margin: 0 5px 0 12px; vertical-align: -1px; }}
  .legend i:first-child {{ margin-left: 0; }}
  footer {{ padding: 0 32px 24px; color: var(--muted); font-size: 12px; }}
</style></head>
<body>
<header><h1>News entities, {start} to {end}</h1>
<p>People and organisations in the articles published in this range (UTC days).</p></header>
<div class="stats">{stats}</div>
<p class="note">{note}</p>
<main>
{cards}
</main>
<footer>Generated by newsdesk report from the analyst views (article_entities); counts leave
near-duplicate articles out.</footer>
</body></html>
"""
