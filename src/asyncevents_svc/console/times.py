"""Times on the console's pages: a ``<time>`` element in UTC, which the console's script
rewrites into the browser's own time zone (its zone named), the UTC time kept on hover.

Without the script (or before it runs) the page reads in UTC, said so; the element's
``datetime`` is the instant in RFC 3339 (``…Z``) for the script to read.
"""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup, escape


def utc(value: str | None) -> datetime | None:
    """The instant an API timestamp names, in UTC; None for none or a text that is not one."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:  # the API's times are UTC; a naive one is taken as such
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def element(value: str | None) -> Markup:
    """``<time datetime="…Z" title="… UTC">… UTC</time>`` for an API timestamp ("" for none;
    a text that is not a time is shown as it is, escaped)."""
    moment = utc(value)
    if moment is None:
        return escape(value or "")
    shown = f"{moment:%Y-%m-%d %H:%M:%S} UTC"
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        f"{moment:%Y-%m-%dT%H:%M:%S}Z", shown, shown
    )
