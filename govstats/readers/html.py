"""HTML carrier: saved pages, article fragments, and HTML wrapped in a JS or JSON string.

The page is parsed with lxml and read as a browser shows it, in document order: every `<table>`
row becomes one line with one string per `<td>`/`<th>` (a rowspan or colspan cell appears once, in
the row where it starts; an empty cell stays ""), every other block of text (paragraph, heading,
navigation item) becomes a line with one cell.  Inside a cell, block breaks (`<p>`, `<div>`,
`<br>`) and whitespace runs (`&nbsp;` included) become one space, while inline elements (`<span>`)
join as printed, so `服<span>务</span>` stays `服务`.  Script and style text is dropped, except HTML
a script writes into the page (`document.write("…")`, `var content = "…"`), which is read in place
(a script in the head, when the body holds no table).

A layout row (one whose cells hold a nested table, as whole-page layouts do) is read cell by cell
as blocks, so the article's own tables keep their rows.  Every table cell keeps where it is
(`Document.positions`): the table's number among the page's `<table>` elements in document order,
its `tr` and its `td`/`th` (1-based); HTML written by a script has no such place.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml import etree

from ..core.errors import ReportParseError
from ..core.limits import Limits
from ..core.model import Problem
from ..schema.messages import message
from .base import Document, Position, decode

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol",
    "option", "p", "pre", "section", "summary", "ul", "html", "title", "tr", "td", "th", "select",
})
_DROP = frozenset({"script", "style", "template", "head", "noscript", "iframe", "object", "svg"})
_MARKUP = re.compile(r"<\s*/?\s*(?:table|tbody|tr|td|th|p|div|span|br|h[1-6]|font|strong)\b", re.I)
_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', re.S)
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|\r\n|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0",
              "\n": "", "\r": "", "\r\n": "", "\u2028": "", "\u2029": ""}
_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(?P<body>[\[{].*[\]}])\s*\)\s*;?\s*$", re.S)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_string = etree.XPath("string()", smart_strings=False)  # an element's text, as text_content() gives it
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})
_CELLS = frozenset({"td", "th"})


def read(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """Read an HTML page or fragment (bytes in any declared or detectable encoding); `read_document`
    has held it to `limits` (its size) already."""
    text, encoding = decode(data, source)
    notes: list[str] = []
    unwrapped = _unwrap(text, source)
    if unwrapped is not None:
        text = unwrapped
        notes.append(message("note_html_in_string"))
    root = _parse(text, source)
    lines: list[list[str]] = []
    title = root.find("head/title")
    if title is not None and _collapse(_string(title)):
        lines.append([_collapse(_string(title))])
    body = root.find("body")
    renderer = _Renderer(source, tables={table: n for n, table in enumerate(root.iter("table"), start=1)})
    first = len(lines)  # the body's lines start here
    if body is not None:
        try:
            lines.extend(renderer.lines(body))
        except RecursionError:  # the walk follows the nesting: thousands of levels exceed Python's stack
            raise ReportParseError(source, message("html_too_deep")) from None
    if not any(len(line) > 1 for line in lines):  # no table in the body: a head script may hold it
        lines.extend(_head_script_lines(root, source, renderer))
    if not lines:
        raise ReportParseError(source, message("html_no_text"))
    positions = {(first + i, j): where for i, cells in renderer.where.items() for j, where in enumerate(cells)}
    return Document(lines=lines, carrier="html", source=source, encoding=encoding, notes=notes,
                    problems=renderer.problems, positions=positions)


def _head_script_lines(root: etree._Element, source: str, renderer: _Renderer) -> list[list[str]]:
    """The lines of the HTML that scripts in the page's head assign to variables (the body then
    only holds the element the script fills)."""
    lines: list[list[str]] = []
    for script in root.findall("head/script"):
        html = _script_html(script.text or "", source)
        body = _parse(html, source).find("body") if html else None
        if body is not None:
            lines.extend(renderer.lines(body))
    return lines


# -- HTML inside a string ---------------------------------------------------------------------

def _unwrap(text: str, source: str) -> str | None:
    """The HTML of a document that is a JSON value, JSONP call or script holding HTML strings.

    Returns None when the document is itself markup (it starts with `<`).
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        return None
    jsonp = _JSONP.match(stripped)
    for candidate in (stripped, jsonp["body"] if jsonp else None):
        try:
            value = json.loads(candidate) if candidate else None
        except ValueError:
            continue
        strings = [s for s in _json_strings(value) if _MARKUP.search(s)]
        if strings:
            return "\n".join(strings)
    return _script_html(stripped, source) or None


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _script_html(script: str, source: str) -> str:
    """The HTML a script writes: its string literals holding markup, decoded and joined in order."""
    pieces = []
    for m in _JS_STRING.finditer(script):
        literal = _js_unescape(m.group(1) if m.group(1) is not None else m.group(2), source)
        if "<" in literal or ">" in literal:
            pieces.append(literal)
    html = "".join(pieces)
    return html if _MARKUP.search(html) and _HAN.search(html) else ""


