"""The ``iphub`` command: Django's management commands with the platform's verbs.

``iphub import patents FILE`` and ``iphub reindex`` read better for staff than
``manage.py import_patents`` (``iphub audit verify`` for ``audit_verify``);
everything else passes through unchanged.
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    ("import", "patents"): "import_patents",
    ("import", "trademarks"): "import_trademarks",
    ("audit", "seal"): "audit_seal",
    ("audit", "verify"): "audit_verify",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and (args[0], args[1]) in ALIASES:
        args = [ALIASES[(args[0], args[1])], *args[2:]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iphub.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["iphub", *args])


if __name__ == "__main__":
    main()
