"""``--help`` works for the tool and for every subcommand, without a service."""

from __future__ import annotations

import pytest
import webpubsub

SUBCOMMANDS = ["emulator", "demo", "token", "send", "listen"]


def test_top_level_help_lists_every_subcommand(cli) -> None:
    result = cli("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: webpubsub")
    for name in SUBCOMMANDS:
        assert name in result.stdout
    assert "WEBPUBSUB_CONNECTION_STRING" in result.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_subcommand_help(cli, name: str) -> None:
    result = cli(name, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: webpubsub {name}")
    assert result.stderr == ""


def test_no_arguments_print_the_help(cli) -> None:
    result = cli()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: webpubsub")
    assert result.stderr == ""


def test_version_is_the_package_version(cli) -> None:
    result = cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"webpubsub {webpubsub.__version__}"


def test_unknown_subcommand_is_a_one_line_usage_error(cli) -> None:
    result = cli("sned")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "invalid choice: 'sned'" in result.stderr
