"""Many clients at once: every request is answered, none stalls."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine

CONCURRENT = 256


@pytest.fixture
def server_url(seeded_engine: Engine, app_for) -> Iterator[str]:
    """A real uvicorn server (one worker) on a free port, over a seeded database."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app_for(seeded_engine), host="127.0.0.1", port=port, log_level="warning", backlog=1024
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_256_concurrent_requests_are_all_answered(server_url: str):
    urls = [
        "/api/v1/events?country=RU&country=FR",
        "/api/v1/events/2019-08-19-putin-official-visit-france",
        "/api/v1/events?format=csv",
        "/api/v1/events?format=ndjson&count=true",
    ]

    async def hammer() -> list[int]:
        limits = httpx.Limits(max_connections=CONCURRENT, max_keepalive_connections=CONCURRENT)
        async with httpx.AsyncClient(
            base_url=server_url, limits=limits, timeout=httpx.Timeout(60.0)
        ) as client:
            barrier = asyncio.Event()

            async def one(index: int) -> int:
                await barrier.wait()
                response = await client.get(urls[index % len(urls)])
                return response.status_code

            tasks = [asyncio.create_task(one(i)) for i in range(CONCURRENT)]
            await asyncio.sleep(0.1)
            barrier.set()
            return await asyncio.wait_for(asyncio.gather(*tasks), timeout=90)

    statuses = asyncio.run(hammer())
    assert statuses == [200] * CONCURRENT
