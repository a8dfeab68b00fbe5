"""Walls: a response that stands between the reader and the story.

A paywall teaser or a consent wall is served with status 200 and parses into a few
words; archiving it as a version would record an "edit" that deleted the story.

1. Paywall: the body is a teaser (under ``PAYWALL_MAX_WORDS``) and the page says it is
   paid (``isAccessibleForFree: false`` in its structured data, or a subscription
   pitch in one of the four corpus languages).
2. Consent wall: the body is all but empty (under ``CONSENT_MAX_WORDS``) and the page
   carries a consent-management platform or its "accept cookies" prompt. Consent
   scripts sit on nearly every European page, so only an empty body counts.

The markers are data; they are matched on the lower-cased raw bytes, so the check
costs one regex scan and knows nothing of the parser's tree.
"""

from __future__ import annotations

import re

from scraper.models import Article

# Calibrated on the fixture corpus: its paywall teasers show 20-110 words, and its
# shortest free article (a wire brief) has 160; a consent wall page shows under 30.
PAYWALL_MAX_WORDS = 150
CONSENT_MAX_WORDS = 40

PAYWALL_MARKERS = (
    rb"isaccessibleforfree[\"']?\s*:\s*[\"']?false",
    rb"subscribe to (?:continue|read|keep reading)",
    rb"subscribers only|for subscribers|already a subscriber",
    rb"r\xc3\xa9serv\xc3\xa9 aux abonn\xc3\xa9s|abonnez-vous pour (?:lire|continuer)",
    rb"nur f\xc3\xbcr abonnenten|jetzt abonnieren|weiterlesen mit",
    rb"exclusivo para suscriptores|suscr\xc3\xadbete para (?:seguir|continuar)",
)
CONSENT_MARKERS = (
    rb"didomi|onetrust|cookiebot|usercentrics|quantcast choice|qc-cmp2|sp_message_container",
    rb"fc-consent|consentmanager|trustarc|truste-consent",
    rb"accept (?:all )?cookies|we value your privacy",
    rb"tout accepter|accepter et fermer|alle akzeptieren|aceptar (?:todas|todo)",
)
_PAYWALL = re.compile(b"|".join(PAYWALL_MARKERS))
_CONSENT = re.compile(b"|".join(CONSENT_MARKERS))


def wall_reason(article: Article, raw: bytes) -> str | None:
    """``"paywall"``, ``"consent wall"``, or None when the story is on the page."""
    words = len((article.lead or "").split()) + sum(len(p.split()) for p in article.paragraphs)
    if words >= PAYWALL_MAX_WORDS:
        return None
    page = raw.lower()
    if _PAYWALL.search(page):
        return f"paywall ({words} words of teaser)"
    if words < CONSENT_MAX_WORDS and _CONSENT.search(page):
        return "consent wall"
    return None
