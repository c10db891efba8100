"""Boilerplate removal on scraped *text*: newsdesk, jusText, trafilatura, as is, the oracle.

    .venv/bin/python -m bench.text_extraction [--limit N] [--in-sample]

Builds the issue-14 text shapes (bench/text_shapes.py: "region", the article container's
text; "page", the whole <body>'s) from the HTML pages of article-extraction-benchmark and
news-metadata, then scores in one run, per shape:

- ``as is``: the text untouched;
- ``jusText``: jusText 3.0.2 with its defaults and the stoplist of the text's language (the
  one of its stoplists that covers the most words of the text), given the lines as <p>
  paragraphs of an HTML page;
- ``trafilatura``: trafilatura 2.3.1's extract() with its defaults on the same HTML;
- ``newsdesk rules``: clean() with the line classifier off (the rule cascade alone);
- ``newsdesk``: clean() + normalise() of the text as a text/plain RawDocument, title +
  standfirst + body scored; the line classifier in each fold (both passes and the body span's
  rule) was trained by bench.train_lines without the sites of the pages it is scored on
  (cross-validation by site, 5 folds);
- ``newsdesk in-sample``: the same with the shipped model, trained on every page (in-sample:
  only with --in-sample, and not a held-out number);
- ``oracle``: exactly the lines labelled as true body.

Metric: the AEB one (word 4-grams; bench/scoring.py), precision and recall averaged over
pages, F1 from the averages. Titles: on the news-metadata pages (which come with their true
titles), the share where newsdesk's title is the true one (bench.train_lines.same_title), or
is none when no line of the text is (a region text often starts below the headline).
ms/page is wall time per page of each system on the same text;
"classifier" is the line classifier's own share of newsdesk's time (features, both passes, span).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from statistics import fmean

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.metadata import author_f1
from bench.scoring import CORPUS, Score, average, page_precision_recall
from bench.text_shapes import Shaped, build, label_lines
from bench.train_lines import (
    FOLDS,
    SHAPES,
    Example,
    examples,
    fit,
    same_title,
    site_fold,
    under_its_title,
)
from newsdesk.clean import CleanOptions, clean
from newsdesk.clean import lines as line_classifier
from newsdesk.clean.encoding import normalise_text
from newsdesk.clean.lines import LineModel
from newsdesk.clean.text import text_page
from newsdesk.errors import RejectError
from newsdesk.normalise import normalise
from newsdesk.records import Article, RawDocument

_WORD = re.compile(r"\w+")
System = Callable[[Shaped, list[str]], str]


@dataclass
class Tally:
    """Per-page scores and time of one system on one shape."""

    pairs: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    seconds: float = 0.0
    pages: int = 0
    titles: list[bool] = field(default_factory=list)  # per page with a true title: right?
    authors: list[float] = field(default_factory=list)  # per news-metadata page: author F1
    dates: list[bool] = field(default_factory=list)  # per news-metadata page: the true day?

    def add(self, corpus: str, pair: tuple[float, float], seconds: float) -> None:
        """Record one page."""
        self.pairs.setdefault(corpus, []).append(pair)
        self.seconds += seconds
        self.pages += 1

    def score(self, corpus: str | None = None) -> Score:
        """Averaged precision and recall, over one corpus or all."""
        return average([p for c, ps in self.pairs.items() if corpus in (None, c) for p in ps])

    def add_fields(self, shaped: Shaped, lines: list[str], article: Article | None) -> None:
        """Record newsdesk's title, authors and date of a page that comes with its true ones."""
        self.titles.append(title_right(shaped, lines, article and article.title))
        self.authors.append(author_f1(article.authors if article else [], shaped.authors or ""))
        day = article.published_at if article else None
        self.dates.append(day is not None and day.date().isoformat() == shaped.date)


def as_paragraphs(lines: list[str]) -> str:
    """The lines as <p> paragraphs of an HTML page (what jusText and trafilatura are given)."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return f"<html><body>{body}</body></html>"


@cache
def _stoplists() -> dict[str, frozenset[str]]:
    """jusText's stoplists by language."""
    import justext

    return {name: justext.get_stoplist(name) for name in justext.get_stoplists()}


def _stoplist_for(lines: list[str]) -> frozenset[str]:
    """The jusText stoplist that covers the most words of the text (its language's)."""
    words = [w.casefold() for w in _WORD.findall(" ".join(lines))]
    lists = _stoplists()
    return lists[max(lists, key=lambda name: sum(w in lists[name] for w in words))]


