"""Reading returned surveys: page loading, locating, tick boxes, text, digital forms."""

from formkit.scan.batch import BatchReport, PageOutcome, read_paths

__all__ = ["BatchReport", "PageOutcome", "read_paths"]
