"""`entente serve` with several workers answers a keep-alive connection at once: each
worker's accepted sockets carry TCP_NODELAY (without it, Nagle's algorithm holds each
response's second write until the client's delayed ACK, some 40 ms a response)."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from app.cli import listening_socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def two_workers(seeded_engine: Engine) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "ENTENTE_DATABASE_URL": seeded_engine.url.render_as_string(hide_password=False),
        "ENTENTE_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/readyz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_several_workers_answer_a_keep_alive_connection_without_delay(two_workers: int):
    connection = http.client.HTTPConnection("127.0.0.1", two_workers, timeout=5)
    started = time.monotonic()
    for _ in range(40):
        connection.request("GET", "/api/v1/events?country=RU&country=FR&limit=2")
        response = connection.getresponse()
        assert response.status == 200
        response.read()
    took = time.monotonic() - started
    assert took < 1.0, f"40 requests took {took:.2f} s on one connection"


def test_the_listening_socket_is_tcp_so_accepted_sockets_get_nodelay():
    sock = listening_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        sock.listen()
        client = socket.create_connection(sock.getsockname())
        accepted, _ = sock.accept()
        assert accepted.proto == socket.IPPROTO_TCP  # what asyncio checks before TCP_NODELAY
        accepted.close()
        client.close()
    finally:
        sock.close()
