"""Text from an upload or the address bar, made safe: for the database (names and free text
cleaned at the door: `clean_name`, `clean_free_text`), for a generated sentence (`isolated`), for
the terminal (`for_terminal`) and for the Streamlit elements that read Markdown (`for_markdown`).

Most of the dashboard shows such text with `st.text` or in tables, which never read Markdown.
A few elements have no plain form: subheaders, expander labels, metric labels and help, tabs,
and the coloured boxes (`st.info`, `st.warning`, ...). What goes into them passes through
`for_markdown`, the one escaping function, so that a team called
`[Your session expired](http://...)` is shown as those characters and never as a link.

Escaping every ASCII punctuation character with a backslash is what CommonMark offers (a
hyphen inside a word is left alone: it can start nothing), and it
stops links, images, emphasis, code, headings, lists, tables, HTML, entities, LaTeX (`$`) and
Streamlit's own colour and icon directives (`:red[...]`, `:material/...:`). It does not stop
web addresses: Streamlit's Markdown turns `http://...`, `www....` and `name@host` into links
after the escapes are read, so an invisible word joiner (U+2060) goes inside `http`, `www` and
before `@`, which is enough to keep them from being recognised. Whitespace is folded to single
spaces so that nothing can start an indented code block or a new paragraph.
"""
from __future__ import annotations

import re
import unicodedata
import string

WORD_JOINER = "\u2060"
# A hyphen inside a word (`Re-referrals`, `2024-25`) starts nothing in Markdown and stays as it is.
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation.replace("-", "")) + "]|(?<![0-9A-Za-z])-")
_ADDRESS_STARTS = re.compile(r"(?i)(?<=h)(?=ttp)|(?<=w)(?=ww)")  # h|ttp, w|ww
_WHITESPACE = re.compile(r"\s+")


