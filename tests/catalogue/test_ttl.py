"""``<async_event ttl="…">``, the catalogue's extension for a default deadline: read as
seconds or a duration, refused with its line when it is anything else (never ignored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.errors import CatalogueError
from tests.catalogue.test_catalogue import write


def with_ttl(path: Path, ttl: str) -> Path:
    return write(
        path,
        f"""
        <?xml version="1.0"?>
        <config>
            <async_event name="example.ping">
                <service class="asyncevents.passthrough" method="arguments"/>
            </async_event>
            <async_event name="example.pong" ttl="{ttl}">
                <service class="asyncevents.passthrough" method="arguments"/>
            </async_event>
        </config>
        """,
    )


@pytest.mark.parametrize(
    ("ttl", "seconds"), [("3600", 3600.0), ("90s", 90.0), ("15m", 900.0), ("1d", 86400.0)]
)
def test_a_ttl_is_read_as_seconds_or_a_duration(tmp_path: Path, ttl: str, seconds: float) -> None:
    catalogue = load_catalogue([with_ttl(tmp_path / "events.xml", ttl)])
    assert catalogue.get("example.pong").ttl == seconds
    assert catalogue.get("example.ping").ttl is None


@pytest.mark.parametrize("ttl", ["", "soon", "-5", "0", "31d", "0.5"])
def test_a_bad_ttl_stops_loading_at_its_line(tmp_path: Path, ttl: str) -> None:
    path = with_ttl(tmp_path / "events.xml", ttl)
    with pytest.raises(CatalogueError) as refused:
        load_catalogue([path])
    assert f"{path}:6" in str(refused.value)
    assert "ttl" in str(refused.value)
