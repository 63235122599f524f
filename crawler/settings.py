"""Scrapy settings for vnnews: the one place for configuration.

Every setting the code reads is declared here once, with its default and its meaning in the comment
beside it (docs/settings.md is generated from this file: `python -m crawler.settings_doc`). Components
read them in `from_crawler` and raise `NotConfigured` when they are switched off. Store settings read
the environment too, so a scheduled job can be pointed elsewhere without edits: MONGODB_URI (unset =
the embedded store), MONGODB_DATABASE, VNNEWS_HOME, VNNEWS_REPLAY_URL, VNNEWS_LOG_LEVEL.
"""

from __future__ import annotations

import os

BOT_NAME = "vnnews"  # the project's name in Scrapy's logs and stats
SPIDER_MODULES = ["spiders"]  # where the spiders are: one per outlet, generated from crawler/outlets
NEWSPIDER_MODULE = "spiders"  # where `scrapy genspider` would put a spider (vnnews never needs one)
COMMANDS_MODULE = "spiders.commands"  # our `scrapy crawl`: bad `-a` arguments are one line and exit 2

# -- politeness (live crawls) --------------------------------------------------------------------
USER_AGENT = "vnnews/0.1 (+https://github.com/vnnews/vnnews; news research crawler)"  # says who crawls
ROBOTSTXT_OBEY = True  # robots.txt is obeyed on every outlet
CONCURRENT_REQUESTS = 16  # requests in flight across all outlets of one process
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # requests in flight to one outlet
DOWNLOAD_DELAY = 1.0  # seconds between two requests to one outlet
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% of the delay (replaces the deprecated RANDOMIZE_DOWNLOAD_DELAY)
AUTOTHROTTLE_ENABLED = True  # slow down when an outlet answers slowly
AUTOTHROTTLE_START_DELAY = 1.0  # seconds: the first delay AutoThrottle uses
AUTOTHROTTLE_MAX_DELAY = 60.0  # seconds: the longest delay AutoThrottle waits
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # requests in flight per outlet AutoThrottle aims at
RETRY_ENABLED = True  # retry failed requests (timeouts, the codes below)
RETRY_TIMES = 3  # retries of one request
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]  # statuses retried
DOWNLOAD_TIMEOUT = 30  # seconds before a request is given up
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # bytes: a larger response is refused (an article page is < 2 MB)
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024  # bytes: a larger response is logged as unusual
COOKIES_ENABLED = False  # no cookies: every fetch is a first visit
TELNETCONSOLE_ENABLED = False  # no telnet console on a crawler that runs unattended
REMOTE_CONTROL_ENABLED = False  # nor Scrapy's code-running HTTP server, one per crawler (one per outlet)

# -- spiders (docs/spiders.md) ------------------------------------------------------------------
# Downloader middlewares of our own, in Scrapy's order numbers.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.address_guard.AddressGuardMiddleware": 90,  # no loopback/private hosts (live)
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 560,  # just below RetryMiddleware (550)
    # Scrapy's meta refresh decodes and keeps each whole page; ours reads its head (meta_refresh.py)
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.meta_refresh.HeadMetaRefreshMiddleware": 580,
    "crawler.replay.middleware.ReplayMiddleware": 990,  # off unless REPLAY_URL is set
}
# Spider middlewares of our own: the incremental skip and the page budget.
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.incremental.IncrementalMiddleware": 950,  # skips article URLs already stored
    "crawler.middlewares.incremental.PageBudgetMiddleware": 940,  # -a max_pages=N
}
ADDRESS_GUARD_ENABLED = True  # refuse hosts that resolve to loopback, private or link-local addresses
RETRY_AFTER_ENABLED = True  # honour Retry-After on the codes below (needs RETRY_ENABLED)
RETRY_AFTER_HTTP_CODES = [429, 503]  # statuses whose Retry-After header sets the wait
RETRY_AFTER_MAX_DELAY = 300.0  # seconds: a longer Retry-After gives the request up
RETRY_BACKOFF_BASE = 2.0  # seconds: exponential back-off base when no Retry-After is sent
INCREMENTAL_ENABLED = True  # skip article URLs already in the store
INCREMENTAL_BATCH_SIZE = 200  # article URLs asked of the store in one query
INCREMENTAL_REFRESH_HOURS = 0.0  # or -a refresh_hours=N: re-fetch stored articles this recent
INCREMENTAL_SKIP_COLLECTION = "crawl_skips"  # URLs that were not news, not fetched again for a while
INCREMENTAL_SKIP_DAYS = 30.0  # days a URL that was not news (e.g. a redirect page) is not fetched again
REPLAY_URL = os.environ.get("VNNEWS_REPLAY_URL")  # http://127.0.0.1:PORT: fetch from the local replay

