"""`exchange-desk attach`, `attachments` and `attachment get|remove`: files go in and come back
byte for byte, under names that are safe to write whatever was stored (CON, `..`, NUL), a
file larger than the office accepts is refused before it is read, and bad input is one line
per problem on stderr with exit 2 and nothing stored."""

from __future__ import annotations

import hashlib
import io
import json
import pathlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from exchange_desk.cli import main
from exchange_desk.domain.enums import Direction
from exchange_desk.domain.records import City, Delegation, Person
from exchange_desk.services.attaching import NewFile, attach_files
from exchange_desk.services.attachments import attachments_of, get_attachment
from exchange_desk.services.records import create
from exchange_desk.storage import models as m
from exchange_desk.storage.database import Database, open_database

# Every byte value, a NUL-rich run and a line ending of each system: what a careless copy
# (text mode, a C string, a newline translation) would change.
AWKWARD_BYTES = bytes(range(256)) + b"\x00" * 64 + b"\r\n\n\r" + bytes(range(255, -1, -1))


class World:
    """A database with a partner city, a visit and a person, and the CLI pointed at it."""

    def __init__(self, database: Database, location: str) -> None:
        self.db = database
        self.location = location
        city = create(database, City(name_en="Kfar Saba", name_he="כפר סבא", country="IL"))
        assert city.id is not None
        visit = create(database, Delegation(direction=Direction.INCOMING, city_id=city.id))
        person = create(database, Person(name="Noa Peretz", name_he="נועה פרץ"))
        assert visit.id is not None
        assert person.id is not None
        self.city, self.visit, self.person = city.id, visit.id, person.id

    def run(self, *argv: str) -> tuple[int, str]:
        out = io.StringIO()
        code = main(["--db", self.location, *argv], out=out)
        return code, out.getvalue()

    def counts(self) -> tuple[int, int]:
        """Attachments and stored file contents."""
        with self.db.reading() as session:
            return (
                session.scalar(select(func.count()).select_from(m.AttachmentRow)) or 0,
                session.scalar(select(func.count()).select_from(m.AttachmentBlobRow)) or 0,
            )


@pytest.fixture
def world(sqlite_db: Database) -> World:
    assert sqlite_db.path is not None
    return World(sqlite_db, str(sqlite_db.path))


def errors(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def png(width: int = 40, height: int = 30) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 48)).save(out, "PNG")
    return out.getvalue()


# --- in and out, byte for byte ---------------------------------------------------------------


def test_attach_then_get_gives_back_the_same_bytes(world: World, tmp_path: Path) -> None:
    source = tmp_path / "minutes 2018.bin"
    source.write_bytes(AWKWARD_BYTES)
    code, text = world.run("attach", "delegations", str(world.visit), str(source))
    assert code == 0, text
    [stored] = attachments_of(world.db, "delegations", world.visit)
    # What was stored, as the command said it: id, name, size and the hash's start.
    digest = hashlib.sha256(AWKWARD_BYTES).hexdigest()
    assert stored.sha256 == digest
    assert stored.size == len(AWKWARD_BYTES)
    assert text.splitlines()[0] == f"1 file attached to delegation {world.visit}:"
    row = text.splitlines()[2].split()
    assert row[0] == str(stored.id)
    assert digest[:12] in row
    assert "minutes 2018.bin" in text.splitlines()[2]

    copy = tmp_path / "out" / "copy.bin"
    copy.parent.mkdir()
    code, said = world.run("attachment", "get", str(stored.id), "-o", str(copy))
    assert code == 0
    assert copy.read_bytes() == AWKWARD_BYTES
    assert said.startswith(f"Written: {copy} (")
    # No temporary file left beside it.
    assert [p.name for p in copy.parent.iterdir()] == ["copy.bin"]