def for_markdown(value) -> str:
    """`value` as text that Streamlit's Markdown shows exactly as written (see the module docstring)."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    text = _ADDRESS_STARTS.sub(WORD_JOINER, text).replace("@", WORD_JOINER + "@")
    return _PUNCTUATION.sub(lambda mark: "\\" + mark.group(0), text)



# ------------------------------------------------------------------- text from an upload --
# Characters no name from an upload may keep: C0 and C1 controls (one in a team's name made
# vl-convert abort the whole server when it drew a chart), the bidirectional controls (a
# right-to-left override in a team's name turned "22.9 (FS North)" round in a printed sentence),
# lone surrogates (not text at all), and the same written as Excel's `_xHHHH_` escapes (calamine
# decodes the C0 ones; the rest arrive as those seven letters). Free text (commentary, comments,
# findings) keeps its line breaks: \r\n, \r, a vertical tab (Shift+Enter pasted from Word), a form
# feed and the Unicode line and paragraph separators become one \n, a tab a space, silently.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Unicode's noncharacters: vl-convert aborts on U+FFFE and U+FFFF as it does on a C0 control.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
                                          for plane in range(17))
_BREAKS = "\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029"
_ESCAPE = (r"_x(?:00[01][0-9A-Fa-f]|00[78][0-9A-Fa-f]|009[0-9A-Fa-f]|061[Cc]|200[EeFf]|202[A-Ea-e]|206[6-9]"
           r"|[Dd][89A-Fa-f][0-9A-Fa-f]{2}|FD[DEde][0-9A-Fa-f]|[Ff]{3}[EeFf])_")
_NOT_IN_A_NAME = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff{_NONCHARACTERS}]|{_ESCAPE}")
_NOT_IN_FREE_TEXT = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f{_BIDI}\ud800-\udfff{_NONCHARACTERS}]|{_ESCAPE}")
_FREE_TEXT_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_ESCAPED_BREAKS = {f"_x{code:04X}_" for code in (0x09, 0x0A, 0x0B, 0x0C, 0x0D)}


def _code_point(found: str) -> int:
    return int(found[2:6], 16) if len(found) == 7 else ord(found)


def describe_character(found: str) -> str:
    """What a removed character was, in words and its code point, never the character itself
    (which a terminal or a page would act on)."""
    code = _code_point(found)
    escaped = f"Excel's escape {found} for " if len(found) == 7 else ""
    if code == 0x0B:
        what = "a line break typed with Shift+Enter (U+000B)"
    elif code in (0x0A, 0x0D, 0x2028, 0x2029, 0x85):
        what = f"a line break (U+{code:04X})"
    elif code == 0x09:
        what = "a tab (U+0009)"
    elif 0xD800 <= code <= 0xDFFF:
        what = f"a broken character (a lone surrogate, U+{code:04X})"
    elif 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        what = f"a noncharacter U+{code:04X}"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        what = f"a control character U+{code:04X}"
    else:
        what = f"a bidirectional control, {unicodedata.name(chr(code)).lower()} (U+{code:04X})"
    return escaped + what


def describe_characters(found: list[str]) -> str:
    """The characters found in a text, described once each: never the characters themselves."""
    described = list(dict.fromkeys(describe_character(f) for f in found))
    return described[0] if len(described) == 1 else ", ".join(described[:-1]) + " and " + described[-1]


def clean_name(text: str) -> tuple[str, list[str]]:
    """A name (team, service area, label, ...) without controls, bidirectional controls or their
    escapes, and what was found in it. A line break or tab becomes a space; spaces are folded."""
    found = _NOT_IN_A_NAME.findall(text)
    if not found:
        return text, []
    spaced = _NOT_IN_A_NAME.sub(lambda m: " " if m.group(0) in _BREAKS or m.group(0) in _ESCAPED_BREAKS else "", text)
    return " ".join(spaced.split()), found


def clean_free_text(text: str) -> tuple[str, list[str]]:
    """Free text with its line breaks as \\n, and what else was found in it (and removed)."""
    found = _NOT_IN_FREE_TEXT.findall(text)
    lines = _FREE_TEXT_BREAK.sub("\n", text).replace("\t", " ")
    if not found:
        return lines, []
    lines = _NOT_IN_FREE_TEXT.sub(lambda m: "\n" if m.group(0) in _ESCAPED_BREAKS else "", lines)
    return lines.strip(), [f for f in found if f not in _ESCAPED_BREAKS]


def may_need_cleaning(text: str, free_text: bool = False) -> bool:
    """Whether `text` (a whole column's cells joined) could hold anything `clean_name` or
    `clean_free_text` would change: False means surely not. A pass in C over the text: every
    control, bidirectional control, line break and noncharacter is "not printable" to Python, as
    are a few harmless characters (a no-break space), which only cost a closer look."""
    if "_x" in text:
        return True
    return not (text.replace("\n", "") if free_text else text).isprintable()


# ------------------------------------------------------------------------ in a sentence --
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolated(name) -> str:
    """A name from an upload as a generated sentence quotes it: inside first-strong isolates
    (U+2068 ... U+2069) when it holds a right-to-left letter, so that "2 צפון" cannot carry the
    figure beside it into its own run ("22.9 2 צפון" for "2 צפון 22.9"); as written otherwise.
    A name holds no bidirectional control (`clean_name` removed them at the door), and a name of
    left-to-right letters, digits and punctuation cannot reorder an English sentence, so wrapping
    it would only put two invisible characters into the PDF's text (pdftotext and copy-paste keep
    them). Typst draws the isolates as nothing and orders the runs as intended; measured with the
    pack's own fonts (README, "Names and free text, cleaned at the door")."""
    text = str(name)
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE
    return text


# ------------------------------------------------------------------------- the terminal --
# Escape sequences a terminal acts on: CSI (ESC [ ... or the one-byte \x9b), OSC, DCS, SOS, PM
# and APC strings (ended by BEL or ST), and any other ESC with the character after it.
_TERMINAL_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b.?", re.DOTALL)
_TERMINAL_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")


def for_terminal(text: str) -> str:
    """Text for a terminal: escape sequences and control characters removed (line breaks and
    tabs kept), so a cell quoted in a message can neither recolour, retitle nor rewrite the
    screen. Every line the command line prints passes through here."""
    return _TERMINAL_CONTROL.sub("", _TERMINAL_SEQUENCE.sub("", text))
