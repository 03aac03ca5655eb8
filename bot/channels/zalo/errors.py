"""What can go wrong talking to Zalo; messages carry error codes, never tokens or user text."""

from __future__ import annotations


class ZaloError(Exception):
    """Zalo refused a request or could not be reached; `code` is Zalo's error number if any."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class AccessTokenInvalid(ZaloError):
    """Zalo says the access token is invalid or expired (-216); a refresh may cure it."""


class TokenRefreshFailed(ZaloError):
    """No access token could be had: no stored pair, or Zalo refused the refresh token."""
