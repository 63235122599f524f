"""Crawl components of our own: politeness (Retry-After), incremental skipping, page budget."""
