"""The built-in ticket desk: where escalated questions are tracked when no document system is set.

It implements docs/desk-api.yaml, the same contract a province's own document system offers, so
the assistant talks to either one by URL and token alone.
"""
