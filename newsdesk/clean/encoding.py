"""Text repair: UTF-8 read as cp1252 (mojibake), and the normal form every text is put in."""

from __future__ import annotations

import re

# cp1252 maps these code points to bytes 0x80-0x9F; everything else below 0x100 is Latin-1.
_CP1252_SPECIALS = {
    chr(code): byte
    for byte in range(0x80, 0xA0)
    for code in [ord(bytes([byte]).decode("cp1252", errors="ignore") or "\x00")]
    if code > 0xFF
}
# A run that starts like a UTF-8 lead byte read as cp1252/Latin-1 ("Ã", "â", "Â", "ð") followed by
# continuation-byte characters: the fingerprint of mojibake. Only such runs are re-decoded, so
# correctly decoded accented text elsewhere in the line is left alone.
_CONTINUATION = "\x80-\xbf" + "".join(_CP1252_SPECIALS)
MOJIBAKE_RUN = re.compile(f"[\xc2-\xf4][{_CONTINUATION}]+(?:[\xc2-\xf4][{_CONTINUATION}]+)*")
# Telltale pairs; text without any is not touched at all.
MOJIBAKE_HINT = re.compile("[ÃÂâð][\x80-\xbf" + "".join(_CP1252_SPECIALS) + "]")


def fix_mojibake(text: str) -> str:
    """Repair runs of UTF-8 that were decoded as cp1252 ("â€™" -> "’", "Ã©" -> "é")."""
    if not MOJIBAKE_HINT.search(text):
        return text
    return MOJIBAKE_RUN.sub(_redecode, text)


def _redecode(match: re.Match[str]) -> str:
    """One run re-read as UTF-8, or unchanged when it is not valid UTF-8."""
    run = match.group(0)
    try:
        raw = bytes(_CP1252_SPECIALS.get(ch, ord(ch)) for ch in run)
        return raw.decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return run


def normalise_text(text: str) -> str:
    """Newlines to "\\n", NULs and BOMs out, mojibake repaired, non-breaking spaces as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = fix_mojibake(text)  # before NBSP folding: "Â\xa0" is itself mojibake
    return text.replace("\ufeff", "").replace("\u00a0", " ").replace("\u200b", "")
