"""The portal's Signature select: an endpoint created with ``v1a`` is its application's and
signs with ``v1a``; an edit changes the scheme and keeps it when the field is absent; the
endpoint's page shows it; a scheme the API does not know is shown beside the field."""

from __future__ import annotations

import re

import httpx

from tests.portal.test_pages import FORM, NEW, portal  # noqa: F401 - the signed-in fixture


async def test_an_endpoint_gets_the_scheme_chosen_within_its_application(
    portal: httpx.AsyncClient,  # noqa: F811
    api: httpx.AsyncClient,
) -> None:
    created = await portal.post("/portal/endpoints/new", data=NEW | {"signature": "v1a"}, headers=FORM)
    assert created.status_code == 200, created.text
    sub_id = int(re.search(r"Endpoint (\d+) created", created.text).group(1))  # type: ignore[union-attr]

    sub = (await api.get(f"/v1/subscriptions/{sub_id}")).json()
    assert (sub["signature"], sub["application"]) == ("v1a", "erp")
    page = (await portal.get(f"/portal/endpoints/{sub_id}")).text
    assert '<option value="v1a" selected>' in page
    assert '<dd data-testid="signature"><code>v1a</code></dd>' in page

    saved = await portal.post(f"/portal/endpoints/{sub_id}", data=NEW | {"signature": "both"}, headers=FORM)
    assert saved.status_code == 303
    assert (await api.get(f"/v1/subscriptions/{sub_id}")).json()["signature"] == "both"
    kept = await portal.post(f"/portal/endpoints/{sub_id}", data=NEW, headers=FORM)
    assert kept.status_code == 303
    assert (await api.get(f"/v1/subscriptions/{sub_id}")).json()["signature"] == "both"


async def test_an_unknown_scheme_is_shown_beside_the_field(
    portal: httpx.AsyncClient,  # noqa: F811
) -> None:
    refused = await portal.post("/portal/endpoints/new", data=NEW | {"signature": "v2"}, headers=FORM)

    assert refused.status_code == 422
    field = refused.text.split('name="signature"')[1].split('<div class="field">')[0]
    assert 'role="alert"' in field
