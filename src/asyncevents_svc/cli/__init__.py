"""The ``asyncevents-svc`` command line (the top layer: nothing in the service imports it)."""
