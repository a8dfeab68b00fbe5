"""The article's comment form: pick it among the page's forms, describe its fields.

Search boxes, newsletter sign-ups and login forms are never taken. The others are
scored (a textarea, comment words in names/classes/ids, a comment endpoint as action, a
comment heading); the best one scoring at least ``MIN_COMMENT_FORM_SCORE`` wins.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.models import CommentForm, FormField
from scraper.parse.captcha import detect_captcha
from scraper.parse.text import ancestors, attr, has_attr, hint_string, hint_tokens, node_text
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


def _controls(form: LexborNode) -> list[LexborNode]:
    return [n for n in form.css("input, textarea, select, button") if attr(n, "name")]


def _type(control: LexborNode) -> str:
    if control.tag in ("textarea", "select"):
        return control.tag or ""
    if control.tag == "button":
        return attr(control, "type").strip().lower() or "submit"
    return attr(control, "type").strip().lower() or "text"


def is_search(form: LexborNode) -> bool:
    if attr(form, "role").lower() == "search" or "search" in hint_string(form):
        return True
    for control in form.css("input"):
        kind, name = _type(control), attr(control, "name").lower()
        if kind == "search" or (kind == "text" and name in SEARCH_FIELD_NAMES):
            return True
    return False


def is_newsletter(form: LexborNode) -> bool:
    action_words = set(re.split(r"[^a-z0-9-]+", attr(form, "action").lower()))
    if not NEWSLETTER_HINTS.isdisjoint(hint_tokens(form) | action_words):
        return form.css_first("textarea") is None
    visible = [c for c in _controls(form) if _type(c) not in NON_TEXT_TYPES]
    return len(visible) == 1 and _type(visible[0]) == "email"


def is_excluded(form: LexborNode) -> bool:
    """Search, newsletter and login forms are never the comment form."""
    login = form.css_first('input[type="password" i]') is not None
    return login or is_search(form) or is_newsletter(form)


def _hinted(value: str) -> bool:
    return any(h in value.lower() for h in COMMENT_HINTS)


def score_form(form: LexborNode) -> int:
    score = TEXTAREA_POINTS if form.css_first("textarea") is not None else 0
    if _hinted(f"{hint_string(form)} {attr(form, 'name')}"):
        score += HINT_POINTS
    if any(_hinted(hint_string(a)) for a in list(ancestors(form))[:ANCESTOR_LEVELS]):
        score += HINT_POINTS
    if any(_hinted(f"{attr(c, 'name')} {attr(c, 'id')}") for c in _controls(form)):
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


def field_label(control: LexborNode, labels: Labels) -> tuple[str | None, bool]:
    kind = _type(control)
    if kind == "hidden":
        return None, False
    if control.tag == "input" and kind in ("submit", "button", "reset", "image"):
        return (attr(control, "value") or attr(control, "alt")).strip() or None, False
    if control.tag == "button":
        return node_text(control) or attr(control, "value").strip() or None, False
    label = labels.get(attr(control, "id"))
    if label is None:
        label = next((a for a in ancestors(control) if a.tag == "label"), None)
    if label is not None:
        text, marker = _label_text(label)
        if text:
            return text, marker
    for name in ("aria-label", "placeholder", "title"):
        text, marker = _label_text_from(attr(control, name))
        if text:
            return text, marker
    return None, False


def _label_text_from(value: str) -> tuple[str | None, bool]:
    """Label text without the required marker ``*`` and a trailing colon."""
    text = " ".join(value.replace("*", " ").split()).rstrip(" :\u00a0\u202f")
    return (text or None), "*" in value


def _is_required(control: LexborNode, marker: bool) -> bool:
    aria = attr(control, "aria-required").strip().lower() == "true"
    return has_attr(control, "required") or aria or marker


def _hidden_by_css(node: LexborNode) -> bool:
    """Hidden from people: the ``hidden`` attribute or an inline style hiding it."""
    if has_attr(node, "hidden"):
        return True
    style = attr(node, "style")
    if not style:
        return False
    if _HIDING_STYLE.search(style) is not None:
        return True
    return _POSITIONED.search(style) is not None and _OFF_SCREEN.search(style) is not None


def _marked_honeypot(control: LexborNode) -> bool:
    words = f"{attr(control, 'name')} {attr(control, 'class')} {attr(control, 'id')}".lower()
    if not any(marker in words for marker in HONEYPOT_MARKERS):
        return False
    return attr(control, "tabindex").strip() == "-1" or (
        attr(control, "autocomplete").strip().lower() == "off")


def is_honeypot(control: LexborNode, form: LexborNode) -> bool:
    """A text-like control people cannot see (itself or a container inside the form hidden
    by CSS or ``hidden``), or one named as a trap and kept out of the tab order."""
    if _type(control) not in TEXT_LIKE_TYPES:
        return False
    if _marked_honeypot(control) or _hidden_by_css(control):
        return True
    for ancestor in ancestors(control):
        if ancestor.mem_id == form.mem_id:
            return False
        if _hidden_by_css(ancestor):
            return True
    return False


def _field(control: LexborNode, form: LexborNode, labels: Labels) -> FormField:
    label, marker = field_label(control, labels)
    required = _is_required(control, marker) and _type(control) not in NON_TEXT_TYPES
    name, kind = attr(control, "name"), _type(control)
    return FormField(name, kind, label, required, honeypot=is_honeypot(control, form))


def form_fields(form: LexborNode, labels: Labels) -> tuple[FormField, ...]:
    return tuple(_field(control, form, labels) for control in _controls(form))


def _labels(tree: LexborHTMLParser) -> Labels:
    labels: Labels = {}
    for label in tree.css("label[for]"):
        labels.setdefault(attr(label, "for"), label)
    return labels


def _method(form: LexborNode) -> str:
    method = attr(form, "method").strip().lower()
    return method if method in ("get", "post", "dialog") else "get"


def extract_comment_form(tree: LexborHTMLParser, base: str | None,
                         url: str | None) -> CommentForm | None:
    """The best-scoring non-excluded form, described; None when no form qualifies."""
    scored = [(score_form(f), i, f) for i, f in enumerate(tree.css("form"))
              if not is_excluded(f)]
    if not scored:
        return None
    score, _, form = max(scored, key=lambda item: (item[0], -item[1]))
    if score < MIN_COMMENT_FORM_SCORE:
        return None
    raw_action = attr(form, "action").strip()
    action = (absolute(base, raw_action) if raw_action else url) or url or raw_action
    fields = form_fields(form, _labels(tree))
    return CommentForm(form_heading(form), action, _method(form), fields,
                       detect_captcha(form, fields))
