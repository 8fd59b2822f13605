"""Wrapping that knows Chinese: a line may break between any two Chinese characters, and Latin
words stay whole. Textual wraps at spaces only, so a Chinese sentence after "R3.2: " is one long
word that it moves whole to the next line, leaving the rule id (or the bullet) alone above it."""

from __future__ import annotations

import re

from rich.cells import cell_len

_TOKENS = re.compile(r"\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|.", re.S)


def fold(text: str, width: int, indent: str = "") -> list[str]:
    """`text` in lines of at most `width` cells; lines after the first start with `indent`."""
    width = max(width, cell_len(indent) + 2)
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if cell_len(line) + cell_len(token) <= width:
            line += token
            continue
        if token.isspace():
            lines.append(line.rstrip())
            line = indent
            continue
        if line.strip():
            lines.append(line.rstrip())
            line = indent
        while cell_len(line) + cell_len(token) > width:  # a word longer than a line: cut it by cells
            room = width - cell_len(line)
            head = ""
            for ch in token:
                if cell_len(head + ch) > room:
                    break
                head += ch
            lines.append(line + head)
            token, line = token[len(head):], indent
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def clip(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells, with "…" where it was cut (never half a
    Chinese character)."""
    if cell_len(text) <= cells:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out + "…"
