"""What each part of the understanding costs per message, and what its training costs.

Loads the trained model (config.yml) once, runs every component of its NLU pipeline on the
held-out questions as Rasa does, and prints each component's time per message; then times the
parts this project added, on and off, in the same run: the thesaurus and the typo search in the
tokenizer, and the articles' own text in the likeness classifier. Figures are printed, never
asserted: the machines are shared and noisy, so read them as ratios within one run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from benchmarks.assistant import percentile
from bot import logs
from bot.assistant.training import Project, train
from bot.kb.loader import load
from bot.kb.thesaurus import Thesaurus
from bot.nlu.article_text import learn_articles
from bot.nlu.diacritics import DiacriticsRestorer
from bot.nlu.wordlist import vietnamese_words


def _components(model: Path) -> list[tuple[str, Any]]:
    from rasa.core.agent import Agent

    nodes = Agent.load(str(model)).processor.graph_runner._instantiated_nodes
    return [
        (name.removeprefix("run_"), node._component)
        for name, node in nodes.items()
        if name.startswith("run_") and not name.startswith(("run_RulePolicy", "run_Regex"))
    ]


def _per_message(questions: list[str], components: list[tuple[str, Any]]) -> dict[str, float]:
    """Median milliseconds each component spends on one message."""
    from rasa.shared.nlu.training_data.message import Message

    spent: dict[str, list[float]] = {name: [] for name, _ in components}
    for question in questions:
        message = Message({"text": question})
        for name, component in components:
            start = time.perf_counter()
            component.process([message])
            spent[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) * 1000 for name, values in spent.items()}


def _timed(work: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _fingerprinting(root: Path, components: list[tuple[str, Any]]) -> tuple[float, float]:
    """Seconds to fingerprint the featurized training data as `rasa train` does before and
    after each component: with Rasa's own features, and with ours (`HashedFeatures`)."""
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.utils.io import deep_container_fingerprint

    files = [*(root / "nlu_data").glob("*.yml"), *(root / "build/generated/data").glob("*nlu.yml")]
    data = load_data(str(files[0])).merge(*(load_data(str(path)) for path in files[1:]))
    for name, component in components:
        if "Tokenizer" in name or "Featurizer" in name:
            component.process_training_data(data)
    hashed = _timed(lambda: deep_container_fingerprint(data), 1)
    for message in data.training_examples:
        message.features = [
            Features(f.features, f.type, f.attribute, f.origin) for f in message.features
        ]
        message._cached_fingerprint = None
    stock = _timed(lambda: deep_container_fingerprint(data), 1)
    return stock, hashed


def main() -> None:
    """Print the cost of each part."""
    logs.configure()
    root = Path.cwd()
    cases = yaml.safe_load((root / "tests/data/eval_questions.yml").read_text(encoding="utf-8"))
    questions = [case["text"] for case in cases["questions"]]
    components = _components(train(Project(root), root / "config.yml"))
    print("per message, median over the held-out questions (ms):")
    for name, ms in _per_message(questions, components).items():
        print(f"  {name:60s} {ms:6.2f}")

    tokenizer = next(c for name, c in components if "VietnameseTokenizer" in name)
    classifier = next(c for name, c in components if "IntentCentroidClassifier" in name)
    from rasa.shared.nlu.training_data.message import Message

    def tokenize_all() -> None:
        for question in questions:
            tokenizer.tokenize(Message({"text": question}), "text")

    with_all = _timed(tokenize_all)
    thesaurus, tokenizer._thesaurus = tokenizer._thesaurus, Thesaurus()
    without_terms = _timed(tokenize_all)
    tokenizer._thesaurus = thesaurus
    print("tokenizer, all questions (s):")
    print(f"  with the thesaurus {with_all:.3f}, without {without_terms:.3f}")
    restorer: DiacriticsRestorer = tokenizer._restorer
    bare = [question.split() for question in questions]
    restoring = _timed(lambda: [restorer.restore(words) for words in bare])
    typos = sum(1 for words in bare for word in words if not restorer.knows(word))
    print(f"  restoring (typo search included): {restoring:.3f}; {typos} unknown words")

    kb = load(root / "knowledge_base")
    lexicon = _timed(lambda: vietnamese_words.__wrapped__(), repeat=1)
    articles = _timed(lambda: learn_articles(kb.articles.values(), {}, Thesaurus()))
    print("training, the added parts (s):")
    print(f"  reading the word list {lexicon:.2f}; the articles' own text {articles:.2f}")
    stock, hashed = _fingerprinting(root, components)
    print(
        f"  fingerprinting the featurized training data once: Rasa's {stock:.2f}, ours {hashed:.2f}"
    )
    saved = classifier._articles
    timings = []
    for articles_on in (saved, None):
        classifier._articles = articles_on
        spent = []
        for question in questions:
            message = Message({"text": question})
            for _name, component in components:
                if component is classifier:
                    start = time.perf_counter()
                    component.process([message])
                    spent.append(time.perf_counter() - start)
                    break
                component.process([message])
        timings.append(percentile(spent, 0.95) * 1000)
    classifier._articles = saved
    print(
        f"likeness classifier p95 (ms): with the articles' text {timings[0]:.2f},"
        f" without {timings[1]:.2f}"
    )


if __name__ == "__main__":
    main()
