"""Messages a reader meets (reading problems, reasons a file is not used) in either language.

A message is made, stored and exported in English, as `Corpus.problems` and `Corpus.unused` hold
it; its text is one of the `message.*` texts of texts.csv, and the code makes it with
`message(key, **values)`, never by writing the English a second time, so that the template and
the code cannot drift (tests/unit/test_messages.py checks every key the code names).  A page or a
command shows it in its language with `in_language(message, lang)`: the English text is
recognised by its template, and the Chinese one is filled with the same values (a value that is
itself a message, such as the reason in "cannot read the file: …", is shown in the language too;
a placeholder named `said` must hold one, so "{col}: {said}" is no template for just any "x: y";
and only it may hold "; ", so no placeholder swallows the end of one message and the next).
A message that no template matches is shown as it is, never half translated.
"""
from __future__ import annotations

import functools
import re
import string

from ..core.limits import Limits, env_name
from .texts import check_lang, load_texts

#: how deep values that are messages themselves are translated
_DEPTH = 4


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    """(the English template as a pattern, the key) of every message, the most specific first
    (the longest literal text): "… cells (the text ends here: truncated?)" before "… cells"."""
    out = []
    for key, text in load_texts().items():
        if key.startswith("message."):
            pattern, literal = _pattern(text["en"])
            out.append((literal, pattern, key))
    return [(pattern, key) for _, pattern, key in sorted(out, key=lambda t: -t[0])]


def _pattern(template: str) -> tuple[re.Pattern[str], int]:
    """The template as a regular expression matching the whole message, each placeholder a named
    group (a repeated one must repeat its value); and how many literal characters it has."""
    parts, named, literal = [], set(), 0
    for text, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(text))
        literal += len(text)
        if field is None:
            continue
        parts.append(f"(?P={field})" if field in named else f"(?P<{field}>.+?)")
        named.add(field)
    return re.compile("".join(parts), re.DOTALL), literal


def message(key: str, /, **values: object) -> str:
    """The English message `message.<key>` of texts.csv with its placeholders filled: what the code
    stores, and what `in_language` recognises and says in Chinese."""
    template = load_texts().get(f"message.{key}")
    if template is None:
        raise KeyError(f"no text message.{key} in govstats/schema/texts.csv")
    return template["en"].format(**values)


def over_limit(key: str, limits: Limits, name: str, /, **values: object) -> str:
    """The message `key` of the limit `name` passed: the limit, its name and how to raise it filled in."""
    advice = message("limit_advice", env=env_name(name), name=name)
    return message(key, limit=f"{getattr(limits, name):,}", name=name, said=advice, **values)


def in_language(message: str, lang: str, depth: int = 0) -> str:
    """`message` in `lang` ("zh" or "en"): the English message itself for "en" and for a message
    no `message.*` template matches.  Several messages joined by "; " (each may hold "; " itself)
    are said one by one when the whole can be cut into messages that are each known."""
    check_lang(lang)
    if lang == "en" or not message:
        return message
    parts = message.split("; ")
    if len(parts) > 1:
        said = _one_by_one(parts, lang, depth)
        if said is not None:
            return "；".join(said)
    return _one(message, lang, depth)


def _one_by_one(parts: list[str], lang: str, depth: int) -> list[str] | None:
    """`parts` joined again into the fewest-parted run of known messages (each as short as it
    can be: "a.total is missing; b.total is blank" is two), each said in `lang`; None if none."""
    said: dict[int, list[str]] = {0: []}
    for end in range(1, len(parts) + 1):
        for start in range(end - 1, -1, -1):
            if start in said and end - start < len(parts):
                text = "; ".join(parts[start:end])
                one = _one(text, lang, depth)
                if one != text:
                    said[end] = said[start] + [one]
                    break
    return said.get(len(parts))


def _one(message: str, lang: str, depth: int) -> str:
    """`message` said in `lang` by the first template that matches it whole, else as it is."""
    for pattern, key in _templates():
        found = pattern.fullmatch(message)
        if found:
            found_values = found.groupdict()
            if any("; " in v for k, v in found_values.items() if k != "said"):
                continue  # only a {said} value may hold several messages
            values = ({k: in_language(v, lang, depth + 1) for k, v in found_values.items()} if depth < _DEPTH
                      else found_values)
            if "said" in values and values["said"] == found_values["said"]:
                continue  # {said} holds a message: one not said in `lang` is not this template's
            return load_texts()[key][lang].format(**values)
    return message
