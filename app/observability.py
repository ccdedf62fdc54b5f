"""Operations: a request id on every request, JSON logs that carry it, and Prometheus metrics.

One outermost ASGI middleware gives each request an id (a sane incoming `X-Request-ID`, or
a new one), echoes it on the response, makes it visible to every log line written while
the request is handled, writes one access line, and counts the request by route template
and status for `GET /metrics`.
"""

import logging
import os
import random
import re
import sys
import time
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, TextIO

from fastapi import Depends, FastAPI
from fastapi.responses import Response
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings, get_settings
from app.security import metrics_access

REQUEST_ID_HEADER = "X-Request-ID"
# Printable ASCII without spaces, as a token: anything else could forge or break log lines.
SANE_REQUEST_ID = re.compile(r"[!-~]{1,128}")
UNMATCHED = "<unmatched>"
# A client may send any method name; unknown ones share a label so they cannot grow the series.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

access_log = logging.getLogger("entente.access")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Module-level, so that every app built in one process (tests build many) shares them.
REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from the request to the last byte of its response, by method, route and status.",
    ["method", "route", "status"],
)


def current_request_id() -> str | None:
    """The id of the request being handled in this context, or None outside any request."""
    return _request_id.get()


def request_id_from(headers: Headers) -> str:
    """The client's `X-Request-ID` when it is a sane token, else 128 random bits in hex."""
    given = headers.get(REQUEST_ID_HEADER)
    if given is not None and SANE_REQUEST_ID.fullmatch(given):
        return given
    return f"{random.getrandbits(128):032x}"


def route_template(scope: Scope, path: str) -> str:
    """The template of the route that answered (`/api/v1/events/{event_id}`), never the raw
    path, so that metrics have one series per route rather than one per id."""
    route = scope.get("route")
    if route is not None:
        return _template_of(route, path)
    # Plain Starlette routes and mounts (/openapi.json, the docs assets) leave no route in
    # the scope; they sit at the top level, so their own templates are whole.
    for candidate in getattr(scope.get("app"), "routes", ()):
        if isinstance(candidate, Route | Mount) and candidate.path_regex.match(path):
            return candidate.path_format
    return UNMATCHED


def _template_of(route: Any, path: str) -> str:
    # Remembered on the route (routes are not hashable): a list's path is asked again and
    # again; paths with ids are many, hence the bound.
    known: dict[str, str] | None = getattr(route, "_entente_templates", None)
    if known is None:
        known = {}
        route._entente_templates = known
    template = known.get(path)
    if template is None:
        if len(known) >= 4096:
            known.clear()
        template = known[path] = _find_template(route, path)
    return template


def _find_template(route: Any, path: str) -> str:
    regex, template = getattr(route, "path_regex", None), getattr(route, "path_format", None)
    if regex is None or template is None:
        return UNMATCHED
    # FastAPI keeps an included router's routes relative to its prefix: the prefix is what
    # precedes the part of the path that the route itself matched.
    for start, char in enumerate(path):
        if char == "/" and regex.match(path[start:]):
            return path[:start] + template
    return str(template)


@lru_cache(maxsize=4096)
def _series(method: str, route: str, status: int) -> tuple[Any, Any]:
    """The counter and histogram of one (method, route, status): found once, not per request
    (the label sets are bounded: route templates, known methods, statuses)."""
    return REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route, str(status))


class RequestObservabilityMiddleware:
    """Request id, access log line and metrics for every HTTP request.

    It must wrap everything, error handling included, so that a 500 answered by Starlette's
    ServerErrorMiddleware also carries the request id and is counted. It touches only the
    response start (its status, one header): bodies, streamed or not, pass through as sent.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope))
        token = _request_id.set(request_id)
        root_path = scope.get("root_path", "")
        path = scope["path"].removeprefix(root_path) if root_path else scope["path"]
        status = 500  # what the client gets if the app fails before answering
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            method = scope["method"] if scope["method"] in KNOWN_METHODS else "OTHER"
            route = route_template(scope, path)
            counted, timed = _series(method, route, status)
            counted.inc()
            timed.observe(duration)
            duration_ms = round(duration * 1000, 2)
            access_log.info(
                "%s %s %s %.2fms",
                scope["method"],
                scope["path"],
                status,
                duration_ms,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )
            _request_id.reset(token)


def metrics() -> Response:
    """Prometheus exposition of this process, or of every worker in multiprocess mode."""
    registry: CollectorRegistry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its samples to files in that folder; a scrape reaches one
        # worker, which adds them all up.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_PLAIN_0_0_4)


class RequestIdFilter(logging.Filter):
    """Gives each record the id of the request it was written for (`missing` outside one)."""

    def __init__(self, missing: str | None) -> None:
        super().__init__()
        self.missing = missing

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get() or self.missing
        return True


class LogHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is when a line is written (as `logging.lastResort`
    does), so that a replaced stream, pytest's capture included, gets the lines."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def make_formatter(log_format: str) -> logging.Formatter:
    if log_format == "text":
        return logging.Formatter(
            "%(asctime)s %(levelname)-8s %(name)s [%(request_id)s] %(message)s"
        )
    return JsonFormatter(
        "{timestamp}{levelname}{name}{message}{request_id}",
        style="{",
        timestamp=True,
        rename_fields={"levelname": "level", "name": "logger"},
        # Uvicorn adds a copy of its messages with terminal colour codes.
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],
    )


def configure_logging(settings: Settings) -> None:
    """One handler on the root logger, in the configured format; Entente's own loggers
    (`entente.*`) at the configured level.

    It replaces only a handler of its own (building the app again configures again) and
    leaves every other handler, pytest's capture included, in place. The root logger keeps
    its level (warnings), so that libraries' chatter, such as Alembic's progress, stays out.
    """
    handler = LogHandler()
    handler.setFormatter(make_formatter(settings.log_format))
    handler.addFilter(RequestIdFilter(None if settings.log_format == "json" else "-"))
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, LogHandler)]:
        root.removeHandler(previous)
    root.addHandler(handler)
    logging.getLogger("entente").setLevel(settings.log_level)
    # Uvicorn's own lines (at uvicorn's --log-level) go through the same handler; its access
    # log is replaced by ours.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").handlers.clear()
    logging.getLogger("uvicorn.access").propagate = False


def install_observability(app: FastAPI) -> None:
    """Configures logging, serves `GET /metrics`, and wraps the app in the request middleware."""
    configure_logging(get_settings())
    app.add_api_route(
        "/metrics",
        metrics,
        methods=["GET"],
        include_in_schema=False,
        dependencies=[Depends(metrics_access)],
    )
    build_stack = app.build_middleware_stack

    def build_observed_stack() -> ASGIApp:
        return RequestObservabilityMiddleware(build_stack())

    # Starlette puts its ServerErrorMiddleware outside every middleware added to the app;
    # wrapping the built stack puts this one outside it, so that 500s too carry the id.
    app.build_middleware_stack = build_observed_stack  # type: ignore[method-assign]
