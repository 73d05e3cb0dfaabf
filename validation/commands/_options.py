"""Command-line options from declared settings: one flag per ``Option``, read by its declaration.

Used by the commands that take config settings (``train``, ``evaluate``): each declared setting
becomes ``--name`` with its choices or its parser (booleans ``true/false/1/0/yes/no``, lists
``8,16``, ``none``), and its help line names its limits, its default and the members that read it.
"""

from __future__ import annotations

import argparse
from typing import Mapping


def argparse_type(opt):
    """``opt.parse`` for argparse: a refused value is an ``ArgumentTypeError``, whose message argparse shows."""

    def parse(text: str):
        try:
            return opt.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = opt.kind
    return parse


def add_option_arguments(p, options: Mapping, owners: Mapping[str, str]) -> None:
    """One argument per declared option in ``options`` (name → ``Option``); ``owners`` names the
    members that read each (for its help line)."""
    for name, opt in options.items():
        owner = owners.get(name, "")
        if opt.kind == "str" and opt.valid_choices():
            p.add_argument(opt.flag, dest=name, choices=opt.valid_choices(), default=None, help=opt.help_text(owner))
        else:
            p.add_argument(opt.flag, dest=name, type=argparse_type(opt), default=None, metavar=opt.kind.upper(),
                           help=opt.help_text(owner))
