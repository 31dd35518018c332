"""Build the bundled fonts under resources/fonts/ from their Debian and PyPI packages.

ReportLab embeds TrueType outlines only and reads one face at a time, and it draws the
default instance of a variable font; so the collections are split into single faces and the
variable fonts are pinned to static Regular and Bold instances; the CJK Extension B fallback
is cut out of a larger face (only that block is ever asked of it). Run it again when a source
package changes: ``python packaging/make_fonts.py`` (needs pip, apt-get and fontTools).
The results are committed; nothing is fetched when the program runs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont
from fontTools.varLib import instancer

OUT = Path(__file__).resolve().parent.parent / "resources" / "fonts"

# (PyPI package, variable file inside it, {output file: weight})
VARIABLE_FONTS = [
    (
        "fontpkg-frank-ruhl-libre==6.4",
        "FrankRuhlLibre[wght].ttf",
        {"FrankRuhlLibre-Regular.ttf": 400, "FrankRuhlLibre-Bold.ttf": 700},
    ),
    ("fontpkg-heebo==3.100", "Heebo[wght].ttf", {"Heebo-Regular.ttf": 400, "Heebo-Bold.ttf": 700}),
    (
        "fontpkg-eb-garamond==1.3",
        "EBGaramond[wght].ttf",
        {"EBGaramond-Regular.ttf": 400, "EBGaramond-SemiBold.ttf": 600},
    ),
    ("fontpkg-eb-garamond==1.3", "EBGaramond-Italic[wght].ttf", {"EBGaramond-Italic.ttf": 400}),
]

# (Debian package, collection inside it, face index, output file)
COLLECTIONS = [
    ("fonts-arphic-uming", "uming.ttc", 0, "ARPLUMingCN.ttf"),
    ("fonts-wqy-microhei", "wqy-microhei.ttc", 0, "WenQuanYiMicroHei.ttf"),
]

# (Debian package, font inside it, first and last code point kept, output file): the
# last fallback for rare ideographs, the one block the other fonts lack, 22 MB of 31.
BLOCKS = [
    ("fonts-hanazono", "HanaMinB.ttf", 0x20000, 0x2A6DF, "HanaMinB-ExtB.ttf"),
]

LICENCES = {
    "fontpkg-frank-ruhl-libre==6.4": "OFL-FrankRuhlLibre.txt",
    "fontpkg-heebo==3.100": "OFL-Heebo.txt",
    "fontpkg-eb-garamond==1.3": "OFL-EBGaramond.txt",
    "fonts-arphic-uming": "ARPHIC-PUBLIC-LICENSE-UMing.txt",
    "fonts-wqy-microhei": "COPYRIGHT-WenQuanYiMicroHei.txt",
    "fonts-hanazono": "COPYRIGHT-Hanazono.txt",
}


def _subset_options() -> subset.Options:
    options = subset.Options()
    options.glyph_names = False
    options.hinting = False  # the PDF never uses hints; they are a third of the file
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    # Embedded bitmaps are for screens at small sizes; a PDF is drawn from the outlines.
    options.drop_tables += ["EBDT", "EBLC", "EBSC", "gasp", "hdmx", "VDMX", "LTSH"]
    return options


def _one_face(collection: Path, index: int, target: Path) -> None:
    """Write one face of a collection as a plain TTF with every character it maps."""
    font = TTCollection(str(collection)).fonts[index]
    subsetter = subset.Subsetter(_subset_options())
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)
    font.save(str(target))


def _block(source: Path, low: int, high: int, target: Path) -> None:
    """Write the characters of `source` from `low` to `high` (a Unicode block) as a TTF."""
    font = TTFont(str(source))
    subsetter = subset.Subsetter(_subset_options())
    subsetter.populate(unicodes=[c for c in font.getBestCmap() if low <= c <= high])
    subsetter.subset(font)
    font.save(str(target))


def _debian_package(package: str, work: Path) -> Path:
    """The files of a Debian package, unpacked under `work`."""
    subprocess.run(["apt-get", "download", package], cwd=work, check=True)
    deb = next(work.glob(package + "_*.deb"))
    unpacked = work / package
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    shutil.copy(next(unpacked.rglob("copyright")), OUT / LICENCES[package])
    return unpacked


def _static(variable: Path, weight: int, target: Path) -> None:
    font = TTFont(str(variable))
    static = instancer.instantiateVariableFont(font, {"wght": weight}, updateFontNames=False)
    # The instance keeps the variable font's names; give it its own, or a PDF would list a
    # bold face under the regular one's PostScript name.
    family, _dash, style = target.stem.partition("-")
    names = static["name"]
    for record in list(names.names):
        if record.nameID in (1, 2, 3, 4, 6, 16, 17, 25):
            names.removeNames(nameID=record.nameID)
    names.setName(family, 1, 3, 1, 0x409)
    names.setName(style or "Regular", 2, 3, 1, 0x409)
    names.setName(f"{family} {style}", 4, 3, 1, 0x409)
    names.setName(target.stem, 6, 3, 1, 0x409)
    names.setName(f"{target.stem};instance", 3, 3, 1, 0x409)
    static.save(str(target))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for package, variable_name, outputs in VARIABLE_FONTS:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, package],
                check=True,
            )
            wheel = next(work.glob(package.split("==")[0].replace("-", "_") + "-*.whl"))
            unpacked = work / wheel.stem
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(unpacked)
            variable = next(p for p in unpacked.rglob("*.ttf") if p.name == variable_name)
            for output, weight in outputs.items():
                _static(variable, weight, OUT / output)
            shutil.copy(next(unpacked.rglob("LICENSE")), OUT / LICENCES[package])
        for package, collection_name, index, output in COLLECTIONS:
            unpacked = _debian_package(package, work)
            _one_face(next(unpacked.rglob(collection_name)), index, OUT / output)
        for package, font_name, low, high, output in BLOCKS:
            unpacked = _debian_package(package, work)
            _block(next(unpacked.rglob(font_name)), low, high, OUT / output)
    for path in sorted(OUT.glob("*.ttf")):
        print(f"{path.name:32} {path.stat().st_size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
