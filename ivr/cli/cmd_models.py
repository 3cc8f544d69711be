"""``ivr models``: list, download and locate offline speech models."""

from __future__ import annotations

import argparse
from pathlib import Path

from ivr.asr import models
from ivr.asr.recognizer import models_dir


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "models",
        help="list, download and locate offline speech models",
        description="Manage the speech models ivr knows (they are never committed).",
    )
    parser.add_argument(
        "--dir",
        metavar="DIR",
        default=None,
        help="models folder (default: $IVR_MODELS_DIR or ./models)",
    )
    actions = parser.add_subparsers(
        dest="action", metavar="ACTION", title="actions", help="what to do with models"
    )
    actions.required = True
    listing = actions.add_parser("list", help="show known models, installed or not, and where")
    listing.set_defaults(handler=run_list)
    fetch = actions.add_parser("download", help="download, verify and unpack a model")
    fetch.add_argument("name", metavar="NAME", help="model name, as 'ivr models list' shows")
    fetch.set_defaults(handler=run_download)
    where = actions.add_parser("path", help="print the models folder")
    where.set_defaults(handler=run_path)


def _root(args: argparse.Namespace) -> Path:
    return Path(args.dir) if args.dir else models_dir()


def run_list(args: argparse.Namespace) -> int:
    for item in models.status(_root(args)):
        info = item.info
        where = str(item.path) if item.path else f"not installed ({info.note or 'download'})"
        print(f"{info.name:32} {info.engine:13} {info.language:3} {info.size_mb:5} MB  {where}")
    return 0


def run_download(args: argparse.Namespace) -> int:
    path = models.download(args.name, _root(args))
    print(path)
    return 0


def run_path(args: argparse.Namespace) -> int:
    print(_root(args).resolve())
    return 0
