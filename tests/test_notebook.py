"""The analysis notebook runs top to bottom headless on a real store and draws its plot."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

NOTEBOOK = ROOT / "notebooks" / "festival_analysis.ipynb"


def test_festival_notebook_executes_with_nbconvert(tmp_path, processed_db):
    copy = tmp_path / NOTEBOOK.name
    shutil.copy(NOTEBOOK, copy)
    jupyter = Path(sys.executable).parent / "jupyter"
    result = subprocess.run(
        [str(jupyter), "nbconvert", "--to", "notebook", "--execute", "--output", "executed.ipynb", str(copy)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "CROWDCOUNT_DB": str(processed_db)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    executed = json.loads((tmp_path / "executed.ipynb").read_text(encoding="utf-8"))
    outputs = [o for cell in executed["cells"] if cell["cell_type"] == "code" for o in cell["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    printed = "".join("".join(o.get("text", "")) for o in outputs)
    assert "events, 1 recordings, timezone Asia/Seoul" in printed
    assert (tmp_path / "festival_main_plot.png").stat().st_size > 5000
