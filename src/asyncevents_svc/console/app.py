"""The admin console at ``/admin``: server-rendered pages over the public API.

Pages: sign-in (an API key), subscriptions (filters, an application among them, mass
enable/disable), a subscription's create/edit form (event from the catalogue, notifier from
the registry, store, signature scheme, token rotation, a test send), applications (create,
open a link into one's consumer portal), the delivery log (the search language of ``GET
/v1/deliveries``), a delivery's trace (attempt timeline, status codes, durations, the
payload) with Replay, and dead letters with bulk replay after a dry-run count. Every action
is a call to the API with the signed-in key (:mod:`.api`); the JavaScript only selects rows
and asks for confirmation. One page reads no API route: the service's signing keys
(:mod:`.signing`, read-only).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
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

from asyncevents_svc.api.deps import client_address
from asyncevents_svc.auth import web_sessions
from asyncevents_svc.auth.web_sessions import SessionKind
from asyncevents_svc.console import events, flash, keys, paging, policy_form, signing, times
from asyncevents_svc.console.flash import Flash
from asyncevents_svc.console.overview import overview, subscription_health
from asyncevents_svc.console.session import COOKIE, MAX_AGE, seal, unseal
from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.errors import TooManyRequests
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.subscriptions.status import SubscriptionStatus
from asyncevents_svc.web import cookies
from asyncevents_svc.web.client import Answer, ApiClient
from asyncevents_svc.web.forms import first, form_fields, same_origin

PREFIX = "/admin"
Page = Callable[[Request, ApiClient], Awaitable[Response]]
SUBSCRIPTION_FIELDS = (
    "event_name",
    "recipient_url",
    "metadata",
    "store_id",
    "status",
    "description",
    "payload_format",
    "ordering",
    "ordering_key",
    "signature",
)


def next_page(request: Request, cursor: str, listing: str) -> str:
    """The listing's URL with this page's filters and the next page's cursor (``listing``
    is explicit: a listing re-rendered after a failed form POST has the form's path)."""
    query = {k: v for k, v in request.query_params.items() if k != "cursor" and not k.startswith(flash.PARAM)}
    return f"{listing}?{urlencode({**query, 'cursor': cursor})}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("asyncevents_svc.console", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pretty"] = lambda value: json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    env.filters["when"] = times.element  # <time>, in the browser's zone by the console's script
    env.globals["prefix"] = PREFIX
    env.globals["next_page"] = next_page
    env.globals["pager"] = paging.pager
    env.globals["listing_count"] = ""  # a listing's capped count, where its page has one
    return env


def back(path: str, message: Flash | dict[str, str] | None = None) -> RedirectResponse:
    """See-other to a console page, with an optional flash message: a code from the fixed
    set (``console/flash.py``), never a text."""
    query = {flash.PARAM: message} if isinstance(message, Flash) else message or {}
    return RedirectResponse(f"{PREFIX}{path}" + (f"?{urlencode(query)}" if query else ""), status_code=303)


