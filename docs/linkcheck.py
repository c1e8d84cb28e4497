#!/usr/bin/env python3
"""Checks the links of the built documentation site and of the README.

Internal links (href/src to files of the site) must point to an existing file,
and a #fragment to an element id in that file. External links (http, https,
mailto) are listed, not fetched: this machine reaches package registries only.
Relative links in README.md must point to existing files of the repository.

    python docs/linkcheck.py target/docs-site
"""
from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

ROOT = Path(__file__).resolve().parent.parent


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("id", "name"):
            if a.get(name) and (name == "id" or tag == "a"):
                self.ids.add(a[name])
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(a[name])


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8", errors="replace"))
    return p


def main(site: Path) -> int:
    pages = {p.resolve(): parse(p) for p in site.rglob("*.html")}
    if not pages:
        print(f"error: no HTML under {site}", file=sys.stderr)
        return 1
    errors: list[str] = []
    external: dict[str, set[str]] = {}
    checked = 0
    for path, page in sorted(pages.items()):
        rel = path.relative_to(site.resolve())
        if rel.parts[0] in {"assets", "search"}:
            continue  # the theme's own bundles
        for link in page.links:
            scheme = urlsplit(link).scheme
            if scheme in {"http", "https", "mailto"}:
                external.setdefault(link, set()).add(str(rel))
                continue
            if scheme in {"data", "javascript"}:
                continue
            url, frag = urldefrag(link)
            upath = unquote(urlsplit(url).path)
            if url == "":
                target = path
            elif upath.startswith("/"):
                target = (site / upath.lstrip("/")).resolve()
            else:
                target = (path.parent / upath).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                errors.append(f"{rel}: broken link {link!r} (no {target})")
                continue
            if frag and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(frag) not in ids:
                    errors.append(f"{rel}: broken anchor {link!r} (no id {frag!r} in {target.name})")

    # README.md: relative links must exist (anchors are GitHub's to render).
    readme = (ROOT / "README.md").read_text()
    for link in re.findall(r"\]\(([^)\s]+)\)", readme):
        if urlsplit(link).scheme:
            external.setdefault(link, set()).add("README.md")
            continue
        checked += 1
        if not (ROOT / urldefrag(link)[0]).exists():
            errors.append(f"README.md: broken link {link!r}")

    sys.stdout.flush()
    print(f"{checked} internal links checked in {len(pages)} pages and README.md")
    print(f"{len(external)} external links (listed, not fetched):")
    for link, where in sorted(external.items()):
        print(f"  {link}  ({', '.join(sorted(where)[:3])}{', ...' if len(where) > 3 else ''})")
    for e in errors:
        print("error:", e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target" / "docs-site")))
