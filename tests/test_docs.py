"""The README's examples run: its site YAML is a valid config, its Python reads a real store."""

from __future__ import annotations

import re
import shutil

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


def test_the_quick_start_config_is_a_valid_site_config():
    (document,) = blocks("yaml")
    site = parse_config(YAML(typ="safe").load(document), "README.md")
    assert [camera.id for camera in site.cameras] == ["gate-north"]
    assert site.cameras[0].lines[0].group == "출입구"


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
