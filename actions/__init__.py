"""Custom actions of the assistant, one module per topic; they call into `bot/`."""
