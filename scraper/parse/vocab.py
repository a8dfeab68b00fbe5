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
    "modal", "byline", "meta", "tags", "tagcloud", "keywords", "skip",
    "screenreader", "visuallyhidden", "lireaussi", "seealso",
    "recommended", "recirculation", "most", "trending", "teaser", "teasers", "nocontent",
    "anzeige", "werbung", "publicite", "publicidad", "pubblicita", "lesetipp", "leseempfehlung",
    "meistgelesen", "relacionadas", "relacionados", "partage", "compartir",
})
#: Substrings (of a whole class or id value) marking boilerplate.
BOILERPLATE_SUBSTRINGS = (
    "sharedaddy", "relatedposts", "related-", "-related", "newsletter", "cookie",
    "screen-reader", "sr-only", "visually-hidden", "author-bio", "authorbio", "author-box",
    "authorbox", "about-author", "author-info", "post-nav", "nav-links", "lire-aussi",
    "see-also", "also-read", "mehr-zum-thema", "comment",
    "social", "share-", "-share", "tag-links", "tags-links", "post-tags", "entry-meta",
    "post-meta", "ad-slot", "ad-container", "ad-wrapper", "advert",
)
#: Hints that mark either furniture or the story itself: "read more" is a box of links
#: to other stories or the expander holding the rest of this one (Herald Sun's
#: ``#read-more-content``), "paywall" a subscription pitch or the wrapper of the paid
#: text. Such an element is furniture unless it holds prose (``body.is_prose``).
AMBIGUOUS_TOKENS = frozenset({"readmore", "paywall", "paywalled"})
AMBIGUOUS_SUBSTRINGS = ("read-more", "readmore", "paywall")
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
#: Tokens marking a standfirst (lead) element (used by body scoring to keep a standfirst
#: out of the body). ``scraper.parse.lead`` matches the wider ``LEAD_ROOTS``.
LEAD_TOKENS = frozenset({
    "chapo", "chapeau", "standfirst", "lead", "lede", "intro", "summary", "dek", "deck",
    "excerpt", "subtitle", "subheadline", "sapo", "articlesummary", "kicker-lead",
    "leadtext", "introtext", "abstract", "strapline",
})
#: Word roots CMSs use for a standfirst, across languages, matched against each class/id
#: token, each pair of adjacent tokens joined (``sub-title`` -> ``subtitle``) and the
#: ``itemprop``/``data-*`` names of an element between the headline and the body:
#: en standfirst/dek/lede/teaser/strapline, fr chapo/chapeau/sapo, es bajada/entradilla/
#: sumario/subtitulo/copete, de vorspann/anriss, it sommario/catenaccio. A kicker
#: (overline) is never a lead; "leading" (a CSS utility class) is not a root.
LEAD_ROOTS = frozenset({
    "standfirst", "dek", "deck", "chapo", "chapeau", "chapô", "sapo", "lead", "lede",
    "leadtext", "intro", "introtext", "introduction", "teaser", "teasertext", "summary",
    "articlesummary", "excerpt", "subtitle", "subtitulo", "subtítulo", "subhead",
    "subheadline", "subheading", "bajada", "entradilla", "sumario", "copete", "desc",
    "description", "abstract", "strapline", "vorspann", "anriss", "catenaccio", "sommario",
})
#: Tokens marking image captions.
CAPTION_TOKENS = frozenset({
    "caption", "figcaption", "legend", "captiontext", "imagecaption", "legende", "légende",
    "bildunterschrift", "bildtext", "leyenda", "piedefoto", "piefoto", "pie-foto", "didascalia",
    "fotocaption", "fotolegende", "fotopie",
})
#: Tokens of a photo credit element ("Photo J.-P. M."), furniture inside the body (the
#: images stage keeps credits with their picture).
PHOTO_CREDIT_TOKENS = frozenset({
    "credit", "credits", "photocredit", "imagecredit", "bildnachweis", "bildquelle",
    "fotocredit", "credito", "photographer", "fotograf",
})
#: Words of ``aria-label`` values and ``data-*`` names (``data-component``,
#: ``data-testid``) marking furniture: sign-up, promotion and share boxes, bylines.
FURNITURE_LABEL_WORDS = frozenset({
    "newsletter", "newsletters", "signup", "subscribe", "subscription", "promotion", "promo",
    "advertisement", "ad", "ads", "share", "sharing", "social", "related", "comments",
    "byline", "author", "authors", "contributor", "contributors", "recirculation",
})
#: Labels of the button of a sign-up box (matched lower-cased, as a prefix).
SIGNUP_BUTTON_LABELS = ("sign up", "signup", "subscribe", "s'inscrire", "s’inscrire",
                        "je m'inscris", "je m’inscris", "inscription", "abonnieren",
                        "anmelden", "jetzt anmelden", "suscribirse", "suscríbete",
                        "suscribite", "inscríbete", "iscriviti")
