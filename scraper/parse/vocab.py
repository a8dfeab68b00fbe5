"""Vocabularies the parser matches against: data, not logic.

Class/id hints are matched against *tokens* of ``class`` and ``id`` values (split on
``-``, ``_``, spaces and other non-alphanumerics, plus the whole value), so ``ad`` hits
``ad-slot`` but never ``header`` or ``leaderboard``. ``*_SUBSTRINGS`` are long enough
to be matched inside a token (``sharedaddy``, ``jp-relatedposts``).
"""

from __future__ import annotations

# --- elements -------------------------------------------------------------------------

#: Elements whose content is never article text.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "video", "audio", "picture", "img", "map", "head", "title", "meta", "link",
    # AMP components that render ads, tracking, consent prompts, menus and share bars;
    # their fallback/placeholder text ("Advertisement") is never article text.
    "amp-ad", "amp-embed", "amp-sticky-ad", "amp-auto-ads", "amp-analytics", "amp-pixel",
    "amp-consent", "amp-sidebar", "amp-social-share", "amp-iframe", "amp-geo",
    "amp-user-notification", "amp-install-serviceworker",
})
#: Elements that embed a picture or media (a figure holding one is a photo figure).
MEDIA_TAGS = ("img", "picture", "video", "audio", "iframe", "svg", "object", "embed",
              "canvas", "amp-img", "amp-anim", "amp-video", "amp-youtube", "amp-iframe")
#: Elements that are page furniture when found inside the body container.
FURNITURE_TAGS = frozenset({
    "nav", "aside", "footer", "header", "form", "button", "select", "input", "textarea",
    "label", "dialog", "menu", "ins", "figure", "figcaption", "h1",
})
#: Elements that start a new line (a new text segment) when rendered.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "body",
    "html", "caption", "legend", "option", "optgroup",
})
SUBHEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
#: Elements whose own text counts as a paragraph when scoring body candidates.
PARAGRAPH_TAGS = frozenset({"p", "pre", "blockquote", "td", "li"})

# --- class / id hints -----------------------------------------------------------------

