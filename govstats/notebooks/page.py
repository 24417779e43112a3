"""The pieces of a report page: headings, paragraphs, formatted tables and charts with alt text.

Each function is pure and returns a `Block`: HTML for JupyterLab and for the HTML page the batch
exports (nbconvert shows a block's HTML, once), and plain text for a terminal and for nbval,
which compares both.  Every text that may come from a document, a file name or a manifest is
escaped here, so a notebook never writes HTML itself.  Numbers read as counts ("1,267") and
percentages ("83.7%", the one percentage format of the tables); a value that is not printed
reads "—".
"""
from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Iterable, Sequence

import pandas as pd
from matplotlib.figure import Figure

from ..charts.parts import NoRows
from ..charts.reading import readable
from ..charts.style import use_cjk_font
from ..schema import text

NOT_PRINTED = "—"
#: hex digits of a hash shown in a table (the full value on hover)
HASH_SHOWN = 12
#: The look of the tables (one stylesheet per page, in its title): text left, numbers right.
STYLE = """<style>
div.govstats-box { max-width: 100%; overflow-x: auto; margin: .5em 0 1.2em; }
table.govstats { border-collapse: collapse; font-size: .9rem; }
table.govstats th, table.govstats td { padding: .3em .7em; border-bottom: 1px solid #d1d9e0; vertical-align: baseline; }
table.govstats th { font-weight: 600; vertical-align: bottom; }
table.govstats .n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.govstats .t { text-align: left; }
table.govstats .k { white-space: nowrap; }
table.govstats .u { overflow-wrap: anywhere; min-width: 14rem; max-width: 28rem; }
table.govstats abbr { text-decoration: underline dotted; cursor: help; font-family: ui-monospace, monospace; }
table.govstats tr.marked td { background: #f4c7c3; }
table.govstats caption { text-align: left; font-weight: 600; padding-bottom: .3em; }
p.muted { color: #59636e; }
</style>"""


class Block:
    """A piece of a report page: `html` for notebooks and the exported page, `text` elsewhere."""

    def __init__(self, html_text: str, plain: str) -> None:
        self.html = html_text
        self.text = plain

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

    def __add__(self, other: Block) -> Block:
        return Block(self.html + "\n" + other.html, "\n\n".join(t for t in (self.text, other.text) if t))


def escape(value: object) -> str:
    """Any value as HTML text (quotes too: safe inside an attribute)."""
    return html.escape(str(value), quote=True)


def count(value: object) -> str:
    """A count as printed: "1,267"; "—" when the report prints no number."""
    return readable(value, "count")


def rate(value: object) -> str:
    """A rate as a percentage with one decimal: "83.7%"; "—" when it cannot be computed."""
    return readable(value, "rate")


def heading(key: str, lang: str, level: int = 2, intro: bool = True, **values: object) -> Block:
    """The heading `page.<key>` in `lang`, then its paragraph `page.<key>_intro` (if `intro`)."""
    title = text(f"page.{key}", lang, **values)
    out = Block(f"<h{level}>{escape(title)}</h{level}>", title)
    return out + paragraph(text(f"page.{key}_intro", lang, **values)) if intro else out


def paragraph(words: str, muted: bool = False) -> Block:
    opening = '<p class="muted">' if muted else "<p>"
    return Block(f"{opening}{escape(words)}</p>", words)


def stylesheet() -> Block:
    """The page's stylesheet (no text): the first block of a page."""
    return Block(STYLE, "")


def short_hash(value: object) -> str:
    """A hash as a table shows it: its first `HASH_SHOWN` hex digits and "…"."""
    full = str(value)
    return full if len(full) <= HASH_SHOWN + 1 else full[:HASH_SHOWN] + "…"


def _cell(kind: str, value: object) -> str:
    """One cell's HTML: a hash shortened with the full value on hover, a link to a web address."""
    if kind == "h" and value != NOT_PRINTED:
        return f'<td class="t k"><abbr title="{escape(value)}">{escape(short_hash(value))}</abbr></td>'
    if kind == "u" and str(value).startswith(("http://", "https://")):
        return f'<td class="t u"><a href="{escape(value)}">{escape(value)}</a></td>'
    return f'<td class="{"t u" if kind == "u" else kind}">{escape(value)}</td>'