def justext_text(shaped: Shaped, lines: list[str]) -> str:
    """jusText's good paragraphs."""
    import justext

    paragraphs = justext.justext(as_paragraphs(lines), _stoplist_for(lines))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def trafilatura_text(shaped: Shaped, lines: list[str]) -> str:
    """trafilatura's extraction with its defaults."""
    import trafilatura

    return trafilatura.extract(as_paragraphs(lines)) or ""


def text_document(shaped: Shaped, lines: list[str]) -> RawDocument:
    """The text as a scraper's .txt file would be read."""
    text = "\n".join(lines)
    raw = text.encode("utf-8")
    return RawDocument(
        f"bench://{shaped.key}.txt",
        hashlib.sha256(raw).hexdigest(),
        "text/plain",
        raw,
        text,
        "utf-8",
    )


def newsdesk_article(shaped: Shaped, lines: list[str], options: CleanOptions) -> Article | None:
    """newsdesk's article of the text (None when it is rejected)."""
    document = text_document(shaped, lines)
    try:
        return normalise(document, clean(document, options))
    except RejectError:
        return None


def scored_text(article: Article | None) -> str:
    """What the metric scores of newsdesk's article: title, standfirst and body (empty when the
    text was rejected)."""
    fields = (article.title, article.standfirst, article.body) if article else ()
    return "\n".join(f for f in fields if f)


def title_right(shaped: Shaped, lines: list[str], title: str | None) -> bool:
    """The true title, or no title when no line of the text is the true title."""
    if title:
        return same_title(title, shaped.title)
    return not any(same_title(line, shaped.title) for line in lines)


def oracle_text(shaped: Shaped, lines: list[str]) -> str:
    """Exactly the lines labelled as true body."""
    labels = label_lines(lines, shaped.true_body)
    return "\n".join(line for line, true in zip(lines, labels, strict=True) if true)


def as_is_text(shaped: Shaped, lines: list[str]) -> str:
    """The text untouched."""
    return "\n".join(lines)


def classifier_seconds(lines: list[str], model: LineModel) -> float:
    """Wall time of the line classifier alone on one text (the rules run outside the timer)."""
    page = text_page(normalise_text("\n".join(lines)))
    started = time.perf_counter()
    line_classifier.mark_by_classifier(page, model)
    return time.perf_counter() - started


def fold_models(exs: list[Example], folds: int = FOLDS, log: bool = True) -> dict[int, LineModel]:
    """One line model per fold, trained without that fold's sites."""
    models = {}
    for k in range(folds):
        started = time.perf_counter()
        models[k] = fit([e for e in exs if site_fold(e.site, folds) != k], max(folds - 1, 2))
        if log:
            print(f"  fold {k}: trained in {time.perf_counter() - started:.0f} s", flush=True)
    return models


def newsdesk_cross_validated(
    pages: list[Shaped], folds: int = FOLDS
) -> tuple[dict[str, Score], dict[str, float], dict[str, float], dict[str, float]]:
    """Per shape, newsdesk's score with each page cleaned by a model trained without its site,
    the share of right titles, the mean author F1 and the share of right dates on the pages
    that come with their true title, authors and date (news-metadata)."""
    models = fold_models(examples(pages), folds, log=False)
    tallies = {shape: Tally() for shape in SHAPES}
    for shaped in pages:
        options = CleanOptions(line_model=models[site_fold(shaped.site, folds)])
        for shape, tally in tallies.items():
            lines = getattr(shaped, shape)
            article = newsdesk_article(shaped, lines, options)
            pair = page_precision_recall(scored_text(article), shaped.true_body)
            tally.add(shaped.corpus, pair, 0.0)
            if shaped.title:
                tally.add_fields(shaped, lines, article)
    return (
        {shape: tally.score() for shape, tally in tallies.items()},
        {shape: fmean(tally.titles or [0.0]) for shape, tally in tallies.items()},
        {shape: fmean(tally.authors or [0.0]) for shape, tally in tallies.items()},
        {shape: fmean(tally.dates or [0.0]) for shape, tally in tallies.items()},
    )


