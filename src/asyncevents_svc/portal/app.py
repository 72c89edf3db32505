"""The consumer portal at ``/portal``: one application's own webhooks, server-rendered.

Its holder got here through a single-use link (``POST /v1/applications/{app}/portal-sessions``,
:mod:`asyncevents_svc.applications.portal_sessions`); the session's key is bound to that
application, and every page is a call to the public API with it (:mod:`asyncevents_svc.web.client`),
so the portal sees and changes exactly what a key of that application may — the isolation
rules of the API hold here without a rule of the portal's own.

Pages: the event catalogue (descriptions, schemas, example payloads); endpoints (create,
edit, enable/disable, delete, the secret shown once, rotation, a test send, the last day's
health); the delivery log (the search language), a delivery's attempts with Replay; replay
of every failed delivery since a time after a dry-run count. Like the console: no inline
script or style, a strict CSP (``api/headers.py``), forms that must come from its own pages.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from asyncevents_svc.applications import portal_sessions
from asyncevents_svc.applications import service as applications
from asyncevents_svc.auth.web_sessions import SessionKind
from asyncevents_svc.crypto import generate_token
from asyncevents_svc.portal import flash
from asyncevents_svc.portal.flash import Flash
from asyncevents_svc.portal.session import COOKIE, set_cookie
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import PortalSettings
from asyncevents_svc.web import cookies
from asyncevents_svc.web.client import Answer, ApiClient
from asyncevents_svc.web.forms import first, form_fields, same_origin

PREFIX = "/portal"
Page = Callable[[Request, ApiClient], Awaitable[Response]]
#: What "failed" means for a bulk replay: dead letters (every retry spent).
FAILED = ["dead"]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("asyncevents_svc.portal", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pretty"] = lambda value: json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    env.filters["when"] = lambda value: (value or "")[:19].replace("T", " ")
    env.filters["percent"] = lambda value: "" if value is None else f"{value * 100:.0f} %"
    env.globals["prefix"] = PREFIX
    return env


def back(path: str, message: Flash | None = None) -> RedirectResponse:
    query = f"?{urlencode({flash.PARAM: message})}" if message else ""
    return RedirectResponse(f"{PREFIX}{path}{query}", status_code=303)


def _headers(text: str) -> dict[str, str] | None:
    """``Name: value`` lines (custom headers) as a dict; None when there are none."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    pairs = [line.partition(":") for line in lines]
    return {name.strip(): value.strip() for name, _, value in pairs}


