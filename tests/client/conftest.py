"""The generated client is imported from its folder (clients/python), not installed: it is
the generator's output as committed, and installing it would add a package to uv.lock that
changes with every `make client`."""

from __future__ import annotations

import sys

from tests.support.processes import ROOT

CLIENT = ROOT / "clients" / "python"
if str(CLIENT) not in sys.path:
    sys.path.insert(0, str(CLIENT))
