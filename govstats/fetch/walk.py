"""Walking a list: a column page, then the list requests its shape calls for, bounded.

Each answer is fetched as an `index` document (saved, in the manifest) and read by `lists`.
The walk makes at most `max_pages` list requests per column.  A proxy or API answer that lists
no item, or only items already seen (a server repeating itself, a `totalrecord` that lies), ends
its chain; what the walk could not do is written in the `note` of the list page's manifest row,
so every list URL says what was found on it and why the walk stopped.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..schema.messages import message
from .documents import Session
from .lists import ListPage, ListRequest, read_list
from .sources import Target


@dataclass
class Walk:
    """A walked list: its report targets, and each answer read (request, page) for `--explain`."""

    targets: list[Target] = field(default_factory=list)
    pages: list[tuple[ListRequest, ListPage | None, dict]] = field(default_factory=list)


def _note(session: Session, row: dict, *notes: str) -> None:
    text = "; ".join(n for n in notes if n)
    if text and row.get("url"):
        with session.lock:
            session.manifest.update(row, note=text)


def walk(session: Session, url: str, max_pages: int) -> Walk:
    """The reports listed from the column page `url` on, with at most `max_pages` list requests."""
    queue: deque[ListRequest] = deque([ListRequest(url)])
    asked: set[str] = set()
    seen_items: set[str] = set()
    result = Walk()
    while queue and not session.stopped:
        request = queue.popleft()
        if request.url in asked:
            continue
        if len(asked) >= max_pages:
            queue.appendleft(request)
            break
        asked.add(request.url)
        row, data = session.document(request.url, "index", post=request.post)
        text = session.text(data, row)
        if text is None:
            result.pages.append((request, None, row))
            _note(session, row, "" if row["error"] else message("lists_nothing"))
            continue
        page = read_list(text, row["final_url"] or request.url, request)
        result.pages.append((request, page, row))
        new = [item for item in page.items if item.url not in seen_items]
        seen_items.update(item.url for item in page.items)
        stop = ""
        if request.reader != "page" and not new:
            stop = message("list_ends_nothing_new" if page.items else "list_ends_nothing")
            page.follow = [f for f in page.follow if f.reader == "page"]
        _note(session, row, message("list_found", shape=page.shape.name, items=len(page.items),
                                    reports=len(page.reports)), page.note, stop)
        result.targets += [Target(link.url, link.text) for link in page.reports]
        queue.extend(page.follow)
    if queue:
        first = result.pages[0][2] if result.pages else {}
        left = [r.url for r in queue if r.url not in asked]
        if left and first:
            _note(session, first, first.get("note", ""),
                  message("list_stopped", n=max_pages, url=left[0]))
    return result
