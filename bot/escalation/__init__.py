"""Escalating questions to a document system: its ticket API client, and a local outbox.

The document system is another service that may be down; an escalation the official asked for
must not be lost then, nor turn into two tickets when a response is lost. `client` talks to the
API of `docs/desk-api.yaml`, `outbox` keeps what could not be delivered, and `delivery` sends it
on later, with the same idempotency key, so the server never creates a second ticket.
"""
