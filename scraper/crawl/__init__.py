"""Crawling: which article to fetch again, and when (the revisit schedule)."""

from scraper.crawl.schedule import RevisitPolicy, next_visit

__all__ = ["RevisitPolicy", "next_visit"]