def run(pages: list[Shaped], in_sample: bool) -> dict[str, dict[str, Tally]]:
    """Per shape, per system, the tally over every page; the systems take turns per page.

    newsdesk's systems are clean() + normalise() with their options (None: the fold's model);
    one article per page and shape gives both the scored text and, on pages with their true
    fields, the title, authors and date.
    """
    print("training the line classifier per fold (cross-validation by site) ...", flush=True)
    models = fold_models(examples(pages))
    # The newsdesk systems whose titles, authors and dates are scored.
    fielded: dict[str, CleanOptions | None] = {
        "newsdesk rules": CleanOptions(classify_lines=False),
        "newsdesk": None,
    }
    systems: dict[str, System | CleanOptions | None] = {
        "as is": as_is_text,
        "jusText": justext_text,
        "trafilatura": trafilatura_text,
        "newsdesk rules": fielded["newsdesk rules"],
    }
    if in_sample:
        systems["newsdesk in-sample"] = CleanOptions()
    systems |= {"newsdesk": fielded["newsdesk"], "oracle": oracle_text}
    tallies: dict[str, dict[str, Tally]] = {s: {} for s in (*SHAPES, UNDER_TITLE)}
    for shaped in pages:
        model = models[site_fold(shaped.site)]
        fold_options = CleanOptions(line_model=model)
        for shape in SHAPES:
            lines = getattr(shaped, shape)
            for name, system in systems.items():
                tally = tallies[shape].setdefault(name, Tally())
                started = time.perf_counter()
                article = None
                if callable(system):
                    text = system(shaped, lines)
                else:
                    article = newsdesk_article(shaped, lines, system or fold_options)
                    text = scored_text(article)
                seconds = time.perf_counter() - started
                tally.add(shaped.corpus, page_precision_recall(text, shaped.true_body), seconds)
                if shaped.title and name in fielded:
                    tally.add_fields(shaped, lines, article)
            cost = classifier_seconds(lines, model)
            tallies[shape].setdefault("classifier", Tally()).add(shaped.corpus, (0, 0), cost)
        if shaped.title:
            lines = under_its_title(shaped.region, shaped.title)
            for name, options in fielded.items():
                article = newsdesk_article(shaped, lines, options or fold_options)
                tallies[UNDER_TITLE].setdefault(name, Tally()).add_fields(shaped, lines, article)
    return tallies


# Titles only: the region text under its true title, as scrapers that write the headline
# above the article's text hand it over (the seeds' shape).
UNDER_TITLE = "region under its title"


def report(tallies: dict[str, dict[str, Tally]]) -> None:
    """One table per shape: F1, precision, recall (all pages), F1 per corpus, ms/page."""
    for shape, systems in tallies.items():
        if shape == UNDER_TITLE:
            print(f"\n{shape} (titles only):")
            _report_titles(systems)
            continue
        print(f"\n{shape}: {systems['as is'].pages} pages")
        print(
            f"  {'system':17s} {'F1':>6s} {'P':>6s} {'R':>6s}  {'F1 aeb':>7s} {'F1 nm':>7s}"
            f"  {'ms/page':>8s}"
        )
        for name, tally in systems.items():
            if name == "classifier":
                continue
            all_ = tally.score()
            per_corpus = "".join(
                f" {tally.score(c).f1:7.3f}" if c in tally.pairs else f" {'-':>7s}"
                for c in ("aeb", "news-metadata")
            )
            print(
                f"  {name:17s} {all_.f1:6.3f} {all_.precision:6.3f} {all_.recall:6.3f} "
                f"{per_corpus}  {1000 * tally.seconds / tally.pages:8.2f}"
            )
        cost = systems["classifier"].seconds / systems["classifier"].pages
        traf = systems["trafilatura"].seconds / systems["trafilatura"].pages
        print(
            f"  line classifier alone: {1000 * cost:.2f} ms/page, {cost / traf:.2f} x "
            f"trafilatura's time on the same pages"
        )
        _report_titles(systems)


def _report_titles(systems: dict[str, Tally]) -> None:
    """The share of right titles per system that has them."""
    for name, tally in systems.items():
        if tally.titles:
            print(
                f"  title right ({name}): {sum(tally.titles) / len(tally.titles):.3f} of "
                f"{len(tally.titles)} news-metadata pages (the true title, or none when the "
                "text has no line of it)"
            )
    for name, tally in systems.items():
        if tally.authors:
            print(
                f"  authors and date ({name}): author F1 {fmean(tally.authors):.3f}, date right "
                f"{fmean(tally.dates):.3f} (bench.metadata's scoring, the text alone: no URL)"
            )


def main() -> None:
    """Build the shapes, run every system, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N pages (a quick look)")
    parser.add_argument(
        "--in-sample", action="store_true", help="also the shipped model (trained on all pages)"
    )
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: the corpus lives beside the repo in ../shared")
    warnings.simplefilter("ignore")
    pages, left_out = build(args.limit)
    print(
        f"{len(pages)} pages with their true body in the visible text; {len(left_out)} left "
        f"out (their <body> text holds < 90 % of the true body's 4-grams): "
        + ", ".join(f"{corpus}/{key[:12]}" for key, corpus in left_out)
    )
    report(run(pages, args.in_sample))


if __name__ == "__main__":
    main()
