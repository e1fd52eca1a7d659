"""Copy KaTeX from node_modules/katex (``npm install``) into mixeq/report/katex/,
the package data every mixeq HTML page inlines to typeset math offline."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "node_modules" / "katex"
DEST = ROOT / "mixeq" / "report" / "katex"


def main() -> None:
    dist = SRC / "dist"
    (DEST / "fonts").mkdir(parents=True, exist_ok=True)
    for name in ("katex.min.js", "katex.min.css"):
        shutil.copy(dist / name, DEST / name)
    shutil.copy(dist / "contrib" / "auto-render.min.js", DEST / "auto-render.min.js")
    shutil.copy(SRC / "LICENSE", DEST / "LICENSE")
    for font in (dist / "fonts").glob("*.woff2"):
        shutil.copy(font, DEST / "fonts" / font.name)


if __name__ == "__main__":
    main()
