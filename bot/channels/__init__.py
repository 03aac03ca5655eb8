"""The chat channels officials write from (Telegram, Zalo): their rendering and transport."""
