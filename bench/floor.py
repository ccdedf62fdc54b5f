"""The framework floor: a FastAPI app with one async endpoint returning a constant small JSON.

Served by the same uvicorn as Entente (`python bench/floor.py --port P`: one worker, the
same loop and HTTP implementation, no access log), it is the fastest any FastAPI endpoint
can answer on this machine, so Entente's requests/s over the floor's tells how much of the
budget the knowledge base itself costs.
"""

import argparse

from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

BODY = {"status": "ok", "service": "floor", "items": [1, 2, 3]}


@app.get("/floor")
async def floor() -> JSONResponse:
    return JSONResponse(BODY)


def main() -> None:
    import uvicorn

    from app.cli import SERVER_OPTIONS

    parser = argparse.ArgumentParser(description="Serve the framework floor.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    # As `entente serve` runs uvicorn (app/cli.py): the same loop and HTTP parser, one worker.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        access_log=False,
        log_level="warning",
        **SERVER_OPTIONS,
    )


if __name__ == "__main__":
    main()
