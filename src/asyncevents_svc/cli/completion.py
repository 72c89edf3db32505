"""Shell completion for ``asyncevents-svc``, generated from the argument parser itself
(``asyncevents-svc completion bash|zsh``), so it never falls behind the commands."""

from __future__ import annotations

import argparse


def _commands(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    """Each sub-command's words: its options and the choices of its positional arguments."""
    found: dict[str, list[str]] = {}
    for action in parser._actions:  # argparse keeps no public list of sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                words: list[str] = []
                for option in sub._actions:
                    words += [s for s in option.option_strings if s.startswith("--")]
                    if not option.option_strings and option.choices:
                        words += [str(c) for c in option.choices]
                found[name] = sorted(set(words))
    return found


def bash(parser: argparse.ArgumentParser) -> str:
    commands = _commands(parser)
    cases = "\n".join(f'        {name}) words="{" ".join(words)}" ;;' for name, words in commands.items())
    return f"""# asyncevents-svc completion for bash: eval "$(asyncevents-svc completion bash)"
_asyncevents_svc() {{
    local current=${{COMP_WORDS[COMP_CWORD]}} words
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "{" ".join(commands)}" -- "$current"))
        return
    fi
    case "${{COMP_WORDS[1]}}" in
{cases}
        *) words="" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$current"))
}}
complete -F _asyncevents_svc asyncevents-svc
"""


def zsh(parser: argparse.ArgumentParser) -> str:
    return "# asyncevents-svc completion for zsh\nautoload -U +X bashcompinit && bashcompinit\n" + bash(
        parser
    )
