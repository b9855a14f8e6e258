"""`plain_text.for_markdown`, the one escaping function for text that reaches Markdown."""

import re
import string

import pytest

from qa_dashboard import charts, plain_text
from tests.markdown_payloads import PAYLOADS


def as_written(escaped: str) -> str:
    """What a reader sees: the text without its backslash escapes and word joiners."""
    return re.sub(r"\\(.)", r"\1", escaped).replace(plain_text.WORD_JOINER, "")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_markdown_character_is_escaped(payload):
    escaped = plain_text.for_markdown(payload)
    unescaped = re.sub(r"\\.", "", escaped)
    within_words = re.sub(r"(?<=[0-9A-Za-z])-", "", unescaped)  # a hyphen inside a word starts nothing
    assert not [c for c in within_words if c in string.punctuation]


def test_a_hyphen_inside_a_word_is_left_alone_and_one_that_could_start_a_list_is_not():
    assert plain_text.for_markdown("Re-referrals 2024-25") == "Re-referrals 2024-25"
    assert plain_text.for_markdown("- item -- x") == "\\- item \\-\\- x"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_web_or_mail_address_is_left_to_be_recognised(payload):
    escaped = plain_text.for_markdown(payload)
    assert not re.search(r"(?i)http|www", escaped)
    assert not re.search(r"[\w.+-]\\?@", escaped)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_reader_sees_exactly_what_was_written_on_one_line(payload):
    assert as_written(plain_text.for_markdown(payload)) == " ".join(payload.split())


def test_the_chart_labels_use_the_same_escaping():
    for payload in PAYLOADS:
        assert charts.plain(payload) == plain_text.for_markdown(payload)


@pytest.mark.parametrize("sequence", [
    "\x1b[31m", "\x1b[2J", "\x1b[?1049h", "\x9b2J", "\x1b]0;a title\x07", "\x1b]8;;http://x\x1b\\", "\x1bP1$r\x1b\\",
    "\x1bc", "\x1b7", "\r", "\x08", "\x00", "\u202e", "\x85",
])
def test_for_terminal_removes_every_escape_sequence_and_control(sequence):
    assert plain_text.for_terminal(f"before{sequence}after") == "beforeafter"


def test_for_terminal_keeps_line_breaks_tabs_and_ordinary_text():
    text = "workforce:2:team: warning: é – ‘quoted’ 東京\n\tnext line"
    assert plain_text.for_terminal(text) == text
