"""Fetching reports from government websites into a corpus folder with a manifest.

`govstats.fetch` (the package root re-exports it) is the function `fetch` of `run`; the modules
are reached by their full names: `govstats.fetch.client` (polite, bounded HTTP: `Policy`),
`.robots`, `.links` (report links, pagination, attachments), `.sources` (URL lists),
`.storage` (path-safe names), `.manifest` (the manifest file), `.choose` (each report's carrier)
and `.cli` (the `govstats fetch` subcommand).
"""
from __future__ import annotations

from .client import Policy
from .run import FetchResult, fetch
from .sources import Target, read_url_list

__all__ = ["fetch", "FetchResult", "Policy", "Target", "read_url_list"]
