"""The docs hold: their examples run, their commands are real, their figures are generated."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest
from ruamel.yaml import YAML

from crowdcount.config import parse_config
from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
API = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def blocks(language: str, text: str = README) -> list[str]:
    """A page's fenced code blocks in ``language``, their indentation removed."""
    found = re.findall(rf"^( *)```{language}\n(.*?)^\1```", text, re.M | re.S)
    return [re.sub(rf"^{indent}", "", body, flags=re.M) for indent, body in found]


def test_the_config_page_example_is_a_valid_site_config():
    """docs/config.md's reference, every field shown with a value, loads as it is written."""
    (document,) = blocks("yaml", (ROOT / "docs" / "config.md").read_text(encoding="utf-8"))
    site = parse_config(YAML(typ="safe").load(document), "docs/config.md")
    assert site.site.headline_group in {line.group for camera in site.cameras for line in camera.lines}


def test_the_python_example_counts_and_reads_a_store_as_written(processed_db, pets_video, monkeypatch):
    """Run from the project's folder, as a reader would, with the store ``make demo`` writes."""
    (example,) = blocks("python")
    assert '"out/crowdcount.db"' in example and '"sample_videos/vtest.avi"' in example
    monkeypatch.chdir(ROOT)
    names: dict[str, object] = {}
    exec(example.replace('"out/crowdcount.db"', repr(str(processed_db))), names)
    hourly = names["hourly"]
    assert len(hourly) > 0 and {"counter", "coverage"} <= set(hourly.columns)
    assert len(names["outcome"].events) > 0  # type: ignore[attr-defined]


def test_the_api_page_examples_run_as_written(processed_db, pets_video, tmp_path, monkeypatch):
    """Each example of docs/api.md, from the project's folder, on a copy of the store ``make demo`` writes."""
    store = tmp_path / "crowdcount.db"
    shutil.copy(processed_db, store)
    monkeypatch.chdir(ROOT)
    counting, engine, reading, audit = blocks("python", API)
    names: dict[str, object] = {}
    exec(counting, names)
    assert names["outcome"].status == "done" and names["outcome"].events  # type: ignore[attr-defined]
    names = {}
    exec(engine, names)
    walked = [(e.counter, e.direction) for e in names["events"]]  # type: ignore[attr-defined]
    assert walked == [("junction", "in"), ("lamppost", "in"), ("junction", "out")]
    for example in (reading, audit):
        names = {}
        exec(
            example.replace('"out/crowdcount.db"', repr(str(store))).replace(
                '"out/audit"', repr(str(tmp_path / "audit"))
            ),
            names,
        )
    assert len(names["corrected"]) > 0  # type: ignore[arg-type]


def command_lines(text: str) -> list[str]:
    """The ``crowdcount`` command lines of a page: in its shell blocks (continuations joined, comments
    cut) and in its inline code (``crowdcount check --config SITE.yaml [--camera ID]``, brackets
    dropped; a span offering several subcommands, ``plan|serve``, is left out)."""
    lines = []
    for block in blocks("bash", text) + blocks("sh", text):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            starts = [
                i + 1
                for i, word in enumerate(words)
                if (word == "crowdcount" or word.endswith("/crowdcount")) and (i == 0 or words[i - 1] != "cd")
            ]
            starts += [
                i + 2 for i, word in enumerate(words[:-1]) if word == "-m" and words[i + 1] == "crowdcount"
            ]
            lines += [" ".join(words[i:]) for i in starts[:1]]
    for span in re.findall(r"`crowdcount ([^`]+)`", text):
        if "|" not in span.split("--")[0]:
            lines.append(re.sub(r"[\[\]]|\.\.\.", " ", span))
    return lines


DOC_PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda p: p.name)
def test_every_command_in_the_docs_names_a_real_command_and_its_real_options(page):
    """A renamed command or option fails here, not in a reader's terminal."""
    import typer

    from crowdcount.cli import app

    root = typer.main.get_command(app)
    for line in command_lines(page.read_text(encoding="utf-8")):
        words = line.split()
        command = root
        while hasattr(command, "commands") and words and not words[0].startswith("-"):
            name = words.pop(0)
            assert name in command.commands, f"{page.name}: 'crowdcount {line}': no command {name!r}"
            command = command.commands[name]
        known = {opt for param in command.params for opt in param.opts + param.secondary_opts} | {"--help"}
        for word in words:
            option = word.split("=", 1)[0]
            if option.startswith("--"):
                assert option in known, f"{page.name}: 'crowdcount {line}': {command.name} has no {option}"


def test_the_measured_figures_in_the_docs_are_what_the_scripts_json_gives():
    """docs/measurements.md and the measured blocks of docs/models.md are written from
    docs/measurements/*.json by scripts/measurements_page.py, never typed."""
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "measurements_page.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_documentation_site_builds_strictly_with_its_generated_reference(tmp_path):
    """mkdocs.yml builds with --strict (a broken link or a page left out fails), Korean first with the
    English pages; the reference pages are made from the code: every command, config key and route."""
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in home and "en/index.html" in home  # Korean first, English beside
    cli = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    assert all(
        f"crowdcount {name}" in cli for name in ("init", "check", "setup", "run", "demo", "audit plan")
    )
    assert "filename_pattern" in (site / "reference" / "config.html").read_text(encoding="utf-8")
    assert "/api/summary" in (site / "reference" / "http.html").read_text(encoding="utf-8")


def test_the_tutorial_runs_as_written_and_takes_its_pictures(tmp_path, pets_video, chromium):
    """Every command of docs/tutorial.md, in order, the editor driven in Chromium as the page tells a
    person to (scripts/docs_screenshots.py, which makes the page's pictures)."""
    work, pictures = tmp_path / "work", tmp_path / "pictures"
    made = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "docs_screenshots.py"),
            "--work",
            str(work),
            "--pictures",
            str(pictures),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    tutorial = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    for picture in ("setup.jpg", "check.jpg", "report.jpg"):
        assert (pictures / picture).stat().st_size > 10_000 and f"assets/tutorial/{picture}" in tutorial
        assert (
            ROOT / "docs" / "assets" / "tutorial" / picture
        ).is_file()  # the page's copy, from this script
    from crowdcount.config import load_config
    from crowdcount.store.events import EventStore

    site = load_config(work / "tutorial" / "site.yaml")
    assert [line.name for camera in site.cameras for line in camera.lines] == ["가로등 앞", "가로등 앞"]
    events = EventStore(work / "tutorial" / "out" / "crowdcount.db", create=False).events()
    assert {e.camera for e in events} == {"pets-a", "pets-b"}
    assert "가로등 앞" in (work / "tutorial" / "report.html").read_text(encoding="utf-8")
