"""How many syllables the restorer puts back on a domain text, and what restoring costs.

    python -m benchmarks.restoration                       # the development text, in seconds
    python -m benchmarks.restoration --trained --text tests/data/domain_text.yml

By default only the tokenizer is trained (`bot/evaluation/quick_restoration.py`: the same
training data and config as a full training, without DIET), so a change to the restorer is
measured on the development text in about a minute; tune there. `--trained` measures through
the trained model (trained first if its inputs changed), by the code `helpdesk eval` uses: the
figure to report, read once on the evaluation text. Either way the text is refused if it shares
a sentence with the training data. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import time
from pathlib import Path

from benchmarks.assistant import percentile
from bot import logs
from bot.assistant.training import Project, train
from bot.evaluation import dataset, quick_restoration, running
from bot.evaluation.restoration import Restoration, measure, strip_marks
from bot.kb import loader
from bot.nlu.vi_tokenizer import VietnameseTokenizer
from bot.settings import ACTION_SERVER_TOKEN
from bot.vietnamese import words_with_offsets


def _print(label: str, result: Restoration, sentences: int) -> None:
    print(
        f"{label}: {result.share:.1%} of {result.total} syllables right"
        f" ({result.marked_share:.1%} of {result.marked_total} with marks),"
        f" {result.skipped} skipped, {sentences} sentences"
    )


def _restore_times(tokenizer: VietnameseTokenizer, sentences: list[str]) -> None:
    """Milliseconds the restorer spends on each sentence typed without marks."""
    restorer = tokenizer.restorer
    if restorer is None:
        return
    typed = [[w.text for w in words_with_offsets(strip_marks(s))] for s in sentences]
    spent: list[float] = []
    for _ in range(3):
        for words in typed:
            start = time.perf_counter()
            restorer.restore(words)
            spent.append((time.perf_counter() - start) * 1000)
    print(
        f"restore, per sentence (ms): median {statistics.median(spent):.2f},"
        f" p95 {percentile(spent, 0.95):.2f}, max {max(spent):.2f}"
    )


def main() -> None:
    """Measure the restorer on one domain text."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--text", type=Path, default=dataset.DEV_DOMAIN_TEXT)
    parser.add_argument("--config", type=Path, default=Path("config.yml"))
    parser.add_argument("--trained", action="store_true")
    args = parser.parse_args()
    logs.configure()
    root = Path.cwd()
    project = Project(root)
    kb = loader.load(project.knowledge_base)
    sentences = dataset.load_sentences(root / args.text)
    dataset.check_domain_texts(root, kb, loaded={args.text: sentences})
    if args.trained:
        model = train(project, root / args.config)
        # Only the tokenizer runs: no question is asked, so no action server is needed, but the
        # assistant reads its token from the environment as `helpdesk eval` sets it.
        os.environ.setdefault(ACTION_SERVER_TOKEN, secrets.token_urlsafe(32))
        _, result = asyncio.run(running.ask(model, "http://127.0.0.1:9/webhook", {}, sentences))
        assert result is not None
        _print(f"{args.text}, trained model {model.name}", result, len(sentences))
        return
    start = time.perf_counter()
    tokenizer = quick_restoration.train_tokenizer(project, root / args.config)
    print(f"tokenizer trained in {time.perf_counter() - start:.1f} s")
    result = measure(sentences, quick_restoration.tokens(tokenizer))
    _print(str(args.text), result, len(sentences))
    _restore_times(tokenizer, sentences)


if __name__ == "__main__":
    main()
