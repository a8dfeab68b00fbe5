"""Typed values passed between the stages. No httpx or SQLAlchemy types here.

``FetchedPage`` leaves the fetcher, ``Article`` leaves the parser; both are frozen
so a stage can never change what an earlier stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CAPTCHA_KINDS = ("math", "recaptcha", "hcaptcha", "turnstile", "other")


@dataclass(frozen=True, slots=True)
class FormField:
    """One named control of a form, in document order.

    ``honeypot`` marks a trap for bots: a control a person cannot see although it is
    not ``type=hidden`` (a hidden textarea, a text input in a ``display:none`` or
    off-screen container). The JSON key ``honeypot: true`` appears only on such fields.
    """

    name: str
    type: str
    label: str | None
    required: bool
    honeypot: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "label": self.label,
            "required": self.required,
        }
        if self.honeypot:
            out["honeypot"] = True
        return out


@dataclass(frozen=True, slots=True)
class Captcha:
    """A challenge guarding a form. ``kind`` is one of ``CAPTCHA_KINDS``."""

    kind: str
    question: str | None
    field: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "question": self.question, "field": self.field}


@dataclass(frozen=True, slots=True)
class CommentForm:
    """The article's own comment form (never a search, newsletter or login form)."""

    heading: str | None
    action: str
    method: str
    fields: tuple[FormField, ...]
    captcha: Captcha | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "action": self.action,
            "method": self.method,
            "fields": [f.to_dict() for f in self.fields],
            "captcha": self.captcha.to_dict() if self.captcha else None,
        }


@dataclass(frozen=True, slots=True)
class Image:
    """A content image of the article (lead image included), in document order.

    ``url`` is absolute (the real source of lazy-loaded images, never a ``data:`` URI);
    ``caption`` is the caption without the credit when the page separates the two;
    ``credit`` is the photo credit as displayed, or None.
    """

    url: str
    caption: str | None = None
    credit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "caption": self.caption, "credit": self.credit}


@dataclass(frozen=True, slots=True)
class Comment:
    """One reader comment, in document order; kept out of the body."""

    author: str | None
    published: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"author": self.author, "published": self.published, "text": self.text}


@dataclass(frozen=True, slots=True)
class Article:
    """What the parser extracts from one page: the public contract of ``scraper parse``.

    ``text`` is the body as a reader reads it: lead, paragraphs and subheadings in
    document order, joined by blank lines. ``images``, ``comments``, ``tags``,
    ``section`` and ``is_article`` (False for home, section, tag and other index
    pages) go beyond what other extractors give. ``tags`` are the page's topic tags
    (``article:tag``, JSON-LD ``keywords``, ``rel=tag`` links), each once, in order;
    ``section`` is the site section the article is filed under (``article:section``,
    JSON-LD ``articleSection``, else the last breadcrumb category), or None.
    ``links`` are the absolute URLs found on the page (for discovery); they are not
    part of the JSON contract.
    """

    url: str | None
    title: str | None
    bylines: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    lead: str | None = None
    paragraphs: tuple[str, ...] = ()
    subheadings: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    text: str = ""
    comment_form: CommentForm | None = None
    images: tuple[Image, ...] = ()
    comments: tuple[Comment, ...] = ()
    tags: tuple[str, ...] = ()
    section: str | None = None
    is_article: bool = True
    links: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The contract keys, in contract order (``file`` is added by the CLI)."""
        return {
            "url": self.url,
            "title": self.title,
            "bylines": list(self.bylines),
            "published": self.published,
            "modified": self.modified,
            "language": self.language,
            "lead": self.lead,
            "paragraphs": list(self.paragraphs),
            "subheadings": list(self.subheadings),
            "captions": list(self.captions),
            "text": self.text,
            "comment_form": self.comment_form.to_dict() if self.comment_form else None,
            "images": [i.to_dict() for i in self.images],
            "comments": [c.to_dict() for c in self.comments],
            "tags": list(self.tags),
            "section": self.section,
            "is_article": self.is_article,
        }


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One HTTP exchange as the fetcher saw it.

    ``redirects`` lists the URLs that answered with a redirect, in order, before
    ``url`` (the final URL) answered with ``status``.
    """

    requested_url: str
    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    elapsed_ms: int
    redirects: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def charset(self) -> str | None:
        """The charset named by the Content-Type header, if any."""
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None
