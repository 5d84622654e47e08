"""`python -m bot …`: the operators' command line (see `bot.cli`)."""

from bot.cli import main

raise SystemExit(main())