def test_several_files_with_a_caption_in_three_languages(world: World, tmp_path: Path) -> None:
    first, second = tmp_path / "scan-1.png", tmp_path / "scan-2.pdf"
    first.write_bytes(png())
    second.write_bytes(b"%PDF-1.4\n% a small pdf\n%%EOF\n")
    code, text = world.run(
        "attach",
        "people",  # the tab's command-line name, as `list` takes it
        str(world.person),
        str(first),
        str(second),
        "--caption",
        "Passport scan",
        "--caption-zh",
        "护照扫描件",
        "--caption-he",
        "סריקת דרכון",
    )
    assert code == 0, text
    assert text.splitlines()[0] == f"2 files attached to person {world.person}:"
    stored = attachments_of(world.db, "persons", world.person)
    assert [a.file_name for a in stored] == ["scan-1.png", "scan-2.pdf"]
    assert [a.media_type for a in stored] == ["image/png", "application/pdf"]
    for item in stored:
        assert (item.description, item.caption_zh, item.caption_he) == (
            "Passport scan",
            "护照扫描件",
            "סריקת דרכון",
        )
        assert str(item.id) in text
        assert item.sha256[:12] in text


def test_attachments_as_a_table(world: World, tmp_path: Path) -> None:
    code, text = world.run("attachments", "cities", str(world.city))
    assert (code, text) == (0, f"No files are attached to city {world.city}.\n")
    picture = tmp_path / "skyline.png"
    picture.write_bytes(png())
    world.run("attach", "cities", str(world.city), str(picture), "--caption", "At dusk")
    code, text = world.run("attachments", "cities", str(world.city))
    assert code == 0
    header, line = text.splitlines()
    assert header.split() == ["Id", "File", "Type", "Size", "Added", "Caption"]
    [stored] = attachments_of(world.db, "cities", world.city)
    cells = line.split()
    assert cells[:3] == [str(stored.id), "skyline.png", "image/png"]
    assert line.rstrip().endswith("At dusk")
    assert f"{len(png())} byte" in line  # the size as people read it


def test_attachments_as_json(world: World, tmp_path: Path) -> None:
    picture = tmp_path / "photo.png"
    content = png(48, 32)
    picture.write_bytes(content)
    world.run("attach", "cities", str(world.city), str(picture), "--caption-he", "העיר בערב")
    code, text = world.run("attachments", "cities", str(world.city), "--json")
    assert code == 0
    [item] = json.loads(text)
    [stored] = attachments_of(world.db, "cities", world.city)
    assert item == {
        "id": stored.id,
        "kind": "cities",
        "record_id": world.city,
        "file_name": "photo.png",
        "media_type": "image/png",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "caption": "",
        "caption_zh": "",
        "caption_he": "העיר בערב",
        "added": item["added"],
        "width": 48,
        "height": 32,
        "is_image": True,
        "has_preview": True,
    }
    import datetime as dt

    added = dt.datetime.fromisoformat(item["added"])
    assert added.utcoffset() == dt.timedelta(0)
    assert "\\u" not in text  # Hebrew as itself, not escaped


