"""Syndication: one story, many outlets (issue #6). See docs/stories.md."""

from __future__ import annotations

from crawler.stories.core import DEFAULT_THRESHOLD, DEFAULT_WINDOW_DAYS, StoryAssignment, StoryConfig
from crawler.stories.fingerprint import Fingerprint, clean_body, estimated_jaccard, fingerprint, fold_tones
from crawler.stories.store import (
    assign_stories,
    assign_stories_async,
    assign_story,
    assign_story_async,
    assign_unassigned,
    ensure_story_indexes,
    ensure_story_indexes_async,
    settle_stories,
    settle_stories_async,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "DEFAULT_WINDOW_DAYS",
    "Fingerprint",
    "StoryAssignment",
    "StoryConfig",
    "assign_stories",
    "assign_stories_async",
    "assign_story",
    "assign_story_async",
    "assign_unassigned",
    "clean_body",
    "ensure_story_indexes",
    "ensure_story_indexes_async",
    "estimated_jaccard",
    "fingerprint",
    "fold_tones",
    "settle_stories",
    "settle_stories_async",
]