class Portal:
    def __init__(self, api_app: ASGIApp, runtime: Runtime, settings: PortalSettings) -> None:
        self.api_app = api_app
        self.runtime = runtime
        self.settings = settings
        self.templates = _environment()

    def render(
        self, request: Request, name: str, status: int = 200, *, alert: str = "", **context: Any
    ) -> HTMLResponse:
        page = self.templates.get_template(name).render(
            request=request,
            flash=flash.text(request.query_params),
            alert=alert,
            application=getattr(request.state, "application_name", ""),
            **context,
        )
        return HTMLResponse(page, status_code=status)

    def message(self, request: Request, title: str, text: str, status: int) -> HTMLResponse:
        return self.render(request, "message.html", status=status, title=title, message=text)

    # --- the link and the session ------------------------------------------------------------

    async def confirm(self, request: Request) -> Response:
        """The link's page: a button that posts the token. Following a link spends nothing,
        so neither a link scanner nor another site can use it up, and no other site can sign
        a browser in to a portal of its choosing (a login CSRF): the POST must be our own."""
        token = request.query_params.get("token", "")
        return self.render(request, "open.html", token=token)

    async def open(self, request: Request) -> Response:
        """Spend a link, once (a form post from the link's own page): start the session, set
        its cookie, show the endpoints."""
        if not same_origin(request):
            return Response("cross-site form post refused", status_code=403)
        portal = self.settings
        token = first(await form_fields(request), "token")
        async with self.runtime.sessions() as session, session.begin():
            opened = await portal_sessions.open_link(session, token, lifetime=portal.session_lifetime)
        if opened is None:
            return self.message(
                request,
                "Link not valid",
                "This portal link is unknown, was used already, or has expired. Ask for a new one.",
                403,
            )
        response = back("/endpoints")
        sealed = cookies.seal(self.runtime.cipher, opened.session_id, opened.key)
        set_cookie(response, sealed, portal, path=PREFIX, https=request.url.scheme == "https")
        return response

    async def logout(self, request: Request) -> Response:
        """End the session and revoke its key in the database, then drop the cookie."""
        if not same_origin(request):
            return Response("cross-site form post refused", status_code=403)
        sealed = cookies.unseal(
            self.runtime.cipher,
            request.cookies.get(COOKIE, ""),
            self.settings.session_lifetime,
        )
        if sealed is not None:
            async with self.runtime.sessions() as session, session.begin():
                key_id = await portal_sessions.sign_out(session, sealed.session_id)
            if key_id is not None:
                self.runtime.keys.forget(key_id)
        response = self.message(request, "Signed out", "You are signed out of the portal.", 200)
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    def signed_in(self, page: Page, *, post: bool = False) -> Callable[[Request], Awaitable[Response]]:
        """Wrap a page: a live portal session or a 401 page (no sign-in form: only a new link
        signs in); refuse cross-site posts."""

        async def endpoint(request: Request) -> Response:
            live = await cookies.signed_in(
                self.runtime,
                request.cookies.get(COOKIE, ""),
                SessionKind.PORTAL,
                self.settings.session_lifetime,
            )
            if live is None or live.application_id is None:
                return self.message(
                    request, "Signed out", "Your portal session has ended. Open a new portal link.", 401
                )
            if post and not same_origin(request):
                return Response("cross-site form post refused", status_code=403)
            async with self.runtime.sessions() as session:
                found = await applications.find(session, str(live.application_id))
            request.state.application_name = found.name if found else ""
            return await page(request, ApiClient(self.api_app, live.key, client=request.client))

        return endpoint

    # --- the catalogue -------------------------------------------------------------------------

    async def catalogue(self, request: Request, api: ApiClient) -> Response:
        answer = await api.get("/v1/event-types")
        return self.render(request, "catalogue.html", answer=answer)

    # --- endpoints -----------------------------------------------------------------------------

    async def endpoints(self, request: Request, api: ApiClient) -> Response:
        answer = await api.get("/v1/subscriptions", cursor=request.query_params.get("cursor"), limit=50)
        health: dict[int, Any] = {}
        if answer.ok:
            for sub in answer.body["items"]:
                found = await api.get(f"/v1/subscriptions/{sub['subscription_id']}/health")
                health[sub["subscription_id"]] = found.body if found.ok else None
        return self.render(request, "endpoints.html", answer=answer, health=health)

    async def _choices(self, api: ApiClient) -> dict[str, Any]:
        events = await api.get("/v1/event-types")
        return {"event_names": [e["name"] for e in events.body["items"]] if events.ok else []}

    async def new_endpoint(self, request: Request, api: ApiClient) -> Response:
        values = {
            "event_name": "",
            "recipient_url": "",
            "description": "",
            "filter": "",
            "headers": "",
            "rate_limit": "",
            "payload_format": "data",
            "ordering": "none",
            "ordering_key": "",
            "signature": "v1",
        }
        return self.render(
            request,
            "endpoint_form.html",
            sub=None,
            values=values,
            errors={},
            health=None,
            **await self._choices(api),
        )

    async def edit_endpoint(
        self, request: Request, api: ApiClient, *, alert: str = "", status: int = 200
    ) -> Response:
        sub_id = request.path_params["subscription_id"]
        answer = await api.get(f"/v1/subscriptions/{sub_id}")
        if not answer.ok:
            return self.message(request, "Endpoint", answer.problem, answer.status)
        sub = answer.body
        values = {
            "event_name": sub["event_name"],
            "recipient_url": sub["recipient_url"],
            "description": sub["description"] or "",
            "filter": "" if sub["filter"] is None else json.dumps(sub["filter"], indent=2),
            "headers": "",
            "rate_limit": "" if sub["rate_limit"] is None else str(sub["rate_limit"]),
            "payload_format": sub["payload_format"],
            "ordering": sub["ordering"],
            "ordering_key": sub["ordering_key"] or "",
            "signature": sub["signature"],
        }
        health = await api.get(f"/v1/subscriptions/{sub_id}/health")
        return self.render(
            request,
            "endpoint_form.html",
            status=status,
            alert=alert,
            sub=sub,
            values=values,
            errors={},
            health=health.body if health.ok else None,
            **await self._choices(api),
        )

    async def save_endpoint(self, request: Request, api: ApiClient) -> Response:
        fields = await form_fields(request)
        names = (
            "event_name",
            "recipient_url",
            "description",
            "filter",
            "headers",
            "rate_limit",
            "payload_format",
            "ordering",
            "ordering_key",
            "signature",
        )
        values = {name: first(fields, name) for name in names}
        values["headers"] = fields.get("headers", [""])[0]
        sub_id = request.path_params.get("subscription_id")
        body: dict[str, Any] = {
            "event_name": values["event_name"],
            "recipient_url": values["recipient_url"],
            "payload_format": values["payload_format"] or "data",
            "description": values["description"] or None,
            "ordering": values["ordering"] or "none",
            "ordering_key": values["ordering_key"] or None,
        }
        if values["signature"]:  # absent: a new endpoint's default (v1), an edit's unchanged
            body["signature"] = values["signature"]
        errors: dict[str, str] = {}
        if values["filter"]:
            try:
                body["filter"] = json.loads(values["filter"])
            except ValueError:
                errors["filter"] = 'must be JSON, such as {"path": "status", "eq": "paid"}'
        elif sub_id is not None:
            body["filter"] = None
        try:
            body["rate_limit"] = float(values["rate_limit"]) if values["rate_limit"] else None
        except ValueError:
            errors["rate_limit"] = "must be a number of requests per second"
        headers = _headers(values["headers"])
        if headers is not None:
            body["headers"] = headers
        if sub_id is None:
            body = {k: v for k, v in body.items() if v is not None}
        answer = None
        if not errors:
            if sub_id is None:
                answer = await api.post("/v1/subscriptions", body)
            else:
                answer = await api.patch(f"/v1/subscriptions/{sub_id}", body)
            if answer.ok:
                created = answer.body
                if sub_id is None:
                    return self.render(
                        request,
                        "secret.html",
                        sub=created,
                        secret=created["verification_token"],
                        rotated=False,
                    )
                return back(f"/endpoints/{sub_id}", Flash.SAVED)
            errors = answer.errors or {"": answer.problem}
        current = None
        if sub_id is not None:
            found = await api.get(f"/v1/subscriptions/{sub_id}")
            current = found.body if found.ok else None
        return self.render(
            request,
            "endpoint_form.html",
            status=answer.status if answer else 422,
            sub=current,
            values=values,
            errors=errors,
            health=None,
            **await self._choices(api),
        )

    async def set_status(self, request: Request, api: ApiClient) -> Response:
        sub_id = request.path_params["subscription_id"]
        wanted = first(await form_fields(request), "status")
        answer = await api.patch(f"/v1/subscriptions/{sub_id}", {"status": wanted})
        if not answer.ok:
            return await self.edit_endpoint(
                request, api, alert=f"Not changed: {answer.problem}", status=answer.status
            )
        return back(f"/endpoints/{sub_id}", Flash.ENABLED if wanted == "active" else Flash.DISABLED)

    async def delete_endpoint(self, request: Request, api: ApiClient) -> Response:
        sub_id = request.path_params["subscription_id"]
        answer = await api.delete(f"/v1/subscriptions/{sub_id}")
        if not answer.ok:
            return await self.edit_endpoint(
                request, api, alert=f"Not deleted: {answer.problem}", status=answer.status
            )
        return back("/endpoints", Flash.DELETED)

    async def rotate_secret(self, request: Request, api: ApiClient) -> Response:
        """A new secret, generated here and shown once; the previous one keeps signing beside
        it for the service's rotation overlap (``security.token_rotation_overlap``)."""
        sub_id = request.path_params["subscription_id"]
        secret = generate_token()
        answer = await api.patch(f"/v1/subscriptions/{sub_id}", {"verification_token": secret})
        if not answer.ok:
            return await self.edit_endpoint(
                request, api, alert=f"Not rotated: {answer.problem}", status=answer.status
            )
        overlap = self.runtime.settings.security.token_rotation_overlap
        return self.render(
            request,
            "secret.html",
            sub=answer.body,
            secret=secret,
            rotated=True,
            overlap_hours=round(overlap / 3600, 1),
        )

    async def send_test(self, request: Request, api: ApiClient) -> Response:
        sub_id = request.path_params["subscription_id"]
        answer = await api.post(f"/v1/subscriptions/{sub_id}/test", {})
        if not answer.ok:
            return await self.edit_endpoint(
                request, api, alert=f"Not sent: {answer.problem}", status=answer.status
            )
        return back(f"/deliveries/{answer.body['delivery_id']}", Flash.TEST_SENT)

    async def resend_challenge(self, request: Request, api: ApiClient) -> Response:
        """Send the endpoint's verification challenge again (a new round)."""
        sub_id = request.path_params["subscription_id"]
        answer = await api.post(f"/v1/subscriptions/{sub_id}/verification", {})
        if not answer.ok:
            return await self.edit_endpoint(
                request, api, alert=f"Not sent: {answer.problem}", status=answer.status
            )
        return back(f"/endpoints/{sub_id}", Flash.CHALLENGE_SENT)

    # --- deliveries ------------------------------------------------------------------------------

    async def deliveries(self, request: Request, api: ApiClient) -> Response:
        q = request.query_params
        filters = {k: q.get(k, "") for k in ("q", "status", "subscription_id")}
        answer = await api.get("/v1/deliveries", **filters, cursor=q.get("cursor"), limit=50)
        next_page = None
        if answer.ok and answer.body.get("next_cursor"):
            next_page = f"{PREFIX}/deliveries?{urlencode({**filters, 'cursor': answer.body['next_cursor']})}"
        return self.render(request, "deliveries.html", answer=answer, filters=filters, next_page=next_page)

    async def delivery(
        self, request: Request, api: ApiClient, *, alert: str = "", status: int = 200
    ) -> Response:
        answer = await api.get(f"/v1/deliveries/{request.path_params['delivery_id']}")
        if not answer.ok:
            return self.message(request, "Delivery", answer.problem, answer.status)
        return self.render(request, "delivery.html", status=status, alert=alert, d=answer.body)

    async def replay(self, request: Request, api: ApiClient) -> Response:
        delivery_id = request.path_params["delivery_id"]
        answer = await api.post(f"/v1/deliveries/{delivery_id}/replay", {})
        if not answer.ok:
            return await self.delivery(
                request, api, alert=f"Not replayed: {answer.problem}", status=answer.status
            )
        return back(f"/deliveries/{delivery_id}", Flash.REPLAY_QUEUED)

    # --- replay every failed delivery since a time -------------------------------------------------

    @staticmethod
    def _since(text: str) -> str:
        """The form's time (``datetime-local``, UTC) as the API takes it; default a day ago."""
        if not text:
            return (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        return text

    async def replay_failed(self, request: Request, api: ApiClient) -> Response:
        """The dry-run count of what a replay since the given time would send again."""
        since = self._since(request.query_params.get("since", ""))
        count: Answer = await api.post("/v1/replays", {"status": FAILED, "since": since, "dry_run": True})
        return self.render(request, "replay.html", since=since, count=count)

    async def start_replay(self, request: Request, api: ApiClient) -> Response:
        since = self._since(first(await form_fields(request), "since"))
        answer = await api.post("/v1/replays", {"status": FAILED, "since": since})
        if not answer.ok:
            count = await api.post("/v1/replays", {"status": FAILED, "since": since, "dry_run": True})
            return self.render(
                request,
                "replay.html",
                status=answer.status,
                alert=f"Not replayed: {answer.problem}",
                since=since,
                count=count,
            )
        return back(f"/replays/{answer.body['id']}")

    async def replay_job(self, request: Request, api: ApiClient) -> Response:
        answer = await api.get(f"/v1/replays/{request.path_params['job_id']}")
        if not answer.ok:
            return self.message(request, "Replay", answer.problem, answer.status)
        return self.render(request, "replay_job.html", job=answer.body)


async def home(request: Request) -> Response:
    return back("/endpoints")


def create_portal(api_app: ASGIApp, runtime: Runtime, settings: PortalSettings) -> Starlette:
    """The portal, to mount at :data:`PREFIX` on the API app it calls."""
    p = Portal(api_app, runtime, settings)
    s = p.signed_in
    static = StaticFiles(directory=str(files("asyncevents_svc.web") / "static"))
    endpoint = "/endpoints/{subscription_id:int}"
    routes = [
        Route("/", home),
        Route("/open", p.confirm, methods=["GET"]),
        Route("/open", p.open, methods=["POST"]),
        Route("/logout", p.logout, methods=["POST"]),
        Route("/catalogue", s(p.catalogue)),
        Route("/endpoints", s(p.endpoints)),
        Route("/endpoints/new", s(p.new_endpoint), methods=["GET"]),
        Route("/endpoints/new", s(p.save_endpoint, post=True), methods=["POST"]),
        Route(endpoint, s(p.edit_endpoint), methods=["GET"]),
        Route(endpoint, s(p.save_endpoint, post=True), methods=["POST"]),
        Route(endpoint + "/status", s(p.set_status, post=True), methods=["POST"]),
        Route(endpoint + "/delete", s(p.delete_endpoint, post=True), methods=["POST"]),
        Route(endpoint + "/rotate", s(p.rotate_secret, post=True), methods=["POST"]),
        Route(endpoint + "/test", s(p.send_test, post=True), methods=["POST"]),
        Route(endpoint + "/verification", s(p.resend_challenge, post=True), methods=["POST"]),
        Route("/deliveries", s(p.deliveries)),
        Route("/deliveries/{delivery_id:uuid}", s(p.delivery), methods=["GET"]),
        Route("/deliveries/{delivery_id:uuid}/replay", s(p.replay, post=True), methods=["POST"]),
        Route("/replay", s(p.replay_failed), methods=["GET"]),
        Route("/replay", s(p.start_replay, post=True), methods=["POST"]),
        Route("/replays/{job_id:uuid}", s(p.replay_job)),
        Mount("/static", static, name="static"),
    ]
    return Starlette(routes=routes)
