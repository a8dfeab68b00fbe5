"""News-article scraper and archival pipeline.

Data flow: fetch (``scraper.fetch``) -> parse (``scraper.parse``) -> store
(``storage``), joined by ``scraper.pipeline``. The public API is ``__all__``.
"""

from typing import TYPE_CHECKING

from storage.lazy import lazy_exports

__version__ = "0.1.0"

if TYPE_CHECKING:
    from scraper.errors import FetchError, InputError, NotHTMLError, ScraperError
    from scraper.fetch import Fetcher, FetchOptions, replay_transport
    from scraper.models import Article, Captcha, CommentForm, FetchedPage, FormField
    from scraper.parse import PARSER_VERSION, decode_html, parse_html
    from scraper.pipeline import FetchReport, fetch_and_store

# The public names are imported on first use (``storage.lazy``): a process that needs
# only a part (a parse worker needs no HTTP client) does not import and hold the rest.
__getattr__, __dir__ = lazy_exports(
    "scraper",
    globals(),
    {
        "scraper.errors": ("FetchError", "InputError", "NotHTMLError", "ScraperError"),
        "scraper.fetch": ("Fetcher", "FetchOptions", "replay_transport"),
        "scraper.models": ("Article", "Captcha", "CommentForm", "FetchedPage", "FormField"),
        "scraper.parse": ("PARSER_VERSION", "decode_html", "parse_html"),
        "scraper.pipeline": ("FetchReport", "fetch_and_store"),
    },
)

__all__ = [
    "PARSER_VERSION",
    "Article",
    "Captcha",
    "CommentForm",
    "FetchError",
    "FetchOptions",
    "FetchReport",
    "FetchedPage",
    "Fetcher",
    "FormField",
    "InputError",
    "NotHTMLError",
    "ScraperError",
    "__version__",
    "decode_html",
    "fetch_and_store",
    "parse_html",
    "replay_transport",
]
