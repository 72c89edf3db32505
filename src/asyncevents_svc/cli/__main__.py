"""``python -m asyncevents_svc.cli``: the console script without its installed wrapper (the
tests start the processes this way, from the repository root)."""

import sys

from asyncevents_svc.cli.main import main

sys.exit(main())
