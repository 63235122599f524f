"""Scrapy settings for vnnews: the one place for configuration.

Store settings read the environment too, so a scheduled job can be pointed elsewhere without edits:
MONGODB_URI (unset = the embedded store), MONGODB_DATABASE, VNNEWS_HOME.
"""

from __future__ import annotations

import os

BOT_NAME = "vnnews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# -- politeness (live crawls) --------------------------------------------------------------------
USER_AGENT = "vnnews/0.1 (+https://github.com/vnnews/vnnews; news research crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% (replaces the deprecated RANDOMIZE_DOWNLOAD_DELAY)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = 30
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# -- spiders (docs/spiders.md) ------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 560,  # just below RetryMiddleware (550)
    "crawler.replay.middleware.ReplayMiddleware": 990,  # off unless REPLAY_URL is set
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.incremental.IncrementalMiddleware": 950,  # skips article URLs already stored
    "crawler.middlewares.incremental.PageBudgetMiddleware": 940,  # -a max_pages=N
}
RETRY_AFTER_MAX_DELAY = 300.0
RETRY_BACKOFF_BASE = 2.0
INCREMENTAL_BATCH_SIZE = 200
INCREMENTAL_REFRESH_HOURS = 0.0  # or -a refresh_hours=N: re-fetch stored articles this recent
INCREMENTAL_SKIP_DAYS = 30.0  # how long a URL that was not news (e.g. a redirect page) is not fetched again
REPLAY_URL = os.environ.get("VNNEWS_REPLAY_URL")  # http://127.0.0.1:PORT: fetch from the local replay

# -- pipelines ------------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "crawler.pipelines.NormalizePipeline": 100,
    "crawler.stories.pipeline.StoryPipeline": 700,  # story_id rides into the store's upsert
    "exporters.mongo.pipeline.MongoPipeline": 800,
}

# -- store ------------------------------------------------------------------------------------------
MONGODB_URI = os.environ.get("MONGODB_URI")  # None: start the embedded SecantusDB store
MONGODB_DATABASE = os.environ.get("MONGODB_DATABASE", "vnnews")
MONGODB_ARTICLES_COLLECTION = "articles"
MONGODB_PAGES_COLLECTION = "pages"
MONGODB_BUFFER_SIZE = 500
MONGODB_FLUSH_INTERVAL = 5.0  # seconds between time-based flushes
MONGODB_SERVER_TIMEOUT_MS = 3000  # how long a write waits for an unreachable server before spooling
MONGODB_RETRY_AFTER = 10.0  # seconds to spool without trying once the server was found down
MONGODB_SPOOL_DIR = None  # default: $VNNEWS_HOME/spool
VNNEWS_EMBEDDED_DIR = None  # default: $VNNEWS_HOME/db
RAW_HTML_ENABLED = True
RAW_HTML_RETENTION_DAYS = 0  # 0 keeps raw pages forever

# -- engine -----------------------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("VNNEWS_LOG_LEVEL", "INFO")
