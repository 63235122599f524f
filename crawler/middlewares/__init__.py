"""Crawl components of our own: politeness (Retry-After), incremental skipping, page budget, meta
refresh read from the head of a page."""
