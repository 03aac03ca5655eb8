"""The trainers' review queue: unanswered questions grouped, attached or made articles."""
