"""The links the API writes, under the root path it is served at (`entente serve
--root-path`, `ENTENTE_ROOT_PATH`): behind a proxy that serves it at `/entente`, an event's
link is `/entente/api/v1/events/...`."""

from contextvars import ContextVar

# The request's ASGI `root_path`, set for each request by `app.middleware.HttpMiddleware`
# (database work runs in the request's context, `app.db.Database.run`).
ROOT_PATH: ContextVar[str] = ContextVar("root_path", default="")


def api_url(path: str) -> str:
    """`path` (`/api/v1/...`) as a client of this server reaches it."""
    return ROOT_PATH.get() + path
