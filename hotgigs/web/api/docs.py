"""`/api/v1/openapi.json` (the document, OpenAPI 3.1 as FastAPI writes it from the pydantic
models) and `/api/v1/docs` (Swagger UI, served from the `swagger_ui_bundle` package: the
browser fetches nothing from the internet).

The bundled Swagger UI (4.x) reads OpenAPI 3.0 only, so the docs page is handed a 3.0 copy
(`/api/v1/docs/openapi-3.0.json`): `anyOf` with `null` becomes `nullable`, `examples` becomes
`example`. The 3.1 document stays the reference for clients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from starlette.responses import HTMLResponse, JSONResponse
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

PREFIX = "/api/v1"
ASSETS = f"{PREFIX}/docs/assets"
DESCRIPTION = (
    "Upload resumes, follow their processing live, read your candidates and match them to "
    "your jobs. Authenticate with `Authorization: Bearer <token>` (`hotgigs token create`). "
    "Errors are RFC 9457 problem documents (`application/problem+json`)."
)


def openapi_document(app: FastAPI, version: str) -> dict[str, Any]:
    doc = get_openapi(title="HotGigs API", version=version, description=DESCRIPTION,
                      routes=app.routes)
    # the app's other routes (pages, Slack, /admin) are not part of the API
    doc["paths"] = {path: item for path, item in doc.get("paths", {}).items()
                    if path.startswith(PREFIX + "/")}
    components = doc.setdefault("components", {})
    components["securitySchemes"] = {"bearer": {
        "type": "http", "scheme": "bearer",
        "description": "an API token from `hotgigs token create --owner EMAIL`"}}
    doc["security"] = [{"bearer": []}]
    return doc


def as_openapi_30(node: Any) -> Any:
    """The same document in OpenAPI 3.0 terms, for the bundled Swagger UI."""
    if isinstance(node, list):
        return [as_openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: as_openapi_30(value) for key, value in node.items()}
    if "openapi" in out and isinstance(out["openapi"], str):
        out["openapi"] = "3.0.3"
    options = out.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        del out["anyOf"]
        if len(rest) == 1 and "$ref" not in rest[0]:
            out.update(rest[0])
        else:
            out["anyOf" if len(rest) > 1 else "allOf"] = rest
        out["nullable"] = True
    if isinstance(out.get("examples"), list) and "type" in out:
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if out.get("type") == "string" and out.get("contentMediaType") == \
            "application/octet-stream":
        del out["contentMediaType"]
        out["format"] = "binary"
    return out


def add_docs(app: FastAPI, version: str) -> None:
    cache: dict[str, dict[str, Any]] = {}

    def cached(name: str, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if name not in cache:
            cache[name] = make()
        return cache[name]

    def document() -> JSONResponse:
        return JSONResponse(cached("3.1", lambda: openapi_document(app, version)))

    def document_30() -> JSONResponse:
        return JSONResponse(cached("3.0", lambda: as_openapi_30(
            cached("3.1", lambda: openapi_document(app, version)))))

    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{PREFIX}/docs/openapi-3.0.json", title="HotGigs API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None})

    app.add_api_route(f"{PREFIX}/openapi.json", document, methods=["GET"],
                      include_in_schema=False)
    app.add_api_route(f"{PREFIX}/docs/openapi-3.0.json", document_30, methods=["GET"],
                      include_in_schema=False)
    app.add_api_route(f"{PREFIX}/docs", docs, methods=["GET"], include_in_schema=False)
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="api-docs-assets")