def _js_unescape(body: str, source: str) -> str:
    """Decode the escapes of a JS (or JSON) string literal body: \\", \\/, \\n, \\xHH, \\uHHHH …

    An escape beyond U+10FFFF (`\\u{110000}`) is a syntax error that stops a browser running the
    script, so the page shows none of what it writes: a ReportParseError.
    """
    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc in _JS_SIMPLE:
            return _JS_SIMPLE[esc]
        if esc[0] == "x" and len(esc) == 3:
            return chr(int(esc[1:], 16))
        if esc[0] == "u" and len(esc) > 1:
            code = int(esc[1:].strip("{}"), 16)
            if code > 0x10FFFF:
                raise ReportParseError(source, message("escape_beyond_unicode", escape=f"\\{esc}"))
            return chr(code)
        return esc

    out = _JS_ESCAPE.sub(one, body)
    # \uD83D\uDE00 pairs decode to two surrogates: join them into one character
    return out.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


# -- markup to lines --------------------------------------------------------------------------

def _parse(text: str, source: str) -> etree._Element:
    """The page's root element (as `lxml.html.document_fromstring` parses it, with plain lxml
    elements: the walk needs none of lxml.html's element classes, and each costs a lookup)."""
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                              huge_tree=True)  # past 255 nested elements libxml2 drops the rest
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
        if root is None:
            raise etree.ParserError("Document is empty")
    except (etree.ParserError, ValueError) as exc:
        raise ReportParseError(source, message("html_unparsable", detail=exc)) from exc
    return root


def _collapse(text: str) -> str:
    """Whitespace runs (spaces, newlines, NBSP, ideographic spaces) to one space, trimmed."""
    return " ".join(text.split())


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    """The table's own rows in document order: its `<tr>` children and those of its row groups."""
    for child in table:
        if child.tag == "tr":
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from (row for row in child if row.tag == "tr")


class _Renderer:
    """Walks an element tree in document order, producing lines of cells; a table row's line
    keeps where each cell is (`where`: its table's number among `tables`, the page's `<table>`
    elements in document order, the row's and the cell's)."""

    def __init__(self, source: str, problems: list[Problem] | None = None,
                 tables: dict[etree._Element, int] | None = None) -> None:
        self.source = source
        #: shared by the renderers of nested cells
        self.problems: list[Problem] = [] if problems is None else problems
        self.tables = tables or {}
        self.out: list[list[str]] = []
        self.where: dict[int, list[Position]] = {}  # index in `out` -> its cells' positions
        self.buffer: list[str] = []

    def lines(self, element: etree._Element) -> list[list[str]]:
        self.walk(element)
        self.flush()
        return self.out

    def flush(self) -> None:
        if not self.buffer:
            return
        text = _collapse("".join(self.buffer))
        if text:
            self.out.append([text])
        self.buffer = []

    def walk(self, el: etree._Element) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "script":
            self._script(el)
        elif tag == "table":
            self.flush()
            self._table(el)
        elif tag == "br":
            self.flush()
        elif tag and tag not in _DROP:
            block = tag in _BLOCK
            if block:
                self.flush()
            self.buffer.append(el.text or "")
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        if el.tail:
            self.buffer.append(el.tail)

    def _script(self, el: etree._Element) -> None:
        try:
            html = _script_html(el.text or "", self.source)
        except ReportParseError as exc:  # a browser shows the page without what the script writes
            self.problems.append(Problem(self.source, message("script_not_read", reason=exc.reason)))
            return
        if html:
            body = _parse(html, self.source).find("body")
            if body is not None:
                self.flush()
                self.walk(body)
                self.flush()

    def _table(self, table: etree._Element) -> None:
        caption = table.find("caption")
        if caption is not None:
            self.walk_detached(caption)
        number = self.tables.get(table)
        for r, row in enumerate(_rows(table), start=1):
            cells = [cell for cell in row if cell.tag in _CELLS]
            if not cells:
                continue
            if any(next(cell.iter("table"), None) is not None for cell in cells):  # a layout row
                for cell in cells:
                    self.walk_detached(cell)
                continue
            texts = [self.cell_text(cell) for cell in cells]
            if len(texts) > 1 or texts[0]:
                if number is not None:
                    self.where[len(self.out)] = [Position(table=number, row=r, col=c)
                                                 for c in range(1, len(cells) + 1)]
                self.out.append(texts)

    def cell_text(self, cell: etree._Element) -> str:
        """A table cell's text: its blocks and lines joined by single spaces."""
        if len(cell) == 0:  # text only (most cells): what rendering it gives
            return _collapse(cell.text or "")
        renderer = _Renderer(self.source, self.problems, self.tables)
        renderer.walk_detached(cell)
        return " ".join(" ".join(line) for line in renderer.out)

    def walk_detached(self, el: etree._Element) -> None:
        """Render `el` and its children as blocks, without its tail (which belongs to the parent)."""
        self.flush()
        self.buffer.append(el.text or "")
        for child in el:
            self.walk(child)
        self.flush()
