"""Text a hostile upload or link might carry, each written to be read as Markdown or HTML by
Streamlit if it is not escaped. Shared by the unit test of `plain_text.for_markdown` and the
browser test that renders each one in every Markdown-reading element."""

PAYLOADS = [
    "[Your session expired: sign in again](http://evil.example/login)",
    "![t](http://evil.example/pixel.png)",
    "[reference][1]\n\n[1]: http://evil.example",
    "<http://evil.example/autolink>",
    "http://evil.example/bare",
    "HTTPS://EVIL.EXAMPLE/upper",
    "www.evil.example/x",
    "Visit Www.evil.example now",
    "write to someone@evil.example",
    "mailto:someone@evil.example",
    "**bold** __bold__ *em* _em_ ~~struck~~ `code`",
    ":red[red text] :blue-background[on blue] :rainbow[rainbow]",
    ":material/warning: :smile: :red-badge[badge]",
    "$x^2 + y^2$ and $$\\frac{1}{2}$$",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script><b>bold</b><a href='http://evil.example'>a</a>",
    "&lt;b&gt; &#x3C;img&#x3E; &amp;",
    "# Heading\n## Second",
    "Title\n=====",
    "- item\n* item\n1. item",
    "> quoted",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "line one\n\n    indented code",
    "footnote[^1]\n\n[^1]: http://evil.example",
    "back\\slash\\ at the end\\",
    "Re-referrals (%) within 12 months: A&B team's <5 cases",
]
