"""The MongoDB writer: the item pipeline at the end of the crawl, its buffered writer and its spool."""
