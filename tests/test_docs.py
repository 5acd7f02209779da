"""The README's command reference is the CLI's own --help, so the two cannot drift apart.

Regenerate it with ``python tests/test_docs.py --write`` after changing a command's help.
"""

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- cli-start -->", "<!-- cli-end -->"


def help_text(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output.rstrip()


def reference() -> str:
    parts = [f"```\n$ irtag --help\n{help_text()}\n```"]
    for name in sorted(cli.commands):
        parts.append(f"### irtag {name}\n\n```\n$ irtag {name} --help\n{help_text(name)}\n```")
    return "\n\n".join(parts)


def readme_block() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(re.escape(START) + r"\n(.*?)\n?" + re.escape(END), text, re.S)
    assert match, "README.md lacks the cli-start/cli-end markers"
    return match.group(1).strip()


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name):
    text = help_text(name)
    assert "Example:" in text
    assert len(cli.commands[name].help.split()) > 10


def test_readme_reference_matches_the_cli():
    assert readme_block() == reference(), "README is stale: run python tests/test_docs.py --write"


if __name__ == "__main__" and "--write" in sys.argv:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{reference()}\n{END}{tail}", encoding="utf-8")
