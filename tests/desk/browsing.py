"""A browser on the desk's staff page for the page tests: signing in, forms, what is stored."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.desk.schema import changes, notes, tickets
from tests.desk.conftest import ASSISTANT, LOGIN, PASSWORD, ticket_body


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert found, page.text
    return found.group(1)


async def sign_in(
    browser: httpx.AsyncClient,
    login: str = LOGIN,
    password: str = PASSWORD,
    next_page: str = "",
) -> httpx.Response:
    form = await browser.get("/desk/login")
    assert form.status_code == 200
    fields = {"csrf": csrf_of(form), "login": login, "password": password, "next": next_page}
    return await browser.post("/desk/login", data=fields)


async def open_ticket(browser: httpx.AsyncClient, n: int = 1, **changed: object) -> str:
    headers = {**ASSISTANT, "Idempotency-Key": f"escalation-{n:04d}"}
    response = await browser.post("/api/v1/tickets", json=ticket_body(**changed), headers=headers)
    assert response.status_code == 201
    return str(response.json()["code"])


def stored(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (tickets, notes, changes)
        }


def cookie_of(response: httpx.Response, name: str) -> str:
    (line,) = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
    return line