#: Tokens marking boilerplate blocks (ads, share bars, related posts, comments, ...).
BOILERPLATE_TOKENS = frozenset({
    "ad", "ads", "adv", "advert", "advertisement", "adsbygoogle", "adslot", "banner",
    "sponsor", "sponsored", "promo", "promotion", "outbrain", "taboola", "share", "sharing",
    "social", "socials", "related", "relatedposts", "newsletter", "subscribe", "subscription",
    "signup", "cookie", "cookies", "consent", "gdpr", "comment", "comments", "respond",
    "reply", "replies", "disqus", "breadcrumb", "breadcrumbs", "pagination", "pager",
    "navigation", "nav", "menu", "sidebar", "widget", "footer", "toolbar", "popup",
    "modal", "byline", "meta", "tags", "tagcloud", "keywords", "readmore", "skip",
    "screenreader", "visuallyhidden", "paywall", "lireaussi", "seealso",
    "recommended", "recirculation", "most", "trending", "teaser", "teasers", "nocontent",
    "anzeige", "werbung", "publicite", "publicidad", "pubblicita", "lesetipp", "leseempfehlung",
    "meistgelesen", "relacionadas", "relacionados", "partage", "compartir",
})
#: Substrings (of a whole class or id value) marking boilerplate.
BOILERPLATE_SUBSTRINGS = (
    "sharedaddy", "relatedposts", "related-", "-related", "newsletter", "cookie",
    "screen-reader", "sr-only", "visually-hidden", "author-bio", "authorbio", "author-box",
    "authorbox", "about-author", "author-info", "post-nav", "nav-links", "lire-aussi",
    "read-more", "readmore", "see-also", "also-read", "mehr-zum-thema", "comment",
    "social", "share-", "-share", "tag-links", "tags-links", "post-tags", "entry-meta",
    "post-meta", "ad-slot", "ad-container", "ad-wrapper", "advert",
)
#: Tokens of boxes that describe *other* stories or readers (their dates are not ours).
OTHER_STORY_TOKENS = frozenset({
    "related", "relatedposts", "comment", "comments", "sidebar", "widget", "footer",
    "teaser", "teasers", "recommended", "trending", "most", "promo", "aside", "nav",
})
OTHER_STORY_SUBSTRINGS = ("related", "comment", "sidebar", "widget")
#: Tokens suggesting the main text container (Readability's "positive" hints).
POSITIVE_TOKENS = frozenset({
    "article", "articlebody", "body", "content", "entry", "main", "post", "story", "text",
    "blog", "prose", "rich", "chapter", "page", "hentry", "single", "artikel", "inhalt",
    "beitrag", "texto", "contenido", "cuerpo", "noticia", "articulo", "corps", "contenu",
    "texte", "articolo", "testo",
})
#: Tokens suggesting a non-content container when scoring (subset of boilerplate).
NEGATIVE_TOKENS = frozenset({
    "comment", "comments", "sidebar", "widget", "footer", "related", "share", "sharing",
    "social", "nav", "navigation", "menu", "ad", "ads", "advert", "promo", "sponsor",
    "newsletter", "cookie", "banner", "breadcrumb", "pagination", "masthead", "header",
    "respond", "outbrain", "taboola", "teaser", "recommended", "trending",
})
#: Tokens marking a standfirst (lead) element.
LEAD_TOKENS = frozenset({
    "chapo", "chapeau", "standfirst", "lead", "lede", "intro", "summary", "dek", "deck",
    "excerpt", "subtitle", "subheadline", "sapo", "articlesummary", "kicker-lead",
    "leadtext", "introtext", "abstract", "strapline",
})
#: Tokens marking image captions.
CAPTION_TOKENS = frozenset({
    "caption", "figcaption", "legend", "captiontext", "imagecaption", "legende", "légende",
    "bildunterschrift", "bildtext", "leyenda", "piedefoto", "didascalia", "fotocaption",
})
#: Tokens marking byline elements outside JSON-LD.
BYLINE_TOKENS = frozenset({"byline", "author", "authors", "auteur", "autor", "signature"})

#: Roles (ARIA) whose content is never article text.
BOILERPLATE_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert",
    "menu", "menubar", "toolbar",
})

# --- text -----------------------------------------------------------------------------

#: Paragraph prefixes announcing a link to another article (matched lower-cased).
RELATED_PREFIXES = (
    "à lire aussi", "a lire aussi", "lire aussi", "à lire également", "lire également",
    "voir aussi", "à voir aussi", "sur le même sujet", "read more", "read also", "also read",
    "related", "see also", "more:", "recommended", "mehr zum thema", "lesen sie auch",
    "lesen sie mehr", "auch interessant", "siehe auch", "lea también", "lee también",
    "leer más", "te puede interesar", "ver también", "relacionado", "leggi anche",
    "tags:", "tags :", "étiquettes", "mots-clés", "mots clés", "schlagwörter", "etiquetas",
    "partager", "share this", "advertisement", "publicité", "anzeige", "publicidad",
)
#: Headings that title boilerplate boxes (matched lower-cased, as a prefix).
BOILERPLATE_HEADINGS = (
    "related", "read more", "more on this", "more from", "you may also like", "recommended",
    "most read", "most popular", "à lire aussi", "lire aussi", "sur le même sujet",
    "articles similaires", "articles liés", "dans la même rubrique", "partager", "share",
    "mehr zum thema", "das könnte sie auch interessieren", "lea también",
    "te puede interesar", "noticias relacionadas", "tags", "étiquettes", "comments",
    "commentaires", "kommentare", "comentarios", "leave a reply", "leave a comment",
    "laisser un commentaire", "newsletter", "advertisement", "publicité", "navigation",
    "about the author", "à propos de l'auteur", "à propos de l’auteur", "follow us",
    "suivez-nous", "abonnez-vous", "subscribe", "sign up",
)
#: Words introducing a byline ("Par Jean Dupont", "By Jane Doe").
BYLINE_PREFIXES = ("par", "by", "von", "por", "de", "door", "di", "av", "af", "written by",
                   "texte", "text", "story by", "words by")
