"""mkdocs hooks for the paycore docs.

Pending includes: docs/pending-includes.txt lists example files that other
branches add. While such a file is missing, its `--8<--` include line is
replaced by a one-line placeholder; every other include goes to
pymdownx.snippets with check_paths, so a missing file fails the build.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PENDING_LIST = ROOT / "docs" / "pending-includes.txt"


def pending_missing() -> list[str]:
    entries = [
        line.strip()
        for line in PENDING_LIST.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return [e for e in entries if not (ROOT / e).exists()]


def on_page_markdown(markdown: str, page, config, files) -> str:
    for path in pending_missing():
        pattern = re.compile(r'^(?P<indent>[ \t]*)--8<-- "' + re.escape(path) + r'(?::[^"]*)?"[ \t]*$', re.M)
        markdown = pattern.sub(
            lambda m: f"{m['indent']}(not on this branch yet: {path}, listed in docs/pending-includes.txt)",
            markdown,
        )
    return markdown