# -- pipelines: the stages after the spider, in order (docs/architecture.md) ----------------------
# The stages after the spider, each one thing, in this order (the one list; docs/architecture.md).
ITEM_PIPELINES = {
    "crawler.pipelines.extract.ExtractPipeline": 100,  # page → fields and date candidates
    "crawler.pipelines.dates.DatesPipeline": 200,  # choose the dates, keep where each came from
    "crawler.pipelines.window.WindowPipeline": 250,  # drop articles outside -a since/until
    "crawler.pipelines.normalize.NormalizePipeline": 300,  # NFC, canonical URL, hashes
    "crawler.pipelines.stories.StoryPipeline": 700,  # story_id rides into the store's upsert
    "exporters.mongo.pipeline.MongoPipeline": 800,  # idempotent upserts, duplicates, raw pages, spool
}
EXTRACTION_WORKERS = os.cpu_count() or 1  # extraction processes (one per core); 0 = in the reactor thread
EXTRACTION_TIMEOUT = 30.0  # seconds one page may take before its worker is killed and the page dropped
EXTRACTION_QUEUE_SIZE = 32  # pages handed to the workers at once: memory stays flat on a fast download
STORIES_ENABLED = True  # give every stored article its story during the crawl
STORIES_THRESHOLD = 0.3  # estimated Jaccard at or above which two bodies are one story (docs/stories.md)
STORIES_WINDOW_DAYS = 3  # days either side of publication searched for the same story
STORIES_MAX_CANDIDATES = 200  # stored articles compared per article: bounds a recurring boilerplate text
STORIES_COLLECTION = "stories"  # one document per story
STORIES_BANDS_COLLECTION = "story_bands"  # the LSH index of stored bodies
STORIES_MERGES_COLLECTION = "story_merges"  # links from a merged-away story to the one it joined
STORIES_BATCH_SIZE = 100  # most articles assigned together (a batch fills while the last is stored)
STORIES_SEARCH_BATCH = 8  # articles of a batch searched in one query (SecantusDB: keys × hits cost)

# -- archive ingest: vnnews ingest, spiders/archive.py (docs/ingest.md) ---------------------------
ARCHIVE_LANGUAGE = "vi"  # or --lang any: pages in another language are counted and skipped
ARCHIVE_URL_FROM = "canonical"  # where a saved .html file's URL comes from: canonical, og, manifest:FILE
ARCHIVE_MAX_IN_FLIGHT = 32  # archive pages in the stages at once: bounds memory, keeps the extraction busy
ARCHIVE_SKIP_STORED = True  # skip records whose URL is stored from a fetch at least as recent
ARCHIVE_BATCH_SIZE = 200  # record URLs asked of the store in one query
ARCHIVE_PROGRESS_INTERVAL = 1.0  # seconds between two progress reports of an ingest

# -- store ------------------------------------------------------------------------------------------
MONGODB_URI = os.environ.get("MONGODB_URI")  # None: start the embedded SecantusDB store
MONGODB_DATABASE = os.environ.get("MONGODB_DATABASE", "vnnews")  # database name
MONGODB_ARTICLES_COLLECTION = "articles"  # one document per canonical URL
MONGODB_PAGES_COLLECTION = "pages"  # raw pages, compressed, for re-extraction
MONGODB_BUFFER_SIZE = 500  # articles written in one bulk write
MONGODB_FLUSH_INTERVAL = 5.0  # seconds between time-based flushes
MONGODB_SERVER_TIMEOUT_MS = 3000  # how long a write waits for an unreachable server before spooling
MONGODB_RETRY_AFTER = 10.0  # seconds to spool without trying once the server was found down
MONGODB_SPOOL_DIR = None  # where writes wait while the store is down; None: $VNNEWS_HOME/spool
VNNEWS_EMBEDDED_DIR = None  # the embedded store's data folder; None: $VNNEWS_HOME/db
# seconds the shared embedded store server stays up once no process uses it (then it stops itself)
VNNEWS_EMBEDDED_IDLE_SECONDS = float(os.environ.get("VNNEWS_EMBEDDED_IDLE_SECONDS", "300"))
RAW_HTML_ENABLED = True  # keep the raw page of every article for re-extraction
RAW_HTML_RETENTION_DAYS = 0  # days raw pages are kept; 0 keeps them forever

