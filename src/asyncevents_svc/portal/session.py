"""The portal's cookie: a portal session's id and its key, sealed
(:mod:`asyncevents_svc.web.cookies`), for ``portal.session_lifetime``.

Not embedded (``portal.frame_ancestors`` is ``'none'``, the default) it is
``SameSite=Strict``, like the console's. Embedded, a frame in the operator's product is a
third-party context, where browsers send only ``SameSite=None; Secure`` cookies — and,
as third-party cookies go away, only ``Partitioned`` ones (CHIPS: kept per top-level site,
which is what an embedded portal wants). Then every form POST's same-origin check
(``Sec-Fetch-Site``/``Origin``) is what stops cross-site requests.
"""

from __future__ import annotations

from starlette.responses import Response

from asyncevents_svc.settings import PortalSettings

COOKIE = "asyncevents_portal"


def set_cookie(response: Response, value: str, portal: PortalSettings, *, path: str, https: bool) -> None:
    embedded = portal.embeddable
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(portal.session_lifetime),
        path=path,
        httponly=True,
        samesite="none" if embedded else "strict",
        secure=embedded or https,
    )
    if embedded:  # Starlette writes it only on Python 3.14+ (http.cookies); added by hand
        name, value_bytes = response.raw_headers[-1]
        response.raw_headers[-1] = (name, value_bytes + b"; Partitioned")
