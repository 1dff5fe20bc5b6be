"""The plain records the analysis reads. They are made by the store (formkit.store.records,
below analyze in the layers); this name stays for the analysis code that imports it."""

from formkit.store.records import FeedbackRecord, ResponseFacts, ResponseRecord

__all__ = ["FeedbackRecord", "ResponseFacts", "ResponseRecord"]
