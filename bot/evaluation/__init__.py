"""Held-out evaluation of the assistant against a stock Rasa pipeline."""
