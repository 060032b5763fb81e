"""Fixtures shared by the tests: the app in-process on a fresh data folder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.settings import Settings


@pytest.fixture
def client(tmp_path: Any) -> Iterator[TestClient]:
    settings = Settings(data=str(tmp_path), hello_timeout=0.5, ops_per_second=50, ops_burst=50)
    with TestClient(create_app(settings)) as client:
        yield client
