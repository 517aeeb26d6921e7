"""The ``newsdedup`` command: ``demo``, ``clean``, ``dedup``, ``index``, ``explain`` and ``rules``.

Owns: the parser and how errors reach the shell (one line on stderr, exit 2; a missing extra
names its pip command). Each command lives in its own module (``clean``, ``dedup``, ``index``);
what they share is ``common``. Settings are built once from the arguments and given whole to
whatever runs them. Nothing here decides outcomes, reads formats or lays out reports.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from .. import __version__
from ..cleaning import FIXES as CLEAN_FIXES
from ..cleaning import boilerplate
from ..errors import InputError, MissingExtra
from . import clean, dedup, explain, index
from .common import settings_from_args

__all__ = ["EXIT_INPUT", "build_parser", "main", "settings_from_args"]

EXIT_INPUT = 2


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import run_demo

    result = run_demo(sys.stdout, examples=args.examples)
    return 0 if result["false_merges"] == 0 else 1


def cmd_rules(args: argparse.Namespace) -> int:
    listed = set()
    for name, fix in CLEAN_FIXES:
        if name in listed:
            continue
        listed.add(name)
        if name == "boilerplate.lines":
            for rule in boilerplate.RULES:
                print(f"{rule.name:32} {rule.description}")
            continue
        doc = (fix.__doc__ or "").strip().splitlines()[0].replace("``", "")
        print(f"{name:32} {doc}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdedup",
        description="Clean scraped news articles and find near-duplicate wire stories.",
        epilog="Start with 'newsdedup demo'. Each command has its own --help.",
    )
    parser.add_argument("--version", action="version", version=f"newsdedup {__version__}")
    parser.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        help="write the library's log to stderr at this level (run start with its settings, run end "
        "with counts and time, rejected records by reason); default: no log",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = sub.add_parser(
        "demo",
        help="clean and dedup the bundled sample corpus and show what was found",
        description="Run clean + dedup on the bundled sample (fictional wire stories "
        "republished by several outlets) and print a short summary.",
    )
    p.add_argument("--examples", type=int, default=3, help="how many example clusters to show (default 3)")
    p.set_defaults(func=cmd_demo)
    clean.add_parser(sub)
    dedup.add_parser(sub)
    index.add_parser(sub)
    explain.add_parser(sub)
    p = sub.add_parser(
        "rules",
        help="list the cleaning rules, in the order they run",
        description="List every cleaning rule; each can be switched off with --disable.",
    )
    p.set_defaults(func=cmd_rules)
    return parser


def _explain_value(argv: list[str]) -> list[str]:
    """``clean --explain in.jsonl``: the path is the input, not a value of --explain (json)."""
    out = list(argv)
    for k, arg in enumerate(out[:-1]):
        if arg == "--explain" and out[k + 1] not in ("json", "text"):
            out.insert(k + 1, "json")
            break
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_explain_value(list(sys.argv[1:] if argv is None else argv)))
    if args.log_level:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        log = logging.getLogger("newsdedup")
        log.addHandler(handler)
        log.setLevel(args.log_level.upper())
    try:
        return args.func(args)
    except InputError as err:
        print(
            f"newsdedup: error: {err} (use --on-error skip to mark such records rejected and go on)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except MissingExtra as err:  # before OSError/ImportError: one line with the pip command
        print(f"newsdedup: error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # `newsdedup dedup ... | head`
        sys.stderr.close()
        return 0
    except (OSError, ValueError) as err:
        print(f"newsdedup: error: {err}", file=sys.stderr)
        return EXIT_INPUT