def table(frame: pd.DataFrame, numeric: Iterable[str] = (), marked: Sequence[bool] | None = None,
          caption: str | None = None, nowrap: Iterable[str] = (), hashes: Iterable[str] = (),
          links: Iterable[str] = ()) -> Block:
    """`frame` (cells already formatted as text, its columns the headers) as one HTML table.

    Columns in `numeric` are right-aligned with tabular figures and, like those in `nowrap` (file
    names), never broken across lines; columns in `hashes` show a hash's first digits (the full
    value on hover; the text shows them too), those in `links` web addresses, broken anywhere.
    Rows whose `marked` is true are highlighted (a failed check) and start with "*" in the text.
    The table scrolls inside its own box when it is wider than the page.  The index is not
    shown; one row per line of HTML.
    """
    frame = frame.reset_index(drop=True).astype(object).where(frame.notna().to_numpy(), NOT_PRINTED)
    numeric, nowrap, hashes, links = set(numeric), set(nowrap), set(hashes), set(links)
    marked = list(marked) if marked is not None else [False] * len(frame)
    kinds = ["n" if c in numeric else "h" if c in hashes else "u" if c in links else "t k" if c in nowrap
             else "t" for c in frame.columns]
    lines = ['<div class="govstats-box"><table class="govstats">']
    if caption:
        lines.append(f"<caption>{escape(caption)}</caption>")
    heads = ["t" if k in ("h", "u") else k for k in kinds]
    lines.append("<thead><tr>" + "".join(f'<th class="{k}">{escape(c)}</th>' for k, c in zip(heads, frame.columns))
                 + "</tr></thead><tbody>")
    for mark, row in zip(marked, frame.itertuples(index=False)):
        cells = "".join(_cell(k, v) for k, v in zip(kinds, row))
        lines.append(f'<tr class="marked">{cells}</tr>' if mark else f"<tr>{cells}</tr>")
    lines.append("</tbody></table></div>")
    for column in hashes & set(frame.columns):
        frame[column] = [short_hash(v) for v in frame[column]]
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 250,
                           "display.max_colwidth", 200):
        text_lines = (frame.to_string(index=False) if len(frame) else " ".join(map(str, frame.columns))).splitlines()
    if any(marked):  # a marked row starts with "*" in the text
        text_lines = ["  " + text_lines[0]] + [("* " if m else "  ") + ln for m, ln in zip(marked, text_lines[1:])]
    plain = "\n".join(text_lines)
    return Block("\n".join(lines), f"{caption}\n{plain}" if caption else plain)


def chart_of(figures: dict[str, Figure], name: str, lang: str, draw: Callable[..., Figure], /, *args: object,
             **kwargs: object) -> Block:
    """Chart `name` drawn by `draw(*args, **kwargs)`, kept in `figures` (to be saved) and shown; a
    note instead when the agency has no rows for it (none of its reports printed that table)."""
    try:
        figures[name] = draw(*args, **kwargs)
    except NoRows:
        return paragraph(text("page.no_chart", lang), muted=True)
    return chart(figures[name], name, lang)


def chart(fig: Figure, name: str, lang: str) -> Block:
    """A chart as an image whose alt text is its title and what it shows (`page.alt_<name>`)."""
    use_cjk_font()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    title = fig.get_suptitle().replace(r"\$", "$")  # as typed: charts escape $ from mathtext
    alt = f"{title}：{text(f'page.alt_{name}', lang)}" if lang == "zh" else \
        f"{title}. {text(f'page.alt_{name}', lang)}"
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Block(f'<figure style="margin:0 0 1em"><img src="data:image/png;base64,{data}" alt="{escape(alt)}" '
                 'style="max-width:100%;height:auto"></figure>', f"[chart: {alt}]")
