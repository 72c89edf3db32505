"""The ``asyncevents-svc`` command line: the top layer, which nothing in the service imports.

``main`` (entry point: parse, settings, dispatch, exit codes) · ``parser`` (every command and
option; argparse only) · ``verbs/`` (what each command does) · ``database`` (how a verb
opens the database) · ``output`` (tables, ``--json``, progress) · ``completion`` (bash/zsh
scripts from the parser, by shtab) · ``configuration`` (the settings: environment, then
options; a bad one in one line) · ``sockets`` (the API's socket, bound before start-up) ·
``serve`` (the API and a worker in one process).
"""
