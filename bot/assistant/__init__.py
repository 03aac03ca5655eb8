"""Training, loading and asking the Rasa assistant, the same way the live one runs."""
