"""Reads of the requests feature, one module per entity family (import the function from its module):
requests.py (a request and lists of them, scoped by stations/scope; its timeline, its handler, the re-rating
rule), drafts.py (application drafts), reports.py (residents' reports shown publicly), counter.py (the counter's
items ranked by the station's filings)."""
