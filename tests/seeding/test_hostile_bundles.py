"""Hostile bundles: `entente validate` and `entente seed` refuse each one quickly, with its
file and line, and write nothing; YAML is read by YAML 1.2 rules (`NO` is Norway)."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.seeding.loader import seed
from tests.conftest import PROJECT_ROOT, SOURCE_ID
from tests.seeding.dumps import dump

# Generous: each refusal takes a second or two; the hostile inputs took minutes, or
# exhausted memory, when read without limits.
REFUSED_WITHIN_S = 60
EXCERPT = "French President Emmanuel Macron"  # a phrase of the project's source


@dataclass(frozen=True)
class Hostile:
    name: str  # the bundle's file name
    write: Callable[[Path], None]  # writes the bundle (and what it names) into a folder
    line: int  # the line the error names
    says: str  # words of the error


def _text(name: str, body: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_text(body, encoding="utf-8")


def _source(text_file: str) -> str:
    return f"sources:\n  - id: hostile\n    title: Hostile\n    text_file: {text_file}\n"


def _laughs(folder: Path) -> None:
    """Ten levels of ten aliases each: 10**10 values once expanded."""
    lines = ["people:", "  - id: laughs", "    name: Laughs", "    a0: &a0 [lol, lol, lol]"]
    for level in range(1, 11):
        lines.append(f"    a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]")
    (folder / "laughs.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")  # a reader of it would wait for a writer for ever
    (folder / "fifo.yaml").write_text(_source("pipe.txt"), encoding="utf-8")


def _link(folder: Path) -> None:
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "link.yaml").write_text(_source("passwd.txt"), encoding="utf-8")


def _latin1(folder: Path) -> None:
    (folder / "latin1.txt").write_bytes("Le Président a déclaré".encode("latin-1"))
    (folder / "latin1.yaml").write_text(_source("latin1.txt"), encoding="utf-8")


DEEP_YAML = 50_000
DEEP_NDJSON = 100_000
HOSTILE = [
    Hostile(
        "nul.yaml",
        _text("nul.yaml", "people:\n  - id: nul\n    name: Jean\x00Dupont\n"),
        3,
        "control characters are not allowed",
    ),
    Hostile(
        "escaped-nul.yaml",
        _text("escaped-nul.yaml", 'people:\n  - id: nul\n    name: "Jean\\0Dupont"\n'),
        3,
        "a NUL character in a string",
    ),
    Hostile(
        "escaped-nul.ndjson",
        _text("escaped-nul.ndjson", '{"people": {"id": "nul", "name": "Jean\\u0000"}}\n'),
        1,
        "a NUL character",
    ),
    Hostile(
        "date.yaml",
        _text(
            "date.yaml",
            "sources:\n  - id: dated\n    title: Dated\n    published: 2019-02-30\n"
            "    text: Some words.\n",
        ),
        4,
        "sources[0].published: '2019-02-30' is not a real date",
    ),
    Hostile(
        "digits.yaml",
        _text("digits.yaml", f"figures:\n  - id: big\n    value: {'9' * 5000}\n"),
        3,
        "cannot be read as int",
    ),
    Hostile(
        "deep.yaml",
        _text("deep.yaml", "people:\n  - " + "[" * DEEP_YAML + "]" * DEEP_YAML + "\n"),
        2,
        "nested deeper than 32 levels (ENTENTE_SEED_MAX_DEPTH)",
    ),
    Hostile(
        "deep-block.yaml",
        _text(
            "deep-block.yaml",
            "people:\n"
            + "".join(f"{'  ' * (level + 1)}- \n" for level in range(2000))
            + "  " * 2001
            + "bottom\n",
        ),
        33,  # the line of the 33rd level: the root mapping, `people`, then each `-`
        "nested deeper than 32 levels",
    ),
    Hostile(
        "deep.ndjson",
        _text(
            "deep.ndjson",
            '{"default_source": "x"}\n'
            + '{"people": '
            + "[" * DEEP_NDJSON
            + "]" * DEEP_NDJSON
            + "}\n",
        ),
        2,
        "nested deeper than 32 levels",
    ),
    Hostile("laughs.yaml", _laughs, 9, "aliases repeat more than 100000 values"),
    Hostile("zero.yaml", _text("zero.yaml", _source("/dev/zero")), 4, "/dev/zero is outside"),
    Hostile(
        "passwd.yaml", _text("passwd.yaml", _source("/etc/passwd")), 4, "/etc/passwd is outside"
    ),
    Hostile(
        "climb.yaml",
        _text("climb.yaml", _source("../../../../../../../../etc/passwd")),
        4,
        "../etc/passwd is outside",
    ),
    Hostile("link.yaml", _link, 4, "passwd.txt is outside"),
    Hostile("fifo.yaml", _fifo, 4, "pipe.txt is not a regular file"),
    Hostile("latin1.yaml", _latin1, 4, "latin1.txt is not UTF-8 text"),
    Hostile(
        "latin1-bundle.yaml",
        lambda folder: (folder / "latin1-bundle.yaml").write_bytes(
            "people:\n  - id: x\n    name: Président\n".encode("latin-1")
        ),
        3,
        "invalid",
    ),
]


def _entente(command: str, bundle: Path, url: str, **settings: str) -> subprocess.CompletedProcess:
    """`entente COMMAND BUNDLE` as a user runs it, killed (failing the test) past the bound."""
    environment = {**os.environ, "ENTENTE_DATABASE_URL": url, **settings}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", command, str(bundle)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=REFUSED_WITHIN_S,
    )


def _refused(done: subprocess.CompletedProcess, bundle: Path, line: int, says: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = [e for e in done.stderr.splitlines() if e.startswith(f"{bundle}:")]
    assert errors, done.stderr
    where = errors[0].split(" ", 1)[0].removesuffix(":")  # a field's path may follow
    assert where == f"{bundle}:{line}", errors
    assert says in errors[0], errors
    assert done.stderr.rstrip().endswith("nothing was written.")


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.name for h in HOSTILE])
def test_a_hostile_bundle_is_refused_quickly_with_its_line_writing_nothing(
    hostile: Hostile, seeded_engine: Engine, tmp_path: Path
):
    folder = tmp_path / "bundles"
    folder.mkdir()
    hostile.write(folder)
    bundle = folder / hostile.name
    before = dump(seeded_engine)

    no_database = tmp_path / "none.sqlite3"
    validated = _entente("validate", bundle, f"sqlite:///{no_database}")
    _refused(validated, bundle, hostile.line, hostile.says)
    assert not no_database.exists()

    seeded = _entente("seed", bundle, _url(seeded_engine))
    _refused(seeded, bundle, hostile.line, hostile.says)
    assert dump(seeded_engine) == before


@pytest.mark.parametrize(
    ("setting", "value", "bundle_text", "says"),
    [
        (
            "ENTENTE_SEED_MAX_FILE_BYTES",
            "1000",
            "# padding\n" * 200,
            "(ENTENTE_SEED_MAX_FILE_BYTES)",
        ),
        (
            "ENTENTE_SEED_MAX_STRING_CHARS",
            "1000",
            f"people:\n  - id: long\n    name: {'x' * 1001}\n",
            "a value of 1001 characters (at most 1000",
        ),
        (
            "ENTENTE_SEED_MAX_SOURCE_BYTES",
            "10",
            f"default_source: {SOURCE_ID}\n" + _source("long.txt"),
            "long.txt is larger than 10 bytes",
        ),
        ("ENTENTE_SEED_MAX_DEPTH", "4", "people:\n  - names: [[deep]]\n", "nested deeper than 4"),
        (
            "ENTENTE_SEED_MAX_STRING_CHARS",
            "1000",
            json.dumps({"people": {"id": "long", "name": "x" * 1001}}) + "\n",
            "a line longer than 1000 bytes",
        ),
    ],
)
def test_each_limit_is_a_setting(
    setting: str, value: str, bundle_text: str, says: str, empty_engine: Engine, tmp_path: Path
):
    (tmp_path / "long.txt").write_text("Eleven words and more.", encoding="utf-8")
    bundle = tmp_path / ("limited.ndjson" if bundle_text.startswith("{") else "limited.yaml")
    bundle.write_text(bundle_text, encoding="utf-8")
    before = dump(empty_engine)

    limited = _entente("seed", bundle, _url(empty_engine), **{setting: value})

    assert limited.returncode == 1, limited.stdout + limited.stderr
    assert says in limited.stderr
    assert dump(empty_engine) == before
    # Under the default limits, the same bundle gets past the one refused here.
    default = _entente("validate", bundle, _url(empty_engine))
    assert says not in default.stderr


def test_a_sources_folder_named_in_the_settings_may_hold_source_texts(
    empty_engine: Engine, tmp_path: Path
):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "shared.txt").write_text("The leaders met in Paris.", encoding="utf-8")
    bundle = tmp_path / "kb" / "shared.yaml"
    bundle.parent.mkdir()
    bundle.write_text(
        "sources:\n  - id: shared\n    title: Shared\n    text_file: ../texts/shared.txt\n"
        "places:\n  - id: paris\n    name: Paris\n    country: FR\n    kind: city\n"
        "    citations: [{source: shared, excerpt: met in Paris}]\n",
        encoding="utf-8",
    )

    refused = _entente("validate", bundle, _url(empty_engine))
    assert "shared.yaml:4 sources[0].text_file: ../texts/shared.txt is outside" in refused.stderr

    allowed = _entente("seed", bundle, _url(empty_engine), ENTENTE_SOURCES_DIR=str(texts))
    assert allowed.returncode == 0, allowed.stderr
    with empty_engine.connect() as connection:
        stored = connection.execute(text("SELECT text FROM source WHERE id = 'shared'"))
        assert stored.scalar_one() == "The leaders met in Paris."


def test_yaml_1_2_keeps_no_yes_and_off_as_words(seeded_engine: Engine, tmp_path: Path):
    bundle = tmp_path / "norway.yaml"
    bundle.write_text(
        f"default_source: {SOURCE_ID}\n"
        "people:\n"
        "  - id: jonas-gahr-store\n"
        "    name: Yes\n"
        "    country: NO\n"
        f'    citations: ["{EXCERPT}"]\n'
        "  - id: off-person\n"
        "    name: off\n"
        "    country: no\n"
        f'    citations: ["{EXCERPT}"]\n',
        encoding="utf-8",
    )

    seed(seeded_engine, [bundle])

    with seeded_engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, name, country FROM person "
                "WHERE id IN ('jonas-gahr-store', 'off-person') ORDER BY id"
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("jonas-gahr-store", "Yes", "NO"),
        ("off-person", "off", "NO"),
    ]


def test_aliases_within_the_limit_are_read(seeded_engine: Engine, tmp_path: Path):
    bundle = tmp_path / "aliases.yaml"
    bundle.write_text(
        f"default_source: {SOURCE_ID}\n"
        "people:\n"
        "  - id: first-alias\n"
        "    name: First\n"
        "    country: FR\n"
        f'    citations: &cited ["{EXCERPT}"]\n'
        "  - id: second-alias\n"
        "    name: Second\n"
        "    country: FR\n"
        "    citations: *cited\n",
        encoding="utf-8",
    )

    seed(seeded_engine, [bundle])

    with seeded_engine.connect() as connection:
        people = connection.execute(
            text("SELECT id FROM person WHERE id LIKE '%-alias' ORDER BY id")
        ).scalars()
        assert list(people) == ["first-alias", "second-alias"]


def test_every_hostile_file_is_reported_in_one_run(tmp_path: Path):
    for hostile in HOSTILE[:6]:
        hostile.write(tmp_path)
    paths = [str(tmp_path / hostile.name) for hostile in HOSTILE[:6]]

    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "validate", *paths],
        cwd=PROJECT_ROOT,
        env={**os.environ, "ENTENTE_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=REFUSED_WITHIN_S,
    )

    assert done.returncode == 1
    located = {line.split(" ", 1)[0].removesuffix(":") for line in done.stderr.splitlines()[:-1]}
    assert located == {f"{tmp_path / h.name}:{h.line}" for h in HOSTILE[:6]}
    assert "Traceback" not in done.stderr
