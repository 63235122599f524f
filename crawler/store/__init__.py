"""The store below every stage: the connection, the embedded server, the article schema and indexes.

`crawler/` (the incremental skip, stories, commands) and `exporters/` (the writer) both open the store
through this package, so neither imports the other for it.
"""
