"""Names vulture reports as unused that are used, each with why (`./run tests` runs vulture).

vulture reads this file, it never runs: naming an attribute here marks that name used everywhere.
Whole families (Scrapy's `process_*` hooks, `__exit__` arguments) are in pyproject.toml
[tool.vulture] ignore_names; crawler/settings.py is excluded there (every name in it is a setting).
"""

# ruff: noqa: B018  (a whitelist is expressions whose only effect is to name something)

from crawler import evaluate, frontier, items
from crawler.commands import extract, status
from crawler.extraction import xpath
from crawler.frontier import memory, scheduler
from crawler.frontier import middleware as frontier_middleware
from crawler.middlewares import address_guard, incremental, meta_refresh, retry_after
from crawler.outlets import model
from crawler.pipelines import dates, window
from crawler.pipelines import normalize as normalize_pipeline
from crawler.replay import measure, server, site
from crawler.replay import middleware as replay_middleware
from crawler.store import breaker, embedded, leases
from crawler.stories import core, evaluation
from exporters import feeds
from spiders import base

# -- loaded by their dotted path: crawler/settings.py (ITEM_PIPELINES, DOWNLOADER_MIDDLEWARES,
#    SPIDER_MIDDLEWARES, ADDONS, FEED_EXPORTERS, SCHEDULER_MEMORY_QUEUE) or crawler/frontier/__init__.py
#    (SCHEDULER, the failure middleware the add-on inserts)
dates.DatesPipeline
window.WindowPipeline
normalize_pipeline.NormalizePipeline
address_guard.AddressGuardMiddleware
retry_after.RetryAfterMiddleware
meta_refresh.HeadMetaRefreshMiddleware
replay_middleware.ReplayMiddleware
incremental.IncrementalMiddleware
incremental.PageBudgetMiddleware
frontier.FrontierAddon
frontier_middleware.FrontierFailureMiddleware
scheduler.FrontierScheduler
memory.CompactLifoMemoryQueue
feeds.JsonLinesFeedExporter
feeds.JsonFeedExporter
feeds.CsvFeedExporter
feeds.XmlFeedExporter

# -- called by Scrapy by name
frontier.FrontierAddon.update_settings  # the add-on interface
scheduler.FrontierScheduler.has_pending_requests  # the scheduler interface (BaseScheduler)
scheduler.FrontierScheduler.enqueue_request
scheduler.FrontierScheduler.next_request
base.OutletSpider.allowed_domains  # read by OffsiteMiddleware

# -- called by the standard library by name (http.server, socketserver)
server.BaseHTTPRequestHandler.protocol_version  # the replay site's handler and server
server.BaseHTTPRequestHandler.server_version
server.BaseHTTPRequestHandler.do_GET
server.BaseHTTPRequestHandler.log_message
server._Server.request_queue_size
server._Server.daemon_threads

# -- a Protocol's __call__: called whenever a compiled selector or XPath is called
model.ElementSelector.__call__
xpath.StringsXPath.__call__
xpath.StringXPath.__call__

# -- command functions crawler/cli.py names by string in COMMANDS
extract.run_extract
extract.run_reextract

# -- dataclass fields read through asdict() or getattr(), or written to the store and files
items.DateInfo.displayed  # published.displayed of the stored article
items.Article.language
items.Article.word_count  # set by crawler.normalize.normalize_article
items.Article.schema_version
status.OutletHealth.last_run_at  # `vnnews status --json` prints asdict(OutletHealth)
model.Rules.drop  # read as getattr(rules, group) for group in RULE_GROUPS
model.Outlet.verified  # declaration data for whoever maintains the outlet file (see Outlet's docstring)
model.Outlet.notes
core.StoryAssignment.original_id  # the assignment as returned to callers (tests/crawler/stories)
core.StoryAssignment.matched_id

# -- public APIs for tests and benchmarks
evaluate.load_shared  # the extraction evaluation: tests/crawler/extraction, benchmarks/eval_extraction.py
evaluate.load_gold
evaluate.evaluate
evaluate.report_set
evaluate.summary
evaluate.below_floors
evaluate.raised_floors
evaluation.fixture_texts  # the story-matching evaluation: tests/crawler/stories, benchmarks/eval_stories.py
evaluation.sample_texts
evaluation.build_pairs
evaluation.score_pairs
evaluation.sweep
evaluation.choose_threshold
evaluation.recall_by_edit
evaluation.max_negative_score
site.ReplaySite.disallow  # scripting the replayed site: tests/spiders
site.ReplaySite.fail
site.ReplaySite.redirect
site.ReplaySite.hits_for
measure.peak_rss_mb  # memory of a crawl's process tree: tests/faults, benchmarks/bench_crawl.py
measure.TreeSampler
measure.TreeSampler.peak_mb
measure.store_figures  # the embedded store's memory and CPU: benchmarks/bench_crawl.py, bench_ingest.py
measure.stop_store_servers
core.story_updates  # the story documents a batch's writes leave: benchmarks/bench_stories.py fills with it
breaker.CircuitBreaker.is_open  # its state, whose transitions tests/crawler/store/test_breaker.py checks
embedded.running_server_uri  # the shared server's lifecycle: tests/crawler/store/test_embedded.py
embedded.stop_server
leases.LEASES  # the blocking twin of acquire_async: tests/crawler/extensions/test_leases.py races owners
leases.acquire
