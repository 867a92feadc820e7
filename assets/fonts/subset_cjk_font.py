#!/usr/bin/env python3
"""Makes assets/fonts/NotoSerifSC-GB2312.otf, the font the PDF notices embed.

The source is Noto Serif CJK SC Regular (SIL Open Font License 1.1) from
Debian's fonts-noto-cjk package:

    apt-get install -y fonts-noto-cjk
    pip install fonttools
    python3 assets/fonts/subset_cjk_font.py            # from the repository root

The subset keeps: printable ASCII; all of GB 2312 (6763 hanzi and its 682
symbols, so that names and addresses render); CJK and full-width punctuation;
and every non-ASCII character written in the notices' and the rules engine's
sources and in the policy files (the fixed text of the notices, item labels,
article citations, scheme names). Run it again whenever new fixed text uses
a character outside GB 2312: the test `every_fixed_character_has_a_glyph`
of gongshang-notices says which one.

Glyph outlines are kept as they are (CFF); layout tables, hinting and
vertical metrics are dropped, since the PDF writer places glyphs itself.
"""

import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                      "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
# In the .ttc the faces are JP, KR, SC, TC, HK.
FACE_NAME = "Noto Serif CJK SC"
OUT = ROOT / "assets" / "fonts" / "NotoSerifSC-GB2312.otf"


def gb2312():
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def fixed_text():
    chars = set()
    globs = [
        "crates/gongshang-notices/src/**/*.rs",
        "crates/gongshang-rules/src/**/*.rs",
        "crates/gongshang-domain/src/**/*.rs",
        "policies/**/*.toml",
    ]
    for pattern in globs:
        for path in sorted(ROOT.glob(pattern)):
            chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7F)
    return chars


def main():
    chars = set(chr(c) for c in range(0x20, 0x7F))
    chars |= gb2312()
    chars |= set(chr(c) for c in range(0x3000, 0x3040))  # CJK punctuation
    chars |= set(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width forms
    chars |= set("·—–‘’“”…‰※№℃×÷±≤≥≠≈∶　￥")
    chars |= fixed_text()
    chars = {c for c in chars if c.isprintable() or c == "\u3000"}

    collection = TTCollection(str(SOURCE))
    faces = [f for f in collection.fonts if f["name"].getDebugName(4) == FACE_NAME]
    if not faces:
        sys.exit(f"{SOURCE} has no face named {FACE_NAME!r}")
    font = faces[0]
    cmap = font.getBestCmap()
    missing = sorted(c for c in chars if ord(c) not in cmap)
    keep = [ord(c) for c in chars if ord(c) in cmap]

    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["BASE", "GDEF", "GPOS", "GSUB", "VORG", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    font.save(str(OUT))
    print(f"{OUT.relative_to(ROOT)}: {len(keep)} characters, "
          f"{OUT.stat().st_size} bytes; not in the source font: {''.join(missing)!r}")


if __name__ == "__main__":
    main()
