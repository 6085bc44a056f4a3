"""The ``crowdcount`` command line: process, run, check, setup, export, report, live, serve, audit, ...

Each command parses its options, calls one library function and prints; each imports what it
uses inside its body (only typer, rich and light modules at the top), so ``crowdcount --help``
starts fast. ``main`` turns every user error into one line and exit status 2."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from crowdcount.cli import audit, counting, demo, handover, models, servers  # noqa: F401  (their commands)
from crowdcount.cli.common import app, errors
from crowdcount.errors import CrowdcountError

__all__ = ["app", "main"]


def with_flag_values(argv: list[str], option: str, value: str) -> list[str]:
    """``option`` given without a value (last, or before another option) gets ``value``.

    Click options cannot take an optional value through Typer, so ``--ray`` alone becomes
    ``--ray local`` here.
    """
    result = []
    for index, arg in enumerate(argv):
        result.append(arg)
        if arg == option and (index + 1 == len(argv) or argv[index + 1].startswith("-")):
            result.append(value)
    return result


def main() -> None:
    """Entry point: user errors (bad options too) print one line and exit 2, never a traceback."""
    args = sys.argv[1:]
    if "--ray" in args:  # only `run` has it, and it imports the cluster anyway
        from crowdcount.batch.cluster import LOCAL

        args = with_flag_values(args, "--ray", LOCAL)
    try:
        code = app(args=args, standalone_mode=False)
    except CrowdcountError as error:
        _fail(str(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as error:  # the command line itself is wrong (typer's own click)
        if type(error).__name__ == "NoArgsIsHelpError":  # `crowdcount` alone: the help, as asked
            error.show()  # type: ignore[attr-defined]
            sys.exit(0)
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "crowdcount"
        message = error.format_message().replace("Value error, ", "")
        _fail(f"{message} (see '{command} --help')")
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> NoReturn:
    errors.print(f"crowdcount: error: {message}", markup=False)
    sys.exit(2)
