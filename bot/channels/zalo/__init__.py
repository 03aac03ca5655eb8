"""The Zalo Official Account channel: a signed webhook in, the OA message API out.

Why it looks like this:
- Zalo retries a webhook that answers slowly or with an error, so `ZaloWebhook.handle` checks
  the signature and the event's time, claims the event once in the store (`seen_updates`) and
  answers; the work runs in the background. A redelivery is dropped even by another process or
  after a restart, and a store that cannot take the claim answers 503, so Zalo sends it again.
- Zalo shows no buttons in a plain text message, so choices become numbered lines and a typed
  number is turned back into the chosen button's payload before it reaches Rasa.
- An access token lives about a day and each refresh token works once, so the pair lives in the
  store (`channel_tokens`) and is refreshed by the holder of a lease (`refresh.py`): two
  processes never spend the same refresh token, and no transaction waits on Zalo's answer.
- The parts are built from settings in `wiring.py`; the gateway owns the HTTP route and the
  notifier registers `ZaloChannel` under the channel name "zalo".
"""