def test_get_into_a_folder_and_never_over_a_file_unless_forced(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "letter.txt"
    source.write_bytes(b"first")
    world.run("attach", "cities", str(world.city), str(source))
    [stored] = attachments_of(world.db, "cities", world.city)
    folder = tmp_path / "copies"
    folder.mkdir()
    assert world.run("attachment", "get", str(stored.id), "-o", str(folder))[0] == 0
    assert (folder / "letter.txt").read_bytes() == b"first"
    capsys.readouterr()

    (folder / "letter.txt").write_bytes(b"the user's own file")
    for target in (folder, folder / "letter.txt"):
        code, text = world.run("attachment", "get", str(stored.id), "-o", str(target))
        assert (code, text) == (2, "")
        [line] = errors(capsys)
        assert line == (
            f"exchange-desk: {folder / 'letter.txt'} exists already; nothing was written "
            "(--force replaces it)."
        )
        assert (folder / "letter.txt").read_bytes() == b"the user's own file"
    code, _text = world.run("attachment", "get", str(stored.id), "-o", str(folder), "--force")
    assert code == 0
    assert (folder / "letter.txt").read_bytes() == b"first"
    assert sorted(p.name for p in folder.iterdir()) == ["letter.txt"]


def test_remove(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "old.txt"
    source.write_bytes(b"gone soon")
    world.run("attach", "cities", str(world.city), str(source))
    [stored] = attachments_of(world.db, "cities", world.city)
    code, text = world.run("attachment", "remove", str(stored.id))
    assert code == 0
    assert text == f"Removed old.txt (attachment {stored.id}) from city {world.city}.\n"
    assert attachments_of(world.db, "cities", world.city) == []
    assert world.counts() == (0, 0)
    capsys.readouterr()
    # Gone: removing or getting it again is refused like any record that is not there.
    for argv in (("remove", str(stored.id)), ("get", str(stored.id), "-o", str(tmp_path))):
        code, text = world.run("attachment", *argv)
        assert (code, text) == (1, "")
        assert errors(capsys) == [f"exchange-desk: No attachment record with id {stored.id}."]


# --- names that must not become paths ------------------------------------------------------


def test_a_file_named_con_is_written_under_a_name_windows_accepts(
    world: World, tmp_path: Path
) -> None:
    source = tmp_path / "CON.txt"  # a device name on Windows, a plain file here
    source.write_bytes(AWKWARD_BYTES)
    assert world.run("attach", "cities", str(world.city), str(source))[0] == 0
    [stored] = attachments_of(world.db, "cities", world.city)
    assert stored.file_name == "CON.txt"  # kept as given, for showing
    folder = tmp_path / "copies"
    folder.mkdir()
    code, text = world.run("attachment", "get", str(stored.id), "-o", str(folder))
    assert code == 0
    [written] = list(folder.iterdir())
    assert written.stem.upper() not in {"CON", "PRN", "AUX", "NUL"}
    assert written.suffix == ".txt"
    assert written.read_bytes() == AWKWARD_BYTES
    assert str(written) in text


@pytest.mark.parametrize(
    "name",
    [
        "../../escaped.txt",
        "..",
        "..\\..\\Windows\\win.ini",
        "/etc/passwd",
        "C:\\Users\\Public\\evil.bat",
        "a/../../b.txt",
        "...",
        " .. ",
    ],
)
def test_names_with_folders_in_them_stay_in_the_folder(
    world: World, tmp_path: Path, name: str
) -> None:
    done = attach_files(
        world.db, "cities", world.city, [NewFile(name, b"payload " + name.encode())]
    )
    [stored] = done.attachments
    assert stored.id is not None
    folder = tmp_path / "deep" / "copies"
    folder.mkdir(parents=True)
    before = set(tmp_path.rglob("*"))
    code, text = world.run("attachment", "get", str(stored.id), "-o", str(folder))
    assert code == 0, text
    [written] = set(tmp_path.rglob("*")) - before
    assert written.parent == folder
    assert written.read_bytes() == b"payload " + name.encode()
    assert "/" not in written.name
    assert "\\" not in written.name
    assert written.name not in {".", ".."}


def test_a_name_with_nul_is_stored_without_it_and_written_safely(
    world: World, tmp_path: Path
) -> None:
    done = attach_files(world.db, "cities", world.city, [NewFile("bad\x00name.txt", b"x\x00y")])
    [stored] = done.attachments
    assert stored.id is not None
    assert "\x00" not in stored.file_name
    assert get_attachment(world.db, stored.id).file_name == stored.file_name
    code, text = world.run("attachments", "cities", str(world.city), "--json")
    assert code == 0
    [item] = json.loads(text)
    assert "\x00" not in item["file_name"]
    assert item["file_name"].startswith("bad")
    assert item["file_name"].endswith("name.txt")
    folder = tmp_path / "copies"
    folder.mkdir()
    code, _text = world.run("attachment", "get", str(stored.id), "-o", str(folder))
    assert code == 0
    [written] = list(folder.iterdir())
    assert "\x00" not in written.name
    assert written.read_bytes() == b"x\x00y"


# --- refused ------------------------------------------------------------------------------


def test_a_100_mb_file_is_refused_before_it_is_read(
    world: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = tmp_path / "rehearsal video.mp4"
    with big.open("wb") as handle:
        handle.truncate(100 * 1000 * 1000)  # sparse: the test writes nothing
    reads: list[Path] = []
    read_bytes = pathlib.Path.read_bytes

    def recording(path: pathlib.Path) -> bytes:
        reads.append(path)
        return read_bytes(path)

    monkeypatch.setattr(pathlib.Path, "read_bytes", recording)
    before = world.counts()
    code, text = world.run("attach", "delegations", str(world.visit), str(big))
    assert (code, text) == (2, "")
    [line] = errors(capsys)
    assert line.startswith("exchange-desk: rehearsal video.mp4 is 100 MB;")
    assert "20 MB" in line  # the office's limit, named
    assert big not in reads  # refused on its size alone
    assert world.counts() == before
    with world.db.reading() as session:
        largest = session.scalar(select(func.max(m.AttachmentRow.size)))
    assert largest is None


def test_missing_files_and_folders_are_named_and_nothing_is_stored(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes(b"fine")
    folder = tmp_path / "photos"
    folder.mkdir()
    missing = tmp_path / "nowhere.pdf"
    code, text = world.run(
        "attach", "cities", str(world.city), str(good), str(missing), str(folder)
    )
    assert (code, text) == (2, "")
    lines = errors(capsys)
    assert lines[0].startswith("exchange-desk: nowhere.pdf cannot be read: ")
    assert lines[1] == "exchange-desk: photos is a folder, not a file."
    assert len(lines) == 2
    # All or none: the good file was not stored either.
    assert world.counts() == (0, 0)


def test_a_record_that_is_not_there(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(b"a")
    for argv in (("attach", "cities", "999", str(source)), ("attachments", "cities", "999")):
        code, text = world.run(*argv)
        assert (code, text) == (1, "")
        assert errors(capsys) == ["exchange-desk: No city record with id 999."]
    assert world.counts() == (0, 0)
    with pytest.raises(SystemExit) as raised:
        world.run("attach", "spaceships", "1", str(source))
    assert raised.value.code == 2


def test_a_database_that_is_not_there_is_not_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(b"a")
    nowhere = tmp_path / "typo.sqlite"
    code = main(["--db", str(nowhere), "attach", "cities", "1", str(source)], out=io.StringIO())
    assert code == 3
    assert not nowhere.exists()
    assert errors(capsys)


def test_the_commands_own_words_print_on_a_western_windows_console(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A console in cp1252 prints every character of the commands' own text (names of files
    and records are printed as they are)."""
    source = tmp_path / "plain.txt"
    source.write_bytes(b"plain")
    said = [world.run("attachments", "cities", str(world.city))[1]]
    said.append(world.run("attach", "cities", str(world.city), str(source), "--caption", "x")[1])
    [stored] = attachments_of(world.db, "cities", world.city)
    said.append(world.run("attachments", "cities", str(world.city))[1])
    folder = tmp_path / "copies"
    folder.mkdir()
    said.append(world.run("attachment", "get", str(stored.id), "-o", str(folder))[1])
    world.run("attachment", "get", str(stored.id), "-o", str(folder))  # exists already
    said.append(capsys.readouterr().err)
    said.append(world.run("attachment", "remove", str(stored.id))[1])
    for text in said:
        assert text.strip()
        text.encode("cp1252")


# --- PostgreSQL ---------------------------------------------------------------------------


@pytest.mark.postgres
def test_round_trip_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    database = open_database(pg_url)
    try:
        world = World(database, pg_url)
        source = tmp_path / "scan.bin"
        source.write_bytes(AWKWARD_BYTES)
        assert world.run("attach", "delegations", str(world.visit), str(source))[0] == 0
        code, text = world.run("attachments", "delegations", str(world.visit), "--json")
        assert code == 0
        [item] = json.loads(text)
        assert item["sha256"] == hashlib.sha256(AWKWARD_BYTES).hexdigest()
        copy = tmp_path / "copy.bin"
        assert world.run("attachment", "get", str(item["id"]), "-o", str(copy))[0] == 0
        assert copy.read_bytes() == AWKWARD_BYTES
        assert world.run("attachment", "remove", str(item["id"]))[0] == 0
        assert world.counts() == (0, 0)
    finally:
        database.dispose()
