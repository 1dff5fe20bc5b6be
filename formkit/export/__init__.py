"""Exports for people: workbooks, the annual report and its charts."""
