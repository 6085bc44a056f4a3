"""The README's examples run: its site YAML is a valid config, its Python reads a real store."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from crowdcount.config import parse_config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    """The README's fenced code blocks in ``language``, their indentation removed."""
    found = re.findall(rf"^( *)```{language}\n(.*?)^\1```", README, re.M | re.S)
    return [re.sub(rf"^{indent}", "", body, flags=re.M) for indent, body in found]


def test_the_quick_start_config_is_a_valid_site_config():
    (document,) = blocks("yaml")
    site = parse_config(YAML(typ="safe").load(document), "README.md")
    assert [camera.id for camera in site.cameras] == ["gate-north"]
    assert site.cameras[0].lines[0].group == "출입구"


def test_the_python_example_reads_a_store_as_written(processed_db):
    (example,) = blocks("python")
    assert '"out/crowdcount.db"' in example
    names: dict[str, object] = {}
    exec(example.replace('"out/crowdcount.db"', repr(str(processed_db))), names)
    hourly = names["hourly"]
    assert len(hourly) > 0 and {"counter", "coverage"} <= set(hourly.columns)
