"""Last-resort field sources, for pages that state a field only indirectly: the date in
the URL path, the language of the running text, a byline between headline and body."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.parse import parse_html
from scraper.parse.dates import url_date
from scraper.parse.language import guess_language

PARA = ("The council said the work, which had been delayed twice, would start in the spring "
        "and take about eighteen months, with the main road closed for most of that time.")


@pytest.mark.parametrize(("url", "want"), [
    ("https://www.washingtonpost.com/world/x/2015/03/18/00202e76_story.html", "2015-03-18"),
    ("http://www.lemonde.fr/pixels/article/2015/05/04/que-contient_4627068_4408996.html",
     "2015-05-04"),
    ("https://example.com/2024-02-29-leap-day-story/", "2024-02-29"),
    ("https://example.com/news/2024/7/5/short-form", "2024-07-05"),
    ("https://example.com/2015/02/31/no-such-day", None),
    ("https://example.com/2015/13/01/no-such-month", None),
    ("https://example.com/story/20150318/compact-ids-are-not-dates", None),
    ("https://example.com/story?date=2015/03/18", None),
    ("https://example.com/tag/2015", None),
    (None, None),
])
def test_url_date(url: str | None, want: str | None) -> None:
    assert url_date(url) == want


@given(st.text(max_size=200))
def test_url_date_never_raises(url: str) -> None:
    found = url_date("https://example.com/" + url)
    assert found is None or len(found) == 10


@pytest.mark.parametrize(("text", "want"), [
    (PARA * 4, "en"),
    ("Le conseil a dit que les travaux, qui ont été reportés deux fois, commenceront au "
     "printemps et dureront dix-huit mois, avec la route principale fermée pour la plupart "
     "de cette période. Il est prévu que les commerces restent ouverts pendant ce temps. " * 3,
     "fr"),
    ("Der Rat sagte, die Arbeiten, die zweimal verschoben wurden, würden im Frühjahr "
     "beginnen und etwa achtzehn Monate dauern, wobei die Hauptstraße die meiste Zeit "
     "gesperrt sei. Es ist nicht klar, ob die Geschäfte auch geöffnet bleiben. " * 3, "de"),
    ("El consejo dijo que las obras, que se retrasaron dos veces, comenzarán en la primavera "
     "y durarán unos dieciocho meses, con la carretera principal cerrada durante la mayor "
     "parte del tiempo. Los comercios también seguirán abiertos para los vecinos. " * 3,
     "es"),
    ("Short text.", None),
    ("トレンドマイクロは公衆無線LANを安全に使うためのアプリを発表した。" * 5, None),
])
def test_guess_language(text: str, want: str | None) -> None:
    assert guess_language(text) == want


@given(st.text(max_size=2000))
def test_guess_language_never_raises(text: str) -> None:
    assert guess_language(text) in (None, "en", "fr", "de", "es", "it", "pt", "nl")


def test_page_without_lang_or_date_gets_them_from_text_and_url() -> None:
    html = ("<html><head><title>Road works</title></head><body><h1>Road works</h1>"
            "<article>" + "".join(f"<p>{PARA} ({i})</p>" for i in range(5))
            + "</article></body></html>")
    article = parse_html(html.encode(), "https://gazette.example/local/2024/03/07/road-works/")
    assert article.language == "en"
    assert article.published == "2024-03-07"


def test_stated_language_and_date_win_over_the_fallbacks() -> None:
    html = ('<html lang="fr"><body><h1>Road works</h1><article><time datetime="2024-03-09">'
            "9 mars</time>" + "".join(f"<p>{PARA} ({i})</p>" for i in range(5))
            + "</article></body></html>")
    article = parse_html(html.encode(), "https://gazette.example/2024/03/07/road-works/")
    assert article.language == "fr"
    assert article.published == "2024-03-09"


def test_byline_between_headline_and_article_scope() -> None:
    """The Washington Post's layout: ``<h1>``, a sig line, then ``<article>`` (the scope)
    holding only the body; a byline box in a sidebar after the body is not ours."""
    html = ('<html><body><div id="top"><h1>Attack stokes fears</h1>'
            '<div class="sig-line"><span class="pb-byline">By <a href="/people/erin">'
            "Erin Cunningham</a></span></div>"
            "<article>" + "".join(f"<p>{PARA} ({i})</p>" for i in range(5)) + "</article>"
            '<aside><div class="byline">By Someone Else</div></aside></div></body></html>')
    article = parse_html(html.encode(), "https://news.example/world/attack.html")
    assert article.bylines == ("Erin Cunningham",)
