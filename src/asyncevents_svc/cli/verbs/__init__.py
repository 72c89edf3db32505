"""What each command does, one module per group of commands.

Each command is a function ``(settings, args) -> exit code`` named after it (``-`` as
``_``), found through :data:`asyncevents_svc.cli.main.VERBS`; the operator verbs translate
the parsed arguments into a call of an ``async`` function with keyword arguments, which does
the work through the domain services and prints through :mod:`asyncevents_svc.cli.output`.
These modules import the service, so they are imported only once a command has been chosen.
"""
