"""Telegram for officials: updates in (webhook or long polling), the assistant's replies out."""
