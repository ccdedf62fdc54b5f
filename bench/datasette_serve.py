"""Datasette served as its users run it in production: uvicorn with httptools, no access log.

Run by bench/.venv-datasette's own Python (bench/harness/servers.py makes that venv with
the pinned datasette and httptools):

    bench/.venv-datasette/bin/python bench/datasette_serve.py DB.sqlite3 --metadata M.json \\
        --port 8001

`datasette serve` starts uvicorn with its defaults (an access line for every request, the
HTTP parser uvicorn picks); here the same Datasette app (`Datasette(...).app()`, an ASGI
app) runs under uvicorn with the parser and settings a deployment would choose, as the
benchmark runs Entente and the floor.
"""

import argparse
import json
from pathlib import Path

import uvicorn
from datasette.app import Datasette


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--metadata", type=Path, help="Datasette metadata (canned queries)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    metadata = json.loads(args.metadata.read_text()) if args.metadata else None
    datasette = Datasette(
        [str(args.database)],
        metadata=metadata,
        settings={"sql_time_limit_ms": 60000},
    )
    uvicorn.run(
        datasette.app(),
        host=args.host,
        port=args.port,
        http="httptools",
        loop="asyncio",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
