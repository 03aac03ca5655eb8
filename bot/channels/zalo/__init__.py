"""The Zalo Official Account channel: a signed webhook in, the OA message API out.

Why it looks like this:
- Zalo retries a webhook that answers slowly, so `ZaloWebhook.handle` checks the signature and
  answers at once; the work runs in the background, and each message is claimed once in the
  store (`seen_updates`), so a redelivery is dropped even by another process or after a restart.
- Zalo shows no buttons in a plain text message, so choices become numbered lines and a typed
  number is turned back into the chosen button's payload before it reaches Rasa.
- An access token lives about a day and each refresh token works once, so the pair lives in the
  store (`channel_tokens`) and is refreshed under a row lock: two processes never spend the same
  refresh token.
- The parts are built from settings in `wiring.py`; the gateway owns the HTTP route and the
  notifier registers `ZaloChannel` under the channel name "zalo".
"""
