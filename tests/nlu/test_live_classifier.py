"""The intent classifier of a trained pipeline following the live knowledge base."""

from __future__ import annotations

import asyncio
import json
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from bot.kb import publishing, training_data
from bot.kb.live_folder import LiveVersion
from bot.nlu import state as saved
from bot.nlu.centroid_classifier import IntentCentroidClassifier
from bot.nlu.centroids import IntentCentroids
from bot.nlu.live_overlay import FALLBACK_INTENT, KNOWLEDGE_BASE_ENV, build
from bot.nlu.syllables import bare_syllables
from tests.nlu.conftest import small_knowledge_base
from tests.nlu.test_live_overlay import NEW_ARTICLE, PARAPHRASE, TARGET, TARGET_INTENT
from tests.support.live_kb import add_article, edit_article, publish_edit

SMALL_TALK = """version: "3.1"
nlu:
  - intent: greet
    examples: |
      - xin chào
      - chào bạn
      - chào ad
      - hello
      - chào buổi sáng
"""


def pipeline(root: Path) -> str:
    return (
        "recipe: default.v1\nlanguage: vi\nassistant_id: test\npipeline:\n"
        "  - name: bot.nlu.vi_tokenizer.VietnameseTokenizer\n"
        f"    abbreviations: {root / 'knowledge_base' / 'abbreviations.yml'}\n"
        "  - name: CountVectorsFeaturizer\n    use_lemma: true\n"
        "  - name: DIETClassifier\n    epochs: 30\n    number_of_transformer_layers: 0\n"
        "    random_seed: 1\n"
        "  - name: bot.nlu.centroid_classifier.IntentCentroidClassifier\n"
        "  - name: FallbackClassifier\n    threshold: 0.4\n    ambiguity_threshold: 0.1\n"
    )


class Trained:
    """A small pipeline trained on a few real articles, and the state its knowledge base is in."""

    def __init__(self, base: Path, root: Path) -> None:
        self.repository = small_knowledge_base(root, base / "knowledge_base")
        version = LiveVersion.read(self.repository)
        data = base / "data"
        data.mkdir()
        (data / "kb.yml").write_text(training_data.nlu_yaml(version.kb, version.phrasing))
        (data / "small_talk.yml").write_text(SMALL_TALK)
        (base / "config.yml").write_text(pipeline(root))
        from rasa.model_training import train_nlu

        model = train_nlu(str(base / "config.yml"), str(data), str(base / "models"))
        assert model
        self.model = Path(model)
        self.state = base / "state"
        publishing.ensure_seeded(self.state, self.repository)

    def saved_state(self) -> dict[str, Any]:
        """What the centroid classifier saved in the model."""
        with tarfile.open(self.model) as archive:
            member = next(
                m
                for m in archive.getmembers()
                if "IntentCentroidClassifier" in m.name and m.name.endswith("state.json")
            )
            extracted = archive.extractfile(member)
            assert extracted is not None
            return dict(json.loads(extracted.read()))


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Trained:
    return Trained(tmp_path_factory.mktemp("live-classifier"), root)


