"""Author names from bylines, and a publisher name from an e-mail domain. Total functions."""

from __future__ import annotations

import re

from newsdesk.clean import patterns as P

# Names are split on commas, semicolons, "and", "&", "|" and a middle dot or bullet ("Jo Roe ·
# Riverside Herald"); "with" joins contributors.
_SPLIT = re.compile(r"\s*(?:,|;|\||[·•]|\band\b|&|\bwith\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)
# Job titles and desks that follow a name in bylines ("Jane Roe, Political Editor"). A beat
# or desk written before the title is part of it ("City Columnist", "City Hall reporter"):
# the words name a beat, not a person, only before a title (a "Jo Hall" keeps her name).
_TITLE_WORD = (
    r"editor|correspondent|reporter|writer|columnist|contributor|photographer|analyst|producer"
    r"|intern"
)
_BEAT = (
    r"city(?:\s+hall)?|metro|local|health|science|tech(?:nology)?|culture|arts|food|travel"
    r"|crime|courts?|education|environment(?:al)?|climate|energy|foreign|investigative"
    r"|investigations|digital|entertainment|music|film|fashion|style|lifestyle|weather|opinion"
    r"|features?|world|national|politics|economics?|finance|markets?|money|motoring|property"
    r"|legal|justice|white\s+house|statehouse|transportation|data|video|audio|social\s+media"
)
_ROLE = re.compile(
    rf"\b(?:(?:{_BEAT})\s+(?={_TITLE_WORD})"
    rf"|(?:{_TITLE_WORD}|staff|desk|bureau|chief"
    r"|senior|political|business|sports?|news|in\s+\w+"
    r"|updated|published|special\s+to|for\s+the|deputy|head\s+of|follow|learn|recipe|tested)\b)",
    re.IGNORECASE,
)
# Common romanised Korean surnames: hyphenated given names after them keep the second syllable
# in lower case ("Lim Jeong-won"), as Korean newspapers print them in English.
KOREAN_SURNAMES = frozenset(
    [
        "kim",
        "lee",
        "yi",
        "rhee",
        "park",
        "pak",
        "choi",
        "choe",
        "jung",
        "chung",
        "jeong",
        "kang",
        "cho",
        "jo",
        "yoon",
        "yun",
        "jang",
        "chang",
        "lim",
        "im",
        "han",
        "oh",
        "seo",
        "shin",
        "sin",
        "kwon",
        "hwang",
        "ahn",
        "an",
        "song",
        "yoo",
        "yu",
        "hong",
        "jeon",
        "chun",
        "ko",
        "go",
        "moon",
        "mun",
        "yang",
        "son",
        "bae",
        "baek",
        "paik",
        "heo",
        "huh",
        "nam",
        "shim",
        "sim",
        "noh",
        "roh",
        "ha",
        "kwak",
        "sung",
        "seong",
        "cha",
        "joo",
        "ju",
        "woo",
        "koo",
        "min",
        "ryu",
        "yoo",
        "na",
        "jin",
        "ji",
        "um",
        "chae",
        "won",
        "cheon",
        "bang",
        "gong",
        "hyun",
        "ham",
        "byun",
        "yeom",
        "yeo",
        "chu",
        "do",
        "seok",
        "seol",
        "ma",
        "gil",
        "wi",
        "pyo",
        "myung",
        "ki",
        "ban",
        "ra",
        "geum",
        "ok",
        "yook",
        "in",
        "maeng",
        "je",
        "mo",
        "tak",
        "ri",
    ]
)
# A name word: a capitalised token (allowing O'Neil, Jean-Paul, McDonald, initials "J.").
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|[a-z]{1,3}|de|van|von|der|da|di|du|la|le|bin|al-\w+)$")
# "MCLEAN" -> "McLean"; "Mac" is left alone (Mack, Macy are names of their own).
MC_MIN_LENGTH = 3
NAME_MAX_WORDS = 5
NAME_MIN_WORDS = 2
# Mailbox domains that say nothing about the publisher.
FREEMAIL = frozenset(
    [
        "gmail",
        "yahoo",
        "hotmail",
        "outlook",
        "aol",
        "icloud",
        "protonmail",
        "proton",
        "naver",
        "daum",
        "qq",
        "163",
    ]
)
# Second-level labels under country codes ("co.kr", "com.cn"), skipped to reach the name.
_SLD = frozenset(["co", "com", "net", "org", "ac", "gov", "or", "ne", "go"])


def proper_case(name: str) -> str:
    """Title-case an ALL-CAPS name; leave mixed case as written."""
    if not name.isupper():
        return name
    words = [_proper_word(w) for w in name.split()]
    if len(words) >= 2 and words[0].casefold() in KOREAN_SURNAMES and "-" in words[-1]:
        head, _, tail = words[-1].partition("-")
        words[-1] = f"{head}-{tail.lower()}"
    return " ".join(words)


