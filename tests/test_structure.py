"""The kit's structure: an installed package in layers (import-linter's contract in pyproject.toml),
no private name crossing modules, small modules, notebooks without path edits."""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
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


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    """import-linter's check of the contracts in ``folder``/pyproject.toml, on the package found there."""
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(command), "--no-cache"], cwd=folder, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(folder)})


def test_the_layers_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_contract_catches_an_import_up_the_layers(tmp_path):
    shutil.copytree(ROOT / "banmian", tmp_path / "banmian")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    decoding = tmp_path / "banmian" / "decoding.py"
    decoding.write_text(decoding.read_text(encoding="utf-8") + "\n\ndef _draw():\n    from .charts import setup_fonts\n",
                        encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "banmian.decoding -> banmian.charts" in result.stdout


def test_every_module_is_in_a_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    listed = {m.strip() for layer in layers for m in re.split(r"[:|]", layer)}
    modules = {f"banmian.{p.stem}" for p in (ROOT / "banmian").glob("*.py") if p.stem != "__init__"}
    assert modules == listed


def private_imports(path: Path) -> list[str]:
    """Names with a leading underscore that ``path`` takes from another module of the kit."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("banmian")):
            found += [f"{path.name}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")]
    return found


def test_no_private_name_crosses_a_module():
    files = sorted((ROOT / "banmian").glob("*.py")) + [ROOT / "helpers.py"]
    assert [hit for path in files for hit in private_imports(path)] == []


def test_modules_stay_small():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "banmian").glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 600} == {}
