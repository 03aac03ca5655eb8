"""The web chat page served on localhost."""
