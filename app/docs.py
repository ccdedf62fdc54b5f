"""OpenAPI helpers: documented responses, offline Swagger UI and ReDoc, examples."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from app.errors import NOT_FOUND_DOC, NOT_MODIFIED_DOC, VALIDATION_ERROR_DOC
from app.openapi_answers import document_answers
from app.openapi_links import document_links
from app.security import page_policy

DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")
ASSETS_PATH = "/docs-assets"
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
BLANK_IMAGE = "data:image/svg+xml,%3Csvg%20xmlns=%27http://www.w3.org/2000/svg%27/%3E"

LIST_CONTENT = {
    "text/csv": {"schema": {"type": "string"}, "example": "id,title\r\n"},
    "application/x-ndjson": {"schema": {"type": "string"}, "example": '{"id": "..."}\n'},
}
LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of items (or, as CSV or NDJSON, the items streamed).",
        "content": LIST_CONTENT,
    },
    304: NOT_MODIFIED_DOC,
    422: VALIDATION_ERROR_DOC,
}
DETAIL_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: NOT_MODIFIED_DOC,
    404: NOT_FOUND_DOC,
    422: VALIDATION_ERROR_DOC,
}


def load_examples() -> dict[str, Any]:
    """Operation id -> an example 200 body, taken from the seeded knowledge base."""
    if not EXAMPLES_FILE.exists():
        return {}
    return dict(json.loads(EXAMPLES_FILE.read_text(encoding="utf-8")))


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    """A documentation page with the CSP that lets its own assets and scripts run."""
    page.headers["Content-Security-Policy"] = page_policy(bytes(page.body).decode())
    return page


@lru_cache(maxsize=1)
def redoc_bundle() -> bytes:
    """ReDoc's script, but for the logo its sidebar loads from Redocly's CDN, which the page's
    CSP refuses (the docs load nothing from another host): a blank image of its own."""
    script = (DOCS_ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")
    assert REDOC_LOGO in script, "ReDoc's bundle no longer loads its logo from the CDN"
    return script.replace(REDOC_LOGO, BLANK_IMAGE).encode()


def install_docs(app: FastAPI) -> None:
    """Swagger UI at /docs and ReDoc at /redoc, their assets served by the app itself."""

    # Before the mount, which would serve the bundle as shipped.
    @app.get(f"{ASSETS_PATH}/redoc.standalone.js", include_in_schema=False)
    async def redoc_script() -> Response:
        return Response(redoc_bundle(), media_type="text/javascript; charset=utf-8")

    app.mount(ASSETS_PATH, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")

    # Behind a proxy that serves the API under a root path, the pages' URLs start with it.
    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _with_policy(
            get_swagger_ui_html(
                openapi_url=root + (app.openapi_url or "/openapi.json"),
                title=f"{app.title} - Swagger UI",
                swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
                swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
            )
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _with_policy(
            get_redoc_html(
                openapi_url=root + (app.openapi_url or "/openapi.json"),
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{root}{ASSETS_PATH}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
                with_google_fonts=False,
            )
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            examples = load_examples()
            for path_item in schema["paths"].values():
                for operation in path_item.values():
                    example = examples.get(operation.get("operationId"))
                    content = operation.get("responses", {}).get("200", {}).get("content", {})
                    if example is not None and "application/json" in content:
                        content["application/json"]["example"] = example
            document_answers(schema)
            document_links(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
