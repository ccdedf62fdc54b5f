"""A served instance: `entente serve` (uvicorn, as deployed) in a subprocess on a free port,
over a copy of the seeded knowledge base on the engine under test (one read by every test,
and one per module for writes, with a reviewer's key), and a raw-socket client for requests
no HTTP library would send."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from app.auth.models import Role
from app.auth.service import create_key
from app.db import make_engine
from tests.api.conftest import api, api_database, api_url  # noqa: F401 (fixtures)
from tests.databases import Databases


@dataclass(frozen=True)
class Served:
    port: int
    url: str  # http://127.0.0.1:PORT

    def raw(self, request: bytes, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
        """Sends `request` as given on a new connection; the status, headers and body."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(request)
            chunks = []
            try:
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
            except ConnectionResetError:
                pass  # the server closed a connection it had not read to the end
        head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return int(status_line.split()[1]), headers, body


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, "the server exited at start"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


@contextmanager
def serve(database_url: str) -> Iterator[Served]:
    """`entente serve` over `database_url` on a free port, until the block ends."""
    port = _free_port()
    env = {**os.environ, "ENTENTE_DATABASE_URL": database_url, "ENTENTE_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(port, server)
        yield Served(port, f"http://127.0.0.1:{port}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def served(databases: Databases, seeded_template: str) -> Iterator[Served]:
    with serve(databases.new(template=seeded_template)) as instance:
        yield instance


@dataclass(frozen=True)
class Keyed:
    """A served instance of its own (writes change it, and no other test reads it), and a
    reviewer's API key for it: its writes are applied at once."""

    served: Served
    key: str


@pytest.fixture(scope="module")
def served_for_writes(databases: Databases, seeded_template: str) -> Iterator[Keyed]:
    url = databases.new(template=seeded_template)
    engine = make_engine(url)
    with engine.begin() as connection:
        key = create_key(connection, name="http-tests", role=Role.REVIEWER)
    engine.dispose()
    with serve(url) as instance:
        yield Keyed(instance, key)
