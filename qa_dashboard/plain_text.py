"""Text from an upload or the address bar, made safe for the Streamlit elements that read Markdown.

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