def _proper_word(word: str) -> str:
    """One word in Proper Case, capitalising after hyphens, apostrophes and "Mc" (O'Neil)."""
    parts = re.split(r"([-'’])", word.lower())
    cased = "".join(p[:1].upper() + p[1:] if p not in {"-", "'", "’"} else p for p in parts)
    if len(cased) > MC_MIN_LENGTH and cased.startswith("Mc"):
        cased = "Mc" + cased[2].upper() + cased[3:]
    return cased


def looks_like_names(text: str) -> bool:
    """True when text reads as one or more personal names and nothing else."""
    parts = [p for p in _SPLIT.split(text) if p and p.strip()]
    return bool(parts) and all(_is_name(p.strip()) for p in parts)


def _is_name(part: str) -> bool:
    """2..5 capitalised words with no digits: the shape of a personal name."""
    words = part.split()
    if not NAME_MIN_WORDS <= len(words) <= NAME_MAX_WORDS or re.search(r"\d", part):
        return False
    return words[0][0].isupper() and all(_NAME_WORD.match(w) for w in words)


# Lower-case words a bare name may hold ("Enrico de Lazaro", "Sajid Bin Mohammad").
_PARTICLES = frozenset(
    ["de", "van", "von", "der", "da", "di", "du", "la", "le", "del", "dos", "bin"]
)
BARE_NAME_MAX_WORDS = 4


def bare_name_byline(line: str) -> list[str]:
    """The names of a byline printed without "By": a line that is only names ("Jo Roe", "Jo
    Roe and Sam Lee", "Jo Roe, Senior Writer"), else []. Stricter than `looks_like_names`: the
    first name is 2..4 capitalised words (particles aside) in mixed case, none of them a role
    or a furniture word."""
    first = _SPLIT.split(line.strip(), maxsplit=1)[0].strip(" -–—:|.,•")
    words = first.split()
    if not NAME_MIN_WORDS <= len(words) <= BARE_NAME_MAX_WORDS or first.isupper():
        return []
    if not all(w[:1].isupper() or w.casefold() in _PARTICLES for w in words):
        return []
    if _ROLE.search(first) or P.NOT_A_NAME.search(first) or not _is_name(first):
        return []
    return authors_from_byline(line)


def authors_from_byline(text: str) -> list[str]:
    """Clean author names from a byline's name part: no "By", e-mails, roles or brackets."""
    text = P.EMAIL.sub(" ", text)
    text = P.BYLINE_DATE_TAIL.sub("", text)  # "Jo Roe - 12/22/23 11:35 AM ET": the date goes
    text = re.sub(r"[\[\](){}<>]", " ", text)
    text = re.sub(r"^\s*(?:by|from)\s+", "", text, flags=re.IGNORECASE)
    names: list[str] = []
    for part in _SPLIT.split(text):
        name = _clean_name(_caps_name_only(part))
        if name and name not in names:
            names.append(name)
    people = [n for n in names if not P.OUTLET_WORD.search(n)]
    return people or names  # "Jo Roe, Associated Press": the agency is not an author


def _caps_name_only(part: str) -> str:
    """An ALL-CAPS name before its outlet in Title Case: "TOM BAKER Associated Press" -> name."""
    words = part.split()
    caps = 0
    while caps < len(words) and words[caps].isupper():
        caps += 1
    return " ".join(words[:caps]) if NAME_MIN_WORDS <= caps < len(words) else part


def _clean_name(part: str) -> str | None:
    """One name with roles and stray punctuation removed, or None if it is not a name."""
    part = re.sub(
        r"^\s*(?:(?:written|reported|words|story|text)\s+)?(?:by|from)\s+",
        "",
        part.strip(" -–—:|.,•"),
        flags=re.IGNORECASE,
    )
    role = _ROLE.search(part)
    if role and role.start() == 0:
        return None  # "Political Editor" after a comma is the previous name's title
    if role:
        part = part[: role.start()].strip(" -–—:|.,")
    part = " ".join(part.split())
    if not _is_name(part):
        return None
    return proper_case(part)


def publisher_from_email(email: str) -> str | None:
    """A publisher label from an e-mail's domain ("x@joongang.co.kr" -> "joongang.co.kr")."""
    domain = email.rpartition("@")[2].lower().strip(".")
    labels = domain.split(".")
    if len(labels) < 2:
        return None
    name = labels[-3] if len(labels) >= 3 and labels[-2] in _SLD else labels[-2]
    if name in FREEMAIL:
        return None
    return domain
