"""`invoke check` names content/'s images that hold metadata; `invoke clean-images` leaves it out."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from PIL import Image
from test_imagemeta import exif, picture, saved

from tools.check import image_metadata, run_checks

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "pelicanconf.py"
FIX = (
    "`invoke clean-images` leaves it out without re-encoding the picture (or list the file in "
    "BREAKOUT_IMAGE_METADATA_KEPT to publish it as it is)"
)
REPLACE = "replace it with a copy that opens (or save it again from an image editor)"
CUT = "ends inside its picture data, before the end marker"


def photo() -> bytes:
    """A phone's photo: EXIF with its owner's name and a GPS position, turned (orientation 6)."""
    return saved(picture(), "JPEG", exif=exif(6))


def content_with_images(tmp_path: Path) -> Path:
    """A content folder whose images/ holds photos, a clean PNG, a broken JPEG and non-images."""
    content = tmp_path / "content"
    images = content / "images"
    (images / "2011").mkdir(parents=True)
    (images / "2011" / "grid.jpg").write_bytes(photo())
    (images / "venue.JPEG").write_bytes(photo())
    (images / "logo.png").write_bytes(saved(picture(), "PNG"))
    (images / "cut.jpg").write_bytes(photo()[:-2])
    (images / "notes.txt").write_text("not an image", encoding="utf-8")
    (images / "fake.jpg").write_text("<html>not an image either</html>", encoding="utf-8")
    # Hidden: IGNORE_FILES leaves it unpublished, so neither the check nor the task looks at it.
    (images / ".draft.jpg").write_bytes(photo())
    (images / ".thumbs").mkdir()
    (images / ".thumbs" / "grid.jpg").write_bytes(photo())
    (content / "elsewhere.jpg").write_bytes(photo())  # not under a static path
    return content


def test_check_names_each_image_holding_metadata(tmp_path: Path) -> None:
    content = content_with_images(tmp_path)
    (tmp_path / "output").mkdir()
    found = run_checks(
        tmp_path / "output",
        conf=CONF,
        content=content,
        overrides={"BREAKOUT_IMAGE_METADATA_KEPT": ["images/venue.JPEG"]},
        checks=[image_metadata],
    )
    images = content / "images"
    assert found == [
        f"{images}/2011/grid.jpg: holds EXIF, GPS location; {FIX}",
        f"{images}/cut.jpg: cannot be read as an image: {CUT}; {REPLACE}",
    ]


def test_clean_images_leaves_metadata_out_and_check_then_passes(tmp_path: Path) -> None:
    content = content_with_images(tmp_path)
    images = content / "images"
    grid = images / "2011" / "grid.jpg"
    grid.chmod(0o640)
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}

    def clean(*flags: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "invoke", "clean-images", "--content", str(content), *flags],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return done.stdout.splitlines()

    cut = f"{images}/cut.jpg: left as it is: cannot be read as an image: {CUT}; {REPLACE}"
    assert clean("--dry-run") == [
        f"{images}/2011/grid.jpg: would leave out EXIF, GPS location",
        cut,
        f"{images}/venue.JPEG: would leave out EXIF, GPS location",
    ]
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before
    assert clean() == [
        f"{images}/2011/grid.jpg: left out EXIF, GPS location",
        cut,
        f"{images}/venue.JPEG: left out EXIF, GPS location",
    ]
    after = Image.open(grid)
    assert after.tobytes() == Image.open(io.BytesIO(before[grid])).tobytes()
    assert dict(after.getexif()) == {0x0112: 6}  # still turned the right way
    assert grid.stat().st_mode & 0o777 == 0o640
    # Everything else is as it was: the broken one, the non-images and the one outside.
    changed = {p for p in before if p.read_bytes() != before[p]}
    assert changed == {grid, images / "venue.JPEG"}
    assert not list(images.rglob("*.cleaning"))
    assert clean() == [cut]  # a second run finds nothing more to leave out
    (tmp_path / "output").mkdir()
    found = run_checks(tmp_path / "output", conf=CONF, content=content, checks=[image_metadata])
    assert found == [f"{images}/cut.jpg: cannot be read as an image: {CUT}; {REPLACE}"]
