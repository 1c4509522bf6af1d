"""``python -m xltool`` runs the same CLI as the ``xltool`` command."""

from xltool.cli import main

main()
