"""The README's examples that claim to run as written do."""

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_pipeline_integrations_run_as_written(capsys):
    (block,) = [b for b in BLOCKS if "import newsdedup.pandas" in b]
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert len(scope["df"]) == 122 and (scope["df"].dedup_status == "kept").sum() == 34
    assert scope["kept"].num_rows == 34
    assert len(capsys.readouterr().out.splitlines()) == 122
