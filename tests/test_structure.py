"""The kit's structure: an installed package, notebooks without path edits."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_notebooks_do_not_edit_the_import_path():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "sys.path" not in code, f"{path.name} edits sys.path: the kit is installed, import helpers"


def test_helpers_import_from_any_folder(tmp_path):
    out = subprocess.run([sys.executable, "-c", "import helpers, banmian; print(helpers.load_pages.__module__)"],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith("banmian.")
