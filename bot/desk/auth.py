"""Bearer tokens and their roles: `assistant` opens and reads tickets, `staff` may do everything.

Tokens are compared in constant time, and every configured token is compared on each call, so
the answer's timing tells nothing about how close a guess came.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from starlette.requests import Request

ASSISTANT = frozenset({"assistant", "staff"})
STAFF = frozenset({"staff"})


class Refused(Exception):
    """The call may not go on: 401 (who are you?) or 403 (not with this role)."""

    def __init__(self, status_code: int, message: str) -> None:
        """Keep the HTTP status and a message that names no token."""
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class TokenCheck:
    """Finds the role of a request's bearer token."""

    def __init__(self, roles_by_token: Mapping[str, str]) -> None:
        """Know these tokens, each with its role."""
        self._tokens = [(token.encode("utf-8"), role) for token, role in roles_by_token.items()]

    def require(self, request: Request, allowed: frozenset[str]) -> str:
        """The caller's role if it is allowed; raises Refused otherwise."""
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise Refused(401, "a bearer token is required")
        role = self._role(presented.strip().encode("utf-8"))
        if role is None:
            raise Refused(401, "unknown token")
        if role not in allowed:
            raise Refused(403, f"the {role} role may not do this")
        return role

    def _role(self, presented: bytes) -> str | None:
        found = None
        for token, role in self._tokens:
            if hmac.compare_digest(token, presented):
                found = role
        return found
