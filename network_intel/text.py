"""Text helpers: safe Markdown, company and tag keys, highlighted snippets."""

from __future__ import annotations

import re
import unicodedata

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}


def render_markdown(source: str) -> str:
    """Markdown to HTML, then sanitized (nh3/ammonia): no scripts, styles, handlers or odd URL schemes."""
    html = markdown.markdown(source or "", extensions=["sane_lists", "tables", "fenced_code"], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "abbr": {"title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def fold(value: str) -> str:
    """Lowercase without accents (the Python twin of the SQL ``intel_fold``, for keys)."""
    value = (value or "").replace("ß", "ss").replace("æ", "ae").replace("Æ", "AE").replace("œ", "oe")
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


LEGAL_FORMS = {
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "plc",
    "corp", "corporation", "co", "company", "oy", "ab", "spa", "srl", "pty", "kg", "se",
}
DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+)((?:\.[a-z0-9-]+)*\.[a-z]{2,})/?$")


def domain_of(value: str) -> str:
    """``https://www.Acme.com/`` → ``acme.com``; '' when the text is not a bare domain."""
    match = DOMAIN.match(fold(value).strip())
    return (match.group(1) + match.group(2)) if match else ""


def company_key(name: str) -> str:
    """One key for "ACME Inc.", "Acme", "acme.com" and "Ácme GmbH": ``acme``."""
    text = fold(name).strip()
    match = DOMAIN.match(text)
    if match:
        text = match.group(1)
    words = re.findall(r"[a-z0-9]+", text)
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return "".join(words)[:200]


def tag_key(name: str) -> str:
    return " ".join(fold(name).split())


def clean_tag_name(name: str) -> str:
    return " ".join((name or "").split())


# ts_headline marks matches with these (no HTML from the database reaches the page unescaped).
MARK_START, MARK_STOP = "\x02", "\x03"


def highlighted(snippet: str) -> SafeString:
    """Escape a ts_headline fragment, then turn its markers into <mark>."""
    text = escape(snippet or "")
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308 - escaped above