# -- many workers: a shared frontier in Redis (crawler/frontier, docs/scale-out.md) ---------------
ADDONS = {"crawler.frontier.FrontierAddon": 0}  # switches SCHEDULER to Redis when FRONTIER_URL is set
FRONTIER_URL = os.environ.get("VNNEWS_FRONTIER_URL")  # redis://host:6379/0 shared by workers; None: off
FRONTIER_KEY_PREFIX = "vnnews:frontier"  # Redis keys are <prefix>:<spider>:queue|requests|leases|…
FRONTIER_LEASE_SECONDS = 120.0  # a request taken by a worker that stops renewing it (killed) returns then
FRONTIER_ACK_DELAY = 10.0  # seconds after its item left the pipelines that a lease ends: > a store flush
FRONTIER_SEEN_SECONDS = 3600.0  # a finished article URL is not queued again for this long by any worker
FRONTIER_CONNECT_TIMEOUT = 5.0  # seconds a Redis connect or command may take before it counts as failed

# -- engine -----------------------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"  # asyncio: pymongo's async client
# waiting requests of the plain shape as tuples, ~0.6 KB not ~2.6 KB each (crawler/frontier/memory.py)
SCHEDULER_MEMORY_QUEUE = "crawler.frontier.memory.CompactLifoMemoryQueue"
CONCURRENT_ITEMS = 4  # tasks Scrapy starts per response for its output (an article page gives one item)
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 500_000  # bytes of pages one outlet holds in the stages: then it waits
FEED_EXPORT_ENCODING = "utf-8"  # feed exports (-O out.jsonl) write Vietnamese as it is
# feed exports write the article document, never the raw page (exporters/feeds.py, docs/exports.md)
FEED_EXPORTERS = {
    "jsonlines": "exporters.feeds.JsonLinesFeedExporter",
    "jsonl": "exporters.feeds.JsonLinesFeedExporter",
    "jl": "exporters.feeds.JsonLinesFeedExporter",
    "json": "exporters.feeds.JsonFeedExporter",
    "csv": "exporters.feeds.CsvFeedExporter",
    "xml": "exporters.feeds.XmlFeedExporter",
}

# -- scheduled runs: run records, the per-outlet lease, progress (docs/operations.md) ------------
EXTENSIONS = {  # extensions of our own: the lease, run records, progress, exit codes
    "crawler.extensions.lease.LeaseExtension": 100,  # one crawl per outlet at a time
    "crawler.extensions.runs.RunRecordExtension": 110,  # one crawl_runs document per crawl
    "crawler.extensions.progress.ProgressExtension": 120,  # live counts for vnnews crawl
    "crawler.exitcodes.ExitCodeExtension": 130,  # each crawl's outcome and exit code (docs/operations.md)
}
EXIT_CODES_ENABLED = True  # record each crawl's outcome (exit/code, exit/reason); scrapy crawl exits with it
RUNS_ENABLED = True  # write a crawl_runs document for every crawl
RUNS_COLLECTION = "crawl_runs"  # one document per crawl: counts per outlet, finish reason, errors
RUNS_HEARTBEAT_INTERVAL = 30.0  # seconds between two updates of a running crawl's document
RUNS_STALE_AFTER = 300.0  # seconds without a heartbeat after which a running crawl is unfinished
LEASE_ENABLED = True  # refuse a crawl of an outlet another crawl is running (crawl_leases)
LEASE_COLLECTION = "crawl_leases"  # one lease per outlet: owner, expires_at
LEASE_TTL = 120.0  # seconds a lease lives without renewal: a crawl killed -9 frees its outlet after it
LEASE_RENEW_INTERVAL = 30.0  # seconds between renewals (well below LEASE_TTL)
CRAWL_PROGRESS = None  # the name of a live display registered by vnnews crawl; None: no display
CRAWL_PROGRESS_INTERVAL = 1.0  # seconds between two updates of that display
STATUS_USUAL_DAYS = 28  # days before the last 24 h whose median daily count is an outlet's usual rate
STATUS_LOW_RATE = 0.25  # an outlet whose last 24 h fall below this share of its usual rate is unhealthy
STATUS_MIN_USUAL = 3  # articles a day below which an outlet's usual rate is too small to judge
STATUS_RULE_MISS_RATE = 0.5  # rule misses per fetched page above which the layout probably changed
STATUS_MIN_PAGES = 3  # fetched pages a rate needs before it is judged
STATUS_STALE_HOURS = 48.0  # hours without a successful run after which an outlet is unhealthy
LOG_LEVEL = os.environ.get("VNNEWS_LOG_LEVEL", "INFO")  # DEBUG, INFO, WARNING, ERROR
