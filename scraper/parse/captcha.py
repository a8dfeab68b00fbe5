"""Captchas guarding a form: third-party widgets, math questions, anything "captcha"."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from scraper.models import Captcha, FormField
from scraper.parse.text import attr, hint_tokens, node_text
from scraper.parse.vocab import CAPTCHA_WIDGETS, MATH_OPERATORS, NON_TEXT_TYPES, NUMBER_WORDS

#: A math question is a short line; a longer text merely contains one.
MAX_QUESTION_CHARS = 120

_NUM = r"(?:\d+|" + "|".join(NUMBER_WORDS) + r")"
_OP = "|".join(re.escape(o) for o in sorted(MATH_OPERATORS, key=len, reverse=True))
_HAS_DIGIT_OR_SIGN = re.compile(r"[\d=?]")
_MATH = re.compile(
    rf"(?<!\w){_NUM}\s*(?:{_OP})\s*(?:{_NUM}\s*(?:=|\?)|(?:_+|\?|…)?\s*=\s*{_NUM})", re.I)


def _widget_kind(form: LexborNode, container: LexborNode) -> str | None:
    """Kind of a third-party widget inside the form (or a widget script beside it)."""
    tokens = [hint_tokens(n) for n in form.css("[class]")]  # read once for every kind
    sources: list[str] | None = None
    for kind, classes, urls, _ in CAPTCHA_WIDGETS:
        if any(not classes.isdisjoint(t) for t in tokens):
            return kind
        if sources is None:
            sources = [attr(n, "src") for n in container.css("script[src], iframe[src]")]
        if any(u in s for s in sources for u in urls):
            return kind
    if form.css_first("[data-sitekey]") is not None:
        return "recaptcha"
    return None


def _widget_field(kind: str, fields: tuple[FormField, ...]) -> str | None:
    names = next(n for k, _, _, n in CAPTCHA_WIDGETS if k == kind)
    return next((f.name for f in fields if f.name in names), None)


def _question_node(form: LexborNode) -> LexborNode | None:
    """The innermost element (up to 3 levels above a text node) holding a math question."""
    for node in form.traverse(include_text=True):
        if node.tag != "-text" or not _HAS_DIGIT_OR_SIGN.search(node.text_content or ""):
            continue
        element = node.parent
        for _ in range(3):
            if element is None or element.tag in ("select", "option", "textarea", "script"):
                break
            text = node_text(element)
            if len(text) <= MAX_QUESTION_CHARS and _MATH.search(text):
                return element
            element = element.parent
    return None


def _field_after(question: LexborNode, form: LexborNode,
                 fields: tuple[FormField, ...]) -> str | None:
    """Name of the control the question labels, else the first text control after it."""
    if question.tag == "label" and attr(question, "for"):
        for target in form.css("[id][name]"):
            if attr(target, "id") == attr(question, "for"):
                return attr(target, "name")
    seen_question = False
    for node in form.traverse():
        if node.mem_id == question.mem_id:
            seen_question = True
        elif (seen_question and node.tag in ("input", "textarea") and attr(node, "name")
              and attr(node, "type").lower() not in NON_TEXT_TYPES):
            return attr(node, "name")
    return next((f.name for f in fields if "captcha" in f.name.lower()), None)


def _math_captcha(form: LexborNode, fields: tuple[FormField, ...]) -> Captcha | None:
    question = _question_node(form)
    if question is None:
        for f in fields:
            if f.label and _MATH.search(f.label):
                return Captcha("math", f.label, f.name)
        return None
    return Captcha("math", node_text(question), _field_after(question, form, fields))


def _marks(attrs: dict[str, str | None]) -> str:
    """``class``, ``id`` and ``src`` run together (one attribute read per element)."""
    return "".join(attrs.get(name) or "" for name in ("class", "id", "src"))


def _other_captcha(form: LexborNode, fields: tuple[FormField, ...]) -> Captcha | None:
    named = next((f for f in fields if "captcha" in f.name.lower()), None)
    marked = any("captcha" in _marks(n.attributes).lower()
                 for n in form.css("[class], [id], img[src]"))
    if named is None and not marked:
        return None
    return Captcha("other", None, named.name if named else None)


def detect_captcha(form: LexborNode, fields: tuple[FormField, ...]) -> Captcha | None:
    """Widget (reCAPTCHA, hCaptcha, Turnstile), else math question, else other."""
    container = form.parent or form
    kind = _widget_kind(form, container)
    if kind is not None:
        return Captcha(kind, None, _widget_field(kind, fields))
    return _math_captcha(form, fields) or _other_captcha(form, fields)