#: Tokens marking byline elements outside JSON-LD.
BYLINE_TOKENS = frozenset({"byline", "author", "authors", "auteur", "autor", "signature",
                           "firma", "firmas", "verfasser", "autorin", "contributors",
                           "contributor", "signataire"})

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

# --- images (scraper.parse.images, scraper.parse.imagefilter) ---------------------------

#: Attributes holding the real source of a lazy-loaded image, tried before ``src``.
LAZY_SRC_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
                  "data-hi-res-src", "data-full-src")
LAZY_SRCSET_ATTRS = ("data-srcset", "data-lazy-srcset")
#: Tokens of an element holding a photo credit (``span.credit``, ``.photo-credit``).
CREDIT_TOKENS = frozenset({
    "credit", "credits", "photocredit", "imagecredit", "copyright", "bildnachweis",
    "bildquelle", "fotocredit", "credito", "photographer", "fotograf", "attribution",
    "byline-photo", "source",
})
CREDIT_ITEMPROPS = frozenset({"copyrightHolder", "creditText", "copyrightNotice"})
#: Labels opening a credit written in its own element ("Photo: X", "Crédit : X").
CREDIT_LABELS = ("image source", "picture source", "photo", "photos", "photograph",
                 "photography", "foto", "fotos", "crédit", "crédits", "credit", "credits",
                 "image", "images", "bild", "bilder", "imagen", "fotografía", "illustration",
                 "source", "quelle", "fuente")
#: Class/id tokens of pictures (or their boxes) that are not pictures of the article.
NON_CONTENT_IMAGE_TOKENS = frozenset({
    "logo", "logos", "avatar", "avatars", "gravatar", "icon", "icons", "emoji", "sprite",
    "pixel", "spacer", "tracking", "badge", "favicon", "ad", "ads", "adv", "advert",
    "advertisement", "adsbygoogle", "adslot", "sponsor", "sponsored", "promo", "pub",
    "publicite", "publicidad", "anzeige", "werbung", "outbrain", "taboola", "related",
    "relatedposts", "teaser", "teasers", "recommended", "trending", "share", "sharing",
    "social", "bio", "headshot", "comment", "comments", "captcha", "widget", "sidebar",
})
NON_CONTENT_IMAGE_SUBSTRINGS = (
    "author-bio", "authorbio", "author-box", "authorbox", "about-author", "author-info",
    "author-avatar", "avatar", "gravatar", "logo", "related", "sponsor", "advert",
    "bookmark-icon", "bookmark-thumbnail", "captcha",
)
#: Tokens of an image URL path naming a non-content picture.
NON_CONTENT_IMAGE_URL_TOKENS = frozenset({
    "logo", "avatar", "avatars", "gravatar", "favicon", "icon", "icons", "pixel", "spacer",
    "blank", "transparent", "tracking", "beacon", "sprite", "emoji", "captcha", "ads",
    "adserver", "banner", "banners", "publi", "publicidad", "publicite", "pub", "werbung",
    "anzeige", "advert", "adverts", "sponsor", "sponsors",
})
#: ``alt`` texts of ad pictures (matched lower-cased, whole).
AD_ALT_TEXTS = frozenset({"publicidad", "publicité", "publicite", "advertisement", "ad",
                          "anzeige", "werbung", "pub", "sponsor", "sponsored", "pubblicità"})
#: Host labels of ad servers and trackers.
AD_HOST_TOKENS = frozenset({
    "ads", "adserver", "adservice", "doubleclick", "googlesyndication", "pubads", "adnxs",
    "criteo", "taboola", "outbrain", "pub", "pixel", "tracking", "analytics", "beacon",
    "stats", "stat", "counter", "metrics", "track", "tracker",
})
#: Class/id substrings of text only screen readers get ("Image caption, ").
SCREEN_READER_SUBSTRINGS = ("visually-hidden", "visuallyhidden", "sr-only", "screen-reader",
                            "screenreader", "a11y-hidden", "assistive-text", "offscreen")

# --- tags and section (scraper.parse.taxonomy) ------------------------------------------

#: Class/id tokens of a breadcrumb trail ("Fil d'Ariane", "Brotkrumen", "migas de pan").
BREADCRUMB_TOKENS = frozenset({"breadcrumb", "breadcrumbs", "brotkrumen", "brotkrumennavigation",
                               "ariane", "filariane", "migas", "migasdepan", "crumbs",
                               "crumbtrail", "chemin"})
#: Characters joining the items of a breadcrumb trail.
BREADCRUMB_SEPARATORS = ">›»→/⟩·"
#: Names of the home item of a breadcrumb (casefolded).
HOME_WORDS = frozenset({"home", "homepage", "accueil", "startseite", "start", "inicio",
                        "portada", "home page", "page d'accueil", "page d’accueil"})

# --- reader comments (scraper.parse.comments) -------------------------------------------