#: Words joining several byline names.
BYLINE_CONJUNCTIONS = ("and", "et", "und", "y", "e", "en", "og", "och", "&")
#: Words marking the role after a byline name (", Local Democracy Reporter").
BYLINE_ROLE_WORDS = frozenset({
    "reporter", "correspondent", "journalist", "editor", "writer", "staff", "contributor",
    "columnist", "correspondant", "correspondante", "envoyé", "envoyée", "envoyés",
    "envoyées", "journaliste", "rédaction", "rédacteur", "rédactrice", "redaktion",
    "korrespondent", "korrespondentin", "redactor", "redactora", "corresponsal",
    "periodista", "agencies", "agences", "agency", "news", "desk", "team", "updated",
    "published", "mis", "publié", "spécial", "special", "chief", "senior", "political",
    "reporters",
})
#: Lower-case particles allowed inside a personal name.
NAME_PARTICLES = frozenset({
    "de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "das", "dos", "di",
    "del", "della", "bin", "ibn", "al", "el", "y", "ter", "zu", "st.",
})

# --- forms ----------------------------------------------------------------------------

#: Words marking a comment form (in form/ancestor class, id, action or control names).
COMMENT_HINTS = ("comment", "respond", "reply", "kommentar", "commentaire", "comentario",
                 "commento", "reactie", "reaction", "discussion", "feedback-comment")
#: Actions of comment endpoints.
COMMENT_ACTIONS = ("wp-comments-post.php", "/comment", "/comments", "comment.php",
                   "/reply", "/kommentar")
#: Headings announcing a comment form (lower-cased prefixes).
COMMENT_HEADINGS = ("leave a reply", "leave a comment", "post a comment", "add a comment",
                    "write a comment", "comment", "laisser un commentaire", "réagir",
                    "votre commentaire", "ajouter un commentaire", "kommentar",
                    "schreibe einen kommentar", "deja un comentario", "deja una respuesta",
                    "escribe un comentario", "lascia un commento", "reply")
#: Hints of newsletter sign-up forms.
NEWSLETTER_HINTS = frozenset({"newsletter", "subscribe", "subscription", "tnp", "mc4wp",
                              "mailchimp", "signup", "sign-up", "optin", "opt-in", "mailpoet",
                              "sib", "sendinblue", "klaviyo", "substack", "inscription"})
#: Names of search boxes.
SEARCH_FIELD_NAMES = frozenset({"s", "q", "query", "search", "keyword", "keywords", "k",
                                "searchterm", "search_query", "term"})
#: Control types that carry no user-typed text.
NON_TEXT_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})
#: Third-party captcha widgets: kind -> (class tokens, script/iframe URL fragments,
#: response field names).
CAPTCHA_WIDGETS = (
    ("hcaptcha", frozenset({"h-captcha"}), ("hcaptcha.com",), ("h-captcha-response",)),
    ("turnstile", frozenset({"cf-turnstile"}), ("challenges.cloudflare.com/turnstile",),
     ("cf-turnstile-response",)),
    ("recaptcha", frozenset({"g-recaptcha", "recaptcha"}), ("recaptcha",),
     ("g-recaptcha-response",)),
)
#: Number words accepted in math captchas ("What is two plus 3?").
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                "nine", "ten", "un", "deux", "trois", "quatre", "cinq", "sept", "huit",
                "neuf", "dix", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben",
                "acht", "neun", "zehn", "uno", "dos", "tres", "cuatro", "cinco", "seis",
                "siete", "ocho", "nueve", "diez")
#: Operators of math captchas, symbols and words.
MATH_OPERATORS = ("+", "-", "−", "–", "×", "x", "*", "÷", "/", "plus", "minus", "moins",
                  "times", "fois", "mal", "más", "menos", "por", "multiplied by")
