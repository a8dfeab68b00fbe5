"""The article's comment form: pick it among the page's forms, describe its fields.

Search boxes, newsletter sign-ups and login forms are never taken. The others are
scored (a textarea, comment words in names/classes/ids, a comment endpoint as action, a
comment heading); the best one scoring at least ``MIN_COMMENT_FORM_SCORE`` wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.models import CommentForm, FormField
from scraper.parse.captcha import detect_captcha
from scraper.parse.text import ancestors, attr, hint_string, hint_tokens, node_text
from scraper.parse.urls import absolute
from scraper.parse.vocab import (
    COMMENT_ACTIONS,
    COMMENT_HEADINGS,
    COMMENT_HINTS,
    NEWSLETTER_HINTS,
    NON_TEXT_TYPES,
    SEARCH_FIELD_NAMES,
    SKIP_TAGS,
)

#: Weights: a textarea alone (a contact form) is not enough; a textarea plus one comment
#: hint is. Chosen so that every signal but the textarea needs a partner.
TEXTAREA_POINTS = 3
HINT_POINTS = 2
ACTION_POINTS = 3
MIN_COMMENT_FORM_SCORE = 5
#: How many ancestors of a form are searched for comment hints and its heading.
ANCESTOR_LEVELS = 3
#: Headings that title a form. A fieldset ``<legend>`` titles a group of fields inside
#: the form ("CAPTCHA", "Your details"), never the form.
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
CONTROL_TAGS = ("input", "textarea", "select", "button")
#: Label text leaves out nested controls and the "cancel reply" link in ``<small>``.
LABEL_SKIP = SKIP_TAGS | {"select", "textarea", "option", "button", "small"}
Labels = dict[str, LexborNode]
#: Honeypots: controls a person cannot see (bots fill every field). Only text-like
#: controls count: a ``type=hidden`` input is hidden by design, not a trap.
TEXT_LIKE_TYPES = frozenset({"text", "textarea", "email", "url", "tel", "search", "number"})
#: Inline CSS that hides an element; off-screen means absolutely placed at least 100px
#: beyond the left/top edge (``left:-9999px`` and ``-5000px`` are the usual values).
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_POSITIONED = re.compile(r"position\s*:\s*(?:absolute|fixed)", re.I)
_OFF_SCREEN = re.compile(r"(?:left|top)\s*:\s*-\s*\d{3,}", re.I)
#: Name/class/id words of honeypot plugins (WordPress Akismet ``ak_hp``, "ohnohoney"),
#: trusted only with a sign that people are kept out (``tabindex=-1``, no autofill).
HONEYPOT_MARKERS = ("honeypot", "hp_", "ak_hp", "ohnohoney")


Attrs = dict[str, str | None]


class _Control(NamedTuple):
    """A form control with its attribute dict (read once) and its ``_type``."""

    node: LexborNode
    tag: str
    attrs: Attrs
    kind: str


def _get(attrs: Attrs, name: str) -> str:
    """``attr`` on an attribute dict."""
    value = attrs.get(name)
    return value if value is not None else ""


def _kind(tag: str, attrs: Attrs) -> str:
    if tag in ("textarea", "select"):
        return tag
    if tag == "button":
        return _get(attrs, "type").strip().lower() or "submit"
    return _get(attrs, "type").strip().lower() or "text"


def _all_controls(form: LexborNode) -> list[_Control]:
    """Every control of the form, named or not, in document order."""
    found: list[_Control] = []
    for node in form.css(", ".join(CONTROL_TAGS)):
        tag, attrs = node.tag or "", node.attributes
        found.append(_Control(node, tag, attrs, _kind(tag, attrs)))
    return found


def _named(controls: list[_Control]) -> list[_Control]:
    return [c for c in controls if _get(c.attrs, "name")]


def _search_marked(form: LexborNode) -> bool:
    return attr(form, "role").lower() == "search" or "search" in hint_string(form)


def _search_field(controls: list[_Control]) -> bool:
    for control in controls:
        if control.tag != "input":
            continue
        kind, name = control.kind, _get(control.attrs, "name").lower()
        if kind == "search" or (kind == "text" and name in SEARCH_FIELD_NAMES):
            return True
    return False


def is_newsletter(form: LexborNode, controls: list[_Control]) -> bool:
    action_words = set(re.split(r"[^a-z0-9-]+", attr(form, "action").lower()))
    if not NEWSLETTER_HINTS.isdisjoint(hint_tokens(form) | action_words):
        return not any(c.tag == "textarea" for c in controls)
    visible = [c for c in _named(controls) if c.kind not in NON_TEXT_TYPES]
    return len(visible) == 1 and visible[0].kind == "email"


def _hinted(value: str) -> bool:
    return any(h in value.lower() for h in COMMENT_HINTS)


def score_form(form: LexborNode, controls: list[_Control]) -> int:
    score = TEXTAREA_POINTS if any(c.tag == "textarea" for c in controls) else 0
    if _hinted(f"{hint_string(form)} {attr(form, 'name')}"):
        score += HINT_POINTS
    if any(_hinted(hint_string(a)) for a in islice(ancestors(form), ANCESTOR_LEVELS)):
        score += HINT_POINTS
    if any(_hinted(f"{_get(c.attrs, 'name')} {_get(c.attrs, 'id')}")
           for c in _named(controls)):
        score += HINT_POINTS
    if any(a in attr(form, "action").lower() for a in COMMENT_ACTIONS):
        score += ACTION_POINTS
    heading = form_heading(form)
    if heading and heading.lower().startswith(COMMENT_HEADINGS):
        score += HINT_POINTS
    return score


def _heading_text(node: LexborNode) -> str | None:
    text = node_text(node, LABEL_SKIP).rstrip(" *")
    return text or None


def _title_inside(form: LexborNode) -> LexborNode | None:
    """A heading opening the form, before any of its controls (the form's own title)."""
    for node in form.traverse():
        if node.tag in CONTROL_TAGS:
            return None
        if node.tag in HEADING_TAGS:
            return node
    return None


def _heading_before(form: LexborNode) -> LexborNode | None:
    """The nearest heading before the form in its containers (``ANCESTOR_LEVELS`` up)."""
    node: LexborNode | None = form
    for _ in range(ANCESTOR_LEVELS):
        if node is None:
            break
        sibling = node.prev
        while sibling is not None:
            if sibling.tag in HEADING_TAGS:
                return sibling
            if sibling.tag == "form":
                break
            sibling = sibling.prev
        node = node.parent
    return None


def form_heading(form: LexborNode) -> str | None:
    """The form's own title (a heading before its controls), else the nearest heading
    before the form, else a heading inside it; never a fieldset legend."""
    found = (_title_inside(form) or _heading_before(form)
             or form.css_first(", ".join(HEADING_TAGS)))
    return _heading_text(found) if found is not None else None


def _label_text(node: LexborNode) -> tuple[str | None, bool]:
    """Label text without the ``*`` marker, and whether the marker was there."""
    return _label_text_from(node_text(node, LABEL_SKIP))


def field_label(control: _Control, labels: Labels) -> tuple[str | None, bool]:
    kind, attrs, node = control.kind, control.attrs, control.node
    if kind == "hidden":
        return None, False
    if control.tag == "input" and kind in ("submit", "button", "reset", "image"):
        return (_get(attrs, "value") or _get(attrs, "alt")).strip() or None, False
    if control.tag == "button":
        return node_text(node) or _get(attrs, "value").strip() or None, False
    label = labels.get(_get(attrs, "id"))
    if label is None:
        label = next((a for a in ancestors(node) if a.tag == "label"), None)
    if label is not None:
        text, marker = _label_text(label)
        if text:
            return text, marker
    for name in ("aria-label", "placeholder", "title"):
        text, marker = _label_text_from(_get(attrs, name))
        if text:
            return text, marker
    return None, False


def _label_text_from(value: str) -> tuple[str | None, bool]:
    """Label text without the required marker ``*`` and a trailing colon."""
    text = " ".join(value.replace("*", " ").split()).rstrip(" :\u00a0\u202f")
    return (text or None), "*" in value


def _is_required(attrs: Attrs, marker: bool) -> bool:
    aria = _get(attrs, "aria-required").strip().lower() == "true"
    return "required" in attrs or aria or marker


def _hidden_by_css(attrs: Attrs) -> bool:
    """Hidden from people: the ``hidden`` attribute or an inline style hiding it."""
    if "hidden" in attrs:
        return True
    style = _get(attrs, "style")
    if not style:
        return False
    if _HIDING_STYLE.search(style) is not None:
        return True
    return _POSITIONED.search(style) is not None and _OFF_SCREEN.search(style) is not None


def _marked_honeypot(attrs: Attrs) -> bool:
    words = f"{_get(attrs, 'name')} {_get(attrs, 'class')} {_get(attrs, 'id')}".lower()
    if not any(marker in words for marker in HONEYPOT_MARKERS):
        return False
    return _get(attrs, "tabindex").strip() == "-1" or (
        _get(attrs, "autocomplete").strip().lower() == "off")


def _honeypot(control: _Control, form: LexborNode) -> bool:
    if control.kind not in TEXT_LIKE_TYPES:
        return False
    if _marked_honeypot(control.attrs) or _hidden_by_css(control.attrs):
        return True
    for ancestor in ancestors(control.node):
        if ancestor.mem_id == form.mem_id:
            return False
        if _hidden_by_css(ancestor.attributes):
            return True
    return False


def is_honeypot(control: LexborNode, form: LexborNode) -> bool:
    """A text-like control people cannot see (itself or a container inside the form hidden
    by CSS or ``hidden``), or one named as a trap and kept out of the tab order."""
    tag, attrs = control.tag or "", control.attributes
    return _honeypot(_Control(control, tag, attrs, _kind(tag, attrs)), form)


def _field(control: _Control, form: LexborNode, labels: Labels) -> FormField:
    label, marker = field_label(control, labels)
    required = _is_required(control.attrs, marker) and control.kind not in NON_TEXT_TYPES
    return FormField(_get(control.attrs, "name"), control.kind, label, required,
                     honeypot=_honeypot(control, form))


def form_fields(form: LexborNode, controls: list[_Control],
                labels: Labels) -> tuple[FormField, ...]:
    return tuple(_field(control, form, labels) for control in _named(controls))


def _labels(tree: LexborHTMLParser) -> Labels:
    labels: Labels = {}
    for label in tree.css("label[for]"):
        labels.setdefault(attr(label, "for"), label)
    return labels


def _method(form: LexborNode) -> str:
    method = attr(form, "method").strip().lower()
    return method if method in ("get", "post", "dialog") else "get"


def _candidates(tree: LexborHTMLParser) -> Iterator[tuple[LexborNode, list[_Control]]]:
    """The page's forms that are not excluded (search, newsletter and login forms are
    never the comment form), each with its controls (read once)."""
    for form in tree.css("form"):
        if form.css_first('input[type="password" i]') is not None or _search_marked(form):
            continue
        controls = _all_controls(form)
        if not (_search_field(controls) or is_newsletter(form, controls)):
            yield form, controls


def extract_comment_form(tree: LexborHTMLParser, base: str | None,
                         url: str | None) -> CommentForm | None:
    """The best-scoring non-excluded form, described; None when no form qualifies."""
    scored = [(score_form(f, c), i, f, c) for i, (f, c) in enumerate(_candidates(tree))]
    if not scored:
        return None
    score, _, form, controls = max(scored, key=lambda item: (item[0], -item[1]))
    if score < MIN_COMMENT_FORM_SCORE:
        return None
    raw_action = attr(form, "action").strip()
    action = (absolute(base, raw_action) if raw_action else url) or url or raw_action
    fields = form_fields(form, controls, _labels(tree))
    return CommentForm(form_heading(form), action, _method(form), fields,
                       detect_captcha(form, fields))
