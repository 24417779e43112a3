"""Fetching reports from government websites into a corpus folder with a manifest.

`govstats.fetch` (the package root re-exports it) is the function `fetch` of `run`; the modules
are reached by their full names: `govstats.fetch.client` (polite, bounded HTTP: `Policy`),
`.robots`, `.links` (report links, pagination, attachments), `.shapes` (the list shapes of
`shapes.toml`), `.lists` (a reader per shape kind), `.hanweb` (datastore records, dataproxy.jsp),
`.walk` (a list walked, bounded), `.documents` (one document into the folder: `Session`),
`.disposition` (Content-Disposition file names), `.sources` (URL lists), `.storage` (path-safe
names), `.manifest` (the manifest and its journal), `.choose` (each report's carrier), `.explain`
(`--explain`) and `.cli` (the `govstats fetch` subcommand).
"""
from __future__ import annotations

from .client import Policy
from .documents import FetchResult
from .run import fetch
from .sources import Target, read_url_list

__all__ = ["fetch", "FetchResult", "Policy", "Target", "read_url_list"]
