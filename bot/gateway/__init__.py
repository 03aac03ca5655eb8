"""The gateway: one web app for the channels' webhooks, the local web chat, health and metrics."""