class Console:
    prefix = PREFIX
    back = staticmethod(back)

    def __init__(self, api_app: ASGIApp, runtime: Runtime) -> None:
        self.api_app = api_app
        self.runtime = runtime
        self.templates = _environment()

    def render(
        self, request: Request, name: str, status: int = 200, *, alert: str = "", **context: Any
    ) -> HTMLResponse:
        """A page; ``alert`` is an error to show at its top (an API problem after a form)."""
        page = self.templates.get_template(name).render(
            request=request, flash=flash.text(request.query_params), alert=alert, **context
        )
        return HTMLResponse(page, status_code=status)

    # --- sign-in ---------------------------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        return self.render(request, "login.html", error="")

    async def login(self, request: Request) -> Response:
        if not same_origin(request):
            return Response("cross-site form post refused", status_code=403)
        key = first(await form_fields(request), "key")
        try:
            # The sign-in is an authentication like the API's: same verifier, same budget.
            caller = await self.runtime.keys.verify(key, client=client_address(request)) if key else None
        except TooManyRequests as refused:
            page = self.render(
                request,
                "login.html",
                status=429,
                error=f"Too many failed sign-ins from this address; try again in {refused.retry_after} s.",
            )
            page.headers.update(refused.headers)
            return page
        if caller is None:
            return self.render(
                request, "login.html", status=401, error="That API key is unknown, revoked or expired."
            )
        session_id = await web_sessions.start(
            self.runtime.sessions, SessionKind.CONSOLE, caller.key_id, lifetime=MAX_AGE
        )
        response = back("/overview")
        response.set_cookie(
            COOKIE,
            seal(self.runtime.cipher, session_id, key),
            max_age=MAX_AGE,
            path=PREFIX,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def logout(self, request: Request) -> Response:
        """End the session in the database (a copy of the cookie dies with it), then the
        browser's cookie."""
        sealed = unseal(self.runtime.cipher, request.cookies.get(COOKIE, ""))
        if sealed is not None:
            await web_sessions.end(self.runtime.sessions, sealed.session_id)
        response = back("/login", Flash.SIGNED_OUT)
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    async def _signed_in_key(self, request: Request) -> str | None:
        """The key of a live console session, or None: the cookie must unseal, its session
        be live (one primary-key lookup) and its key still valid and the session's own."""
        cookie = request.cookies.get(COOKIE, "")
        sealed = await cookies.signed_in(self.runtime, cookie, SessionKind.CONSOLE, MAX_AGE)
        return None if sealed is None else sealed.key

    def signed_in(self, page: Page, *, post: bool = False) -> Callable[[Request], Awaitable[Response]]:
        """Wrap a page: redirect to sign-in without a valid cookie; refuse cross-site posts."""

        async def endpoint(request: Request) -> Response:
            key = await self._signed_in_key(request)
            if key is None:
                return back("/login", Flash.SIGN_IN)
            if post and not same_origin(request):
                return Response("cross-site form post refused", status_code=403)
            return await page(request, ApiClient(self.api_app, key, client=request.client))

        return endpoint

    # --- subscriptions ---------------------------------------------------------------------

    async def subscriptions(
        self, request: Request, api: ApiClient, *, alert: str = "", status: int = 200
    ) -> Response:
        q = request.query_params
        filters = {k: q.get(k, "") for k in ("event_name", "status", "metadata", "store_id", "application")}
        answer = await api.get(
            "/v1/subscriptions", **filters, cursor=q.get("cursor"), limit=100, count="true"
        )
        notifiers = await api.get("/v1/notifiers")
        return self.render(
            request,
            "subscriptions.html",
            listing=f"{PREFIX}/subscriptions",
            page_size=100,
            listing_count=paging.counted(answer),
            status=status,
            alert=alert,
            answer=answer,
            filters=filters,
            notifiers=notifiers.body["items"] if notifiers.ok else [],
        )

    async def bulk_status(self, request: Request, api: ApiClient) -> Response:
        fields = await form_fields(request)
        ids = [int(i) for i in fields.get("ids", []) if i.isdigit()]
        status = first(fields, "status")
        if not ids:
            return back("/subscriptions", Flash.SELECT_SUBSCRIPTIONS)
        answer = await api.post("/v1/subscriptions/bulk-status", {"ids": ids, "status": status})
        if not answer.ok:  # the API's words stay out of the URL: this page shows them
            return await self.subscriptions(
                request, api, alert=f"Not changed: {answer.problem}", status=answer.status
            )
        return back("/subscriptions", flash.status_changed(len(answer.body["updated"]), status))

    async def _form_choices(self, api: ApiClient) -> dict[str, Any]:
        events = await api.get("/v1/event-types")
        notifiers = await api.get("/v1/notifiers")
        return {
            "event_names": [e["name"] for e in events.body["items"]] if events.ok else [],
            "notifiers": notifiers.body["items"] if notifiers.ok else ["http"],
        }

    async def new_subscription(self, request: Request, api: ApiClient) -> Response:
        values = dict.fromkeys(SUBSCRIPTION_FIELDS, "")
        values |= {
            "metadata": "http",
            "status": SubscriptionStatus.ACTIVE,
            "store_id": "0",
            "payload_format": "data",
            "ordering": "none",
            "signature": "v1",
        }
        values |= policy_form.blank()
        return self.render(
            request,
            "subscription_form.html",
            sub=None,
            values=values,
            errors={},
            **await self._form_choices(api),
        )

    async def edit_subscription(self, request: Request, api: ApiClient) -> Response:
        answer = await api.get(f"/v1/subscriptions/{request.path_params['subscription_id']}")
        if not answer.ok:
            return self.render(
                request, "message.html", status=answer.status, title="Subscription", message=answer.problem
            )
        values = {k: "" if answer.body[k] is None else str(answer.body[k]) for k in SUBSCRIPTION_FIELDS}
        values |= policy_form.values_of(answer.body)
        return self.render(
            request,
            "subscription_form.html",
            sub=answer.body,
            values=values,
            errors={},
            health=await subscription_health(api, answer.body["subscription_id"]),
            **await self._form_choices(api),
        )

    async def save_subscription(self, request: Request, api: ApiClient) -> Response:
        fields = await form_fields(request)
        values = {k: first(fields, k) for k in SUBSCRIPTION_FIELDS}
        body: dict[str, Any] = {k: v for k, v in values.items() if v != ""}
        if "store_id" in body:
            body["store_id"] = int(body["store_id"]) if body["store_id"].isdigit() else body["store_id"]
        token = first(fields, "verification_token")
        if token:
            body["verification_token"] = token
        sub_id = request.path_params.get("subscription_id")
        policy = policy_form.parse(fields, editing=sub_id is not None)
        body |= policy.body
        values |= policy.values
        if policy.errors:  # not JSON: the API is not asked
            answer = Answer(422, {"detail": "Check the fields marked.", "errors": []})
        elif sub_id is None:
            answer = await api.post("/v1/subscriptions", body)
        else:
            if not values["description"]:
                body["description"] = None
            if not values["ordering_key"]:
                body["ordering_key"] = None
            answer = await api.patch(f"/v1/subscriptions/{sub_id}", body)
        if answer.ok:
            if sub_id is None and answer.body.get("verification_token"):
                return self.render(
                    request, "token.html", sub=answer.body, token=answer.body["verification_token"]
                )
            if sub_id is None:
                done = Flash.SUBSCRIPTION_CREATED
            elif answer.body.get("dropped_headers"):
                done = Flash.SAVED_HEADERS_DROPPED
            else:
                done = Flash.SUBSCRIPTION_SAVED
            return back(f"/subscriptions/{answer.body['subscription_id']}", done)
        current = None
        if sub_id is not None:
            found = await api.get(f"/v1/subscriptions/{sub_id}")
            current = found.body if found.ok else None
        return self.render(
            request,
            "subscription_form.html",
            status=answer.status,
            sub=current,
            values=values,
            errors={**(answer.errors or {"": answer.problem}), **policy.errors},
            **await self._form_choices(api),
        )

    async def delete_subscription(self, request: Request, api: ApiClient) -> Response:
        sub_id = request.path_params["subscription_id"]
        answer = await api.delete(f"/v1/subscriptions/{sub_id}")
        if not answer.ok:
            return await self.subscriptions(
                request, api, alert=f"Not deleted: {answer.problem}", status=answer.status
            )
        return back("/subscriptions", Flash.SUBSCRIPTION_DELETED)

    async def test_subscription(self, request: Request, api: ApiClient) -> Response:
        """Send the catalogue's example payload to this subscription only; show its delivery."""
        sub_id = request.path_params["subscription_id"]
        answer = await api.post(f"/v1/subscriptions/{sub_id}/test", {})
        if not answer.ok:
            found = await api.get(f"/v1/subscriptions/{sub_id}")
            if not found.ok:
                return self.render(
                    request, "message.html", status=found.status, title="Subscription", message=found.problem
                )
            values = {k: "" if found.body[k] is None else str(found.body[k]) for k in SUBSCRIPTION_FIELDS}
            values |= policy_form.values_of(found.body)
            return self.render(
                request,
                "subscription_form.html",
                status=answer.status,
                alert=f"Not sent: {answer.problem}",
                sub=found.body,
                values=values,
                errors={},
                **await self._form_choices(api),
            )
        return back(f"/deliveries/{answer.body['delivery_id']}", Flash.TEST_SENT)

    async def resend_challenge(self, request: Request, api: ApiClient) -> Response:
        """Send the endpoint's verification challenge again (a new round)."""
        sub_id = request.path_params["subscription_id"]
        answer = await api.post(f"/v1/subscriptions/{sub_id}/verification", {})
        if not answer.ok:
            return self.render(
                request, "message.html", status=answer.status, title="Subscription", message=answer.problem
            )
        return back(f"/subscriptions/{sub_id}", Flash.CHALLENGE_SENT)

    # --- applications ----------------------------------------------------------------------

    async def applications(
        self, request: Request, api: ApiClient, *, alert: str = "", status: int = 200, values: Any = None
    ) -> Response:
        q = request.query_params
        answer = await api.get("/v1/applications", cursor=q.get("cursor"), limit=100)
        return self.render(
            request,
            "applications.html",
            listing=f"{PREFIX}/applications",
            status=status,
            alert=alert,
            answer=answer,
            values=values or {"uid": "", "name": ""},
        )

    async def create_application(self, request: Request, api: ApiClient) -> Response:
        fields = await form_fields(request)
        values = {k: first(fields, k) for k in ("uid", "name")}
        answer = await api.post("/v1/applications", values)
        if not answer.ok:
            return await self.applications(
                request, api, alert=f"Not created: {answer.problem}", status=answer.status, values=values
            )
        return back("/applications", Flash.APPLICATION_CREATED)

    async def delete_application(self, request: Request, api: ApiClient) -> Response:
        answer = await api.delete(f"/v1/applications/{request.path_params['application']}")
        if not answer.ok:
            return await self.applications(
                request, api, alert=f"Not deleted: {answer.problem}", status=answer.status
            )
        return back("/applications", Flash.APPLICATION_DELETED)

    async def portal_session(self, request: Request, api: ApiClient) -> Response:
        """A single-use link into the application's portal, shown once on this page."""
        ref = request.path_params["application"]
        answer = await api.post(f"/v1/applications/{ref}/portal-sessions", {})
        if not answer.ok:
            return await self.applications(
                request, api, alert=f"No portal link: {answer.problem}", status=answer.status
            )
        return self.render(request, "portal_link.html", application=ref, link=answer.body)

    # --- deliveries ------------------------------------------------------------------------

    async def deliveries(self, request: Request, api: ApiClient) -> Response:
        q = request.query_params
        filters = {k: q.get(k, "") for k in ("q", "status", "event_name", "subscription_id", "application")}
        answer = await api.get("/v1/deliveries", **filters, cursor=q.get("cursor"), limit=100, count="true")
        return self.render(
            request,
            "deliveries.html",
            listing=f"{PREFIX}/deliveries",
            page_size=100,
            listing_count=paging.counted(answer),
            answer=answer,
            filters=filters,
        )

    async def delivery(
        self, request: Request, api: ApiClient, *, alert: str = "", status: int = 200
    ) -> Response:
        answer = await api.get(f"/v1/deliveries/{request.path_params['delivery_id']}")
        if not answer.ok:
            return self.render(
                request, "message.html", status=answer.status, title="Delivery", message=answer.problem
            )
        attempts = answer.body["attempts"]
        longest = max((a["duration_ms"] for a in attempts), default=0.0) or 1.0
        return self.render(
            request, "delivery.html", status=status, alert=alert, d=answer.body, longest=longest
        )

    async def replay(self, request: Request, api: ApiClient) -> Response:
        delivery_id = request.path_params["delivery_id"]
        answer = await api.post(f"/v1/deliveries/{delivery_id}/replay", {})
        if not answer.ok:
            return await self.delivery(
                request, api, alert=f"Not replayed: {answer.problem}", status=answer.status
            )
        return back(f"/deliveries/{delivery_id}", Flash.REPLAY_QUEUED)

    # --- dead letters ----------------------------------------------------------------------

    @staticmethod
    def _dead_criteria(source: dict[str, str]) -> dict[str, Any]:
        criteria: dict[str, Any] = {"status": [DeliveryStatus.DEAD]}
        if source.get("event_name"):
            criteria["event_name"] = source["event_name"]
        if source.get("subscription_id", "").isdigit():
            criteria["subscription_id"] = int(source["subscription_id"])
        return criteria

    async def dead(self, request: Request, api: ApiClient, *, alert: str = "", status: int = 200) -> Response:
        q = request.query_params
        filters = {k: q.get(k, "") for k in ("event_name", "subscription_id")}
        answer = await api.get(
            "/v1/deliveries", status=DeliveryStatus.DEAD, **filters, cursor=q.get("cursor"), limit=100
        )
        count = await api.post("/v1/replays", {**self._dead_criteria(filters), "dry_run": True})
        return self.render(
            request,
            "dead.html",
            listing=f"{PREFIX}/dead",
            page_size=100,
            status=status,
            alert=alert,
            answer=answer,
            filters=filters,
            count=count,
        )

    async def replay_dead(self, request: Request, api: ApiClient) -> Response:
        fields = await form_fields(request)
        criteria = self._dead_criteria({k: first(fields, k) for k in ("event_name", "subscription_id")})
        answer = await api.post("/v1/replays", criteria)
        if not answer.ok:
            return await self.dead(
                request, api, alert=f"Not replayed: {answer.problem}", status=answer.status
            )
        return back(f"/replays/{answer.body['id']}")

    async def replay_job(self, request: Request, api: ApiClient) -> Response:
        answer = await api.get(f"/v1/replays/{request.path_params['job_id']}")
        if not answer.ok:
            return self.render(
                request, "message.html", status=answer.status, title="Replay", message=answer.problem
            )
        return self.render(request, "replay.html", job=answer.body)


async def home(request: Request) -> Response:
    return back("/overview")


def create_console(api_app: ASGIApp, runtime: Runtime) -> Starlette:
    """The console, to mount at :data:`PREFIX` on the API app it calls."""
    c = Console(api_app, runtime)
    s = c.signed_in
    static = StaticFiles(directory=str(files("asyncevents_svc.web") / "static"))
    routes = [
        Route("/", home),
        Route("/login", c.login_page, methods=["GET"]),
        Route("/login", c.login, methods=["POST"]),
        Route("/logout", c.logout, methods=["POST"]),
        Route("/overview", s(lambda request, api: overview(c, request, api)), methods=["GET"]),
        Route("/subscriptions", s(c.subscriptions)),
        Route("/subscriptions/bulk-status", s(c.bulk_status, post=True), methods=["POST"]),
        Route("/subscriptions/new", s(c.new_subscription), methods=["GET"]),
        Route("/subscriptions/new", s(c.save_subscription, post=True), methods=["POST"]),
        Route("/subscriptions/{subscription_id:int}", s(c.edit_subscription), methods=["GET"]),
        Route("/subscriptions/{subscription_id:int}", s(c.save_subscription, post=True), methods=["POST"]),
        Route(
            "/subscriptions/{subscription_id:int}/test", s(c.test_subscription, post=True), methods=["POST"]
        ),
        Route(
            "/subscriptions/{subscription_id:int}/verification",
            s(c.resend_challenge, post=True),
            methods=["POST"],
        ),
        Route(
            "/subscriptions/{subscription_id:int}/delete",
            s(c.delete_subscription, post=True),
            methods=["POST"],
        ),
        Route("/applications", s(c.applications), methods=["GET"]),
        Route("/applications", s(c.create_application, post=True), methods=["POST"]),
        Route("/applications/{application}/portal", s(c.portal_session, post=True), methods=["POST"]),
        Route("/applications/{application}/delete", s(c.delete_application, post=True), methods=["POST"]),
        Route("/deliveries", s(c.deliveries)),
        Route("/deliveries/{delivery_id:uuid}", s(c.delivery), methods=["GET"]),
        Route("/deliveries/{delivery_id:uuid}/replay", s(c.replay, post=True), methods=["POST"]),
        Route("/dead", s(c.dead)),
        Route("/dead/replay", s(c.replay_dead, post=True), methods=["POST"]),
        Route("/replays/{job_id:uuid}", s(c.replay_job)),
        *events.routes(c),
        *keys.routes(c),
        *signing.routes(c),
        Mount("/static", static, name="static"),
    ]
    return Starlette(routes=routes)