#: Class words (whole ``class`` values) of one comment item.
COMMENT_ITEM_CLASSES = frozenset({
    "comment", "comment-item", "single-comment", "user-comment", "reader-comment",
    "c-comment", "commentlist-item", "kommentar", "commentaire", "comentario", "commento",
})
#: Tokens of the element naming a comment's author.
COMMENT_AUTHOR_TOKENS = frozenset({"author", "commentauthor", "username", "nickname",
                                   "authorname", "commenter", "user", "name", "pseudo"})
#: Tokens of the element giving a comment's date as text.
COMMENT_DATE_TOKENS = frozenset({"date", "time", "timestamp", "published", "commentdate",
                                 "commentmetadata", "metadata", "datetime"})
#: Tokens of the element holding a comment's text (before the looser ``*_BODY_*``).
COMMENT_TEXT_TOKENS = frozenset({"commentcontent", "commenttext", "commentmessage",
                                 "content", "text", "message", "comment-content"})
COMMENT_BODY_TOKENS = frozenset({"body", "commentbody", "entry"})
#: Words after an author's name ("Rita says:").
COMMENT_SAYS_WORDS = frozenset({"says", "said", "wrote", "dit", "écrit", "sagt", "schreibt",
                                "dice", "escribe", "scrive"})

# --- textual dates (scraper.parse.dates) ------------------------------------------------

#: Month names and abbreviations (fr, en, de, es), lower-cased, to month numbers.
MONTHS: dict[str, int] = {
    # French
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    "decembre": 12, "déc": 12,
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
    # German
    "januar": 1, "jänner": 1, "jaenner": 1, "februar": 2, "märz": 3, "maerz": 3, "mär": 3,
    "juni": 6, "juli": 7, "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
    # Spanish
    "enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5,
    "junio": 6, "julio": 7, "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9,
    "octubre": 10, "noviembre": 11, "diciembre": 12, "dic": 12,
}
#: Labels introducing the publication date in visible text (lower-cased).
TEXT_PUBLISHED_LABELS = ("publié le", "publié", "publiée le", "mis en ligne le", "mis en ligne",
                         "en ligne depuis le", "published on", "published",
                         "posted on", "posted", "veröffentlicht am", "veröffentlicht",
                         "erschienen am", "publicado el", "publicado", "publicada el")
#: Labels introducing the modification date in visible text (lower-cased).
TEXT_UPDATED_LABELS = ("mis à jour le", "mis à jour", "mise à jour le", "màj le", "màj",
                       "modifié le", "modifié", "actualisé le", "updated on", "updated",
                       "last updated", "last modified", "aktualisiert am", "aktualisiert",
                       "geändert am", "actualizado el", "actualizado", "modificado el")
#: Words of relative dates ("il y a 5 minutes", "2 hours ago"): never a date.
RELATIVE_DATE_WORDS = ("il y a", "ago", "vor ", "hace ", "aujourd'hui", "aujourd’hui",
                       "hier", "today", "yesterday", "heute", "gestern", "hoy", "ayer")
#: Languages whose numeric dates are month-first (03/04/2025 is March 4).
MONTH_FIRST_LANGUAGES = frozenset({"en", "en-US", "en-PH"})

# --- bylines (scraper.parse.bylines) ----------------------------------------------------

#: News agencies: a byline tail ("avec AFP", "Jane Doe/Reuters", ", dpa"), never a name
#: next to a person's (matched casefolded).
AGENCY_NAMES = frozenset({
    "afp", "agence france-presse", "agence france presse", "reuters", "ap",
    "associated press", "the associated press", "dpa", "efe", "agencia efe", "ansa", "epa",
    "europa press", "kyodo", "xinhua", "bloomberg", "pa", "pa media", "press association",
    "apa", "sda", "kna", "epd", "afp/dpa", "belga", "anp", "tass", "ria novosti", "aap",
    "upi", "agencies", "agences", "agencias", "agenturen", "wires", "wire services", "dpa-afx",
    "rtr", "ats", "keystone-ats", "notimex", "télam", "telam", "ap/reuters", "reuters/ap",
})

# --- article or index page (scraper.parse.classify) -------------------------------------

#: schema.org types of listing pages.
INDEX_LD_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage",
                            "SiteNavigationElement"})
#: First path segments of listing pages (``/tag/x/``, ``/author/x/``, ``/rubrique/x/``).
INDEX_PATH_SEGMENTS = frozenset({
    "tag", "tags", "category", "categories", "author", "authors", "section", "sections",
    "topic", "topics", "search", "archive", "archives", "page", "rubrique", "rubriques",
    "auteur", "auteurs", "theme", "themes", "mot-cle", "mots-cles", "thema", "themen",
    "autor", "autoren", "schlagwort", "stichwort", "suche", "etiqueta", "etiquetas",
    "categoria", "seccion", "tema", "temas", "buscar", "busqueda", "recherche", "label",
})
#: Query keys of site search result pages (``?s=``, ``?q=``).
SEARCH_QUERY_KEYS = ("s", "q", "query", "search", "keyword", "recherche", "suche", "buscar")