@pytest.fixture(scope="module")
def agent(trained: Trained) -> Iterator[Agent]:
    """The model loaded as `rasa run` loads it under `helpdesk run`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KNOWLEDGE_BASE_ENV, str(trained.state / "kb" / "current"))
        yield Agent.load(str(trained.model))


async def parsed_once(agent: Agent, text: str, intent: str) -> dict[str, Any]:
    """Parse `text` until `intent` comes first (five seconds at most), as a poller would."""
    deadline = time.monotonic() + 5
    while True:
        result = await agent.parse_message(text)
        if result["intent"]["name"] == intent or time.monotonic() > deadline:
            return dict(result)
        await asyncio.sleep(0.1)


@pytest.mark.slow
def test_the_unchanged_knowledge_base_gives_back_the_trained_likeness(trained: Trained) -> None:
    state = trained.saved_state()
    trained_centroids = IntentCentroids.from_dict(state)
    version = LiveVersion.read(publishing.live_dir(trained.state, trained.repository))
    overlay = build(version, trained_centroids.intents, state["examples"])
    assert overlay.centroids is not None
    assert overlay.centroids.intents == trained_centroids.intents
    for text in ("quên mk qlvb", "máy không nhận usb token", "họp bị mất tiếng", "chào ad"):
        message = bare_syllables(text, version.abbreviations)
        rebuilt = overlay.centroids.similarities(message)
        assert rebuilt == pytest.approx(trained_centroids.similarities(message), abs=1e-9)


@pytest.mark.slow
async def test_a_published_paraphrase_is_understood_without_retraining(
    trained: Trained, agent: Agent
) -> None:
    before = await agent.parse_message(PARAPHRASE)
    assert (before["intent"]["name"], before["intent"]["confidence"] >= 0.95) != (
        TARGET_INTENT,
        True,
    )

    def change(data: dict[str, Any]) -> None:
        data["questions"].append(PARAPHRASE)

    publish_edit(trained.state, trained.repository, lambda kb: edit_article(kb, TARGET, change))
    after = await parsed_once(agent, PARAPHRASE, TARGET_INTENT)
    assert after["intent"]["name"] == TARGET_INTENT
    assert after["intent"]["confidence"] >= 0.95
    unaccented = await agent.parse_message(
        "dau oc trong rong, chang nho noi day ky tu bi mat de vao he thong cong van"
    )
    assert unaccented["intent"]["name"] == TARGET_INTENT


@pytest.mark.slow
async def test_a_question_of_an_article_the_model_does_not_know_falls_back(
    trained: Trained, agent: Agent
) -> None:
    question = NEW_ARTICLE["questions"][0]
    publish_edit(trained.state, trained.repository, lambda kb: add_article(kb, NEW_ARTICLE))
    result = await parsed_once(agent, question, FALLBACK_INTENT)
    assert result["intent"]["name"] == FALLBACK_INTENT


def test_a_model_saved_before_the_overlay_loads_and_matches_published_paraphrases(
    tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = small_knowledge_base(root, tmp_path / "knowledge_base")
    state = tmp_path / "state"
    publishing.ensure_seeded(state, repository)

    def change(data: dict[str, Any]) -> None:
        data["questions"].append(PARAPHRASE)

    publish_edit(state, repository, lambda kb: edit_article(kb, TARGET, change))
    version = LiveVersion.read(publishing.live_dir(state, repository))
    old = IntentCentroids.learn(
        [
            (bare_syllables(q, version.abbreviations), a.intent)
            for a in version.kb.articles.values()
            for q in a.questions
            if q != PARAPHRASE
        ]
    )
    storage, resource = LocalModelStorage(tmp_path), Resource("centroids")
    saved.save(storage, resource, old.to_dict())  # the state models had before: no examples
    monkeypatch.setenv(KNOWLEDGE_BASE_ENV, str(state / "kb" / "current"))
    context = ExecutionContext(GraphSchema({}), "test")
    config = IntentCentroidClassifier.get_default_config()
    classifier = IntentCentroidClassifier.load(config, storage, resource, context)
    assert isinstance(classifier, IntentCentroidClassifier)

    syllables = bare_syllables(PARAPHRASE, version.abbreviations)
    ranking = [
        {"name": "kb_hntt__mat_tieng", "confidence": 0.6},
        {"name": TARGET_INTENT, "confidence": 0.4},
    ]
    message = Message(
        data={
            "text": PARAPHRASE,
            "text_tokens": [Token(s, n, lemma=s) for n, s in enumerate(syllables)],
            "intent": ranking[0],
            "intent_ranking": ranking,
        }
    )
    classifier.process([message])
    assert message.get("intent")["name"] == TARGET_INTENT
    assert message.get("intent")["confidence"] == pytest.approx(0.95)
