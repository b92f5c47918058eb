"""`python -m newswatch` is the `newswatch` command."""

from newswatch.scheduler.cli import main

main()
