"""`python -m frontdesk.cli`: the console script."""

from frontdesk.cli import main

main()
