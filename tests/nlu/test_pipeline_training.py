"""Train and load a small Rasa pipeline with the project's components, as `rasa train` does."""

from pathlib import Path

import pytest

NLU = """version: "3.1"
nlu:
  - intent: quen_mat_khau
    examples: |
      - tôi quên mật khẩu
      - quên mật khẩu phần mềm quản lý văn bản
      - không nhớ mật khẩu đăng nhập
      - lấy lại mật khẩu thế nào
  - intent: ky_so
    examples: |
      - ký số văn bản thế nào
      - cách ký số trên phần mềm
      - ký văn bản bằng usb token
      - chữ ký số dùng ra sao
"""


@pytest.mark.slow
async def test_a_pipeline_with_the_tokenizer_and_centroids_trains_loads_and_understands(
    tmp_path: Path, root: Path
) -> None:
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    (tmp_path / "nlu.yml").write_text(NLU, encoding="utf-8")
    (tmp_path / "config.yml").write_text(
        "recipe: default.v1\nlanguage: vi\nassistant_id: test\npipeline:\n"
        "  - name: bot.nlu.vi_tokenizer.VietnameseTokenizer\n"
        f"    abbreviations: {root / 'knowledge_base' / 'abbreviations.yml'}\n"
        "  - name: CountVectorsFeaturizer\n    use_lemma: true\n"
        "  - name: DIETClassifier\n    epochs: 30\n    number_of_transformer_layers: 0\n"
        "    random_seed: 1\n"
        "  - name: bot.nlu.centroid_classifier.IntentCentroidClassifier\n",
        encoding="utf-8",
    )
    model = train_nlu(
        str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / "models")
    )
    assert model

    agent = Agent.load(model)
    parsed = await agent.parse_message("quen mk roi")
    assert parsed["intent"]["name"] == "quen_mat_khau"
    assert parsed["text_tokens"] == [(0, 4), (5, 7), (8, 11)]
    parsed = await agent.parse_message("ky so vb bang token")
    assert parsed["intent"]["name"] == "ky_so"
