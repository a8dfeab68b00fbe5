"""News-article scraper and archival pipeline.

Data flow: fetch (``scraper.fetch``) -> parse (``scraper.parse``) -> store
(``storage``), joined by ``scraper.pipeline``. The public API is ``__all__``.
"""

__version__ = "0.1.0"

from scraper.errors import FetchError, InputError, NotHTMLError, ScraperError
from scraper.fetch import Fetcher, FetchOptions, replay_transport
from scraper.models import Article, Captcha, CommentForm, FetchedPage, FormField
from scraper.parse import PARSER_VERSION, decode_html, parse_html
from scraper.pipeline import FetchReport, fetch_and_store

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
