"""HTML as government sites publish it: an article with tables using rowspan and colspan.

Blank cells are `&nbsp;`; a space inside a label (deviation) is printed as a space, `&nbsp;`, a
`<br/>` or a wrapped run of `&nbsp;` as the 平潭 pages do; cells are sometimes wrapped in `<p>`
and `<span>`; GBK pages declare their charset in a `<meta>` tag.
"""
from __future__ import annotations

import html
import random
from typing import TYPE_CHECKING

from .layout import Block, Cell, Table
from .render_text import charset

if TYPE_CHECKING:
    from .report import GeneratedReport

_LABEL_SPACES = (" ", "&nbsp;", "<br/>", "\n &nbsp; &nbsp; &nbsp; &nbsp;")


def _cell(cell: Cell, rng: random.Random) -> str:
    attrs = "".join(f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
                    if n > 1)
    if cell.text == "":
        body = "&nbsp;"
    elif cell.role == "value":
        body = html.escape(cell.text)
    else:
        body = rng.choice(_LABEL_SPACES).join(html.escape(part) for part in cell.text.split(" "))
    if rng.random() < 0.3:
        body = f'<p style="text-indent: 0em;"><span>{body}</span></p>'
    return f"<td{attrs}>{body}</td>"


def _table(table: Table, rng: random.Random) -> str:
    rows = "".join("<tr>" + "".join(_cell(c, rng) for c in row) + "</tr>" for row in table.rows)
    return f'<table border="1" cellspacing="0" align="center"><tbody>{rows}</tbody></table>'


def _block(block: Block, rng: random.Random) -> str:
    if block.table is not None:
        return _table(block.table, rng)
    text = html.escape(block.text)
    if block.kind == "title":
        return f"<h1>{text}</h1>"
    if block.kind == "heading":
        return f"<p><strong>{text}</strong></p>"
    return f"<p>{text}</p>"


def render(report: GeneratedReport, rng: random.Random) -> tuple[bytes, set]:
    """The report as an HTML page (navigation and footer outside the article when deviating)."""
    blocks = report.blocks()
    title = next(b.text for b in blocks if b.kind == "title")
    start = next(i for i, b in enumerate(blocks) if b.kind != "nav")
    end = max(i for i, b in enumerate(blocks) if b.kind != "nav") + 1
    before = "".join(f'<div class="crumb">{html.escape(b.text)}</div>' for b in blocks[:start])
    after = "".join(f'<div class="footer">{html.escape(b.text)}</div>' for b in blocks[end:])
    article = "\n".join(_block(b, rng) for b in blocks[start:end])
    page = ('<!DOCTYPE html>\n<html><head>\n<meta http-equiv="Content-Type" content="text/html; '
            'charset={charset}">\n<title>{title}</title>\n</head>\n<body>\n{before}\n'
            '<div class="TRS_Editor">\n{article}\n</div>\n{after}\n</body></html>\n')
    text = page.format(charset="utf-8", title=html.escape(title), before=before, article=article,
                       after=after)
    codec = charset(text, report.deviations.gbk)
    declared = "gb2312" if codec == "gbk" and rng.random() < 0.5 else codec
    text = text.replace("charset=utf-8", f"charset={declared}", 1)
    return text.encode(codec), set()
