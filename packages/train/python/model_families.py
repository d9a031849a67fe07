"""The model families mlpx ships, read from ../dist/model-families.json.

@mlpx/train's build writes that file (scripts/write-model-families.mjs) from the families' own
entries (src/models/families/*.ts), the one statement of their facts: each family's name (mlpx's
--model), display name, the seed's learning rate, whether the classifier adds FNet's position
embedding, and the Keras layer class in seed_layers.py that mirrors its block.
"""
import json
from pathlib import Path

_FILE = Path(__file__).resolve().parent.parent / "dist" / "model-families.json"


def _read_families():
    try:
        text = _FILE.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SystemExit(f"{_FILE} is missing: @mlpx/train's build writes it (npm run build in the repository)") from None
    return {family["name"]: family for family in json.loads(text)["families"]}


FAMILIES = _read_families()
MODEL_NAMES = tuple(FAMILIES)
# The families with a Keras block in seed_layers.py: the ones the Keras peer and fixtures cover.
KERAS_MODEL_NAMES = tuple(name for name, family in FAMILIES.items() if family.get("kerasBlock"))
LEARNING_RATES = {name: family["learningRate"] for name, family in FAMILIES.items()}


def family(model_name):
    """The family's facts, or a ValueError naming the known families."""
    if model_name not in FAMILIES:
        raise ValueError(f"unknown model {model_name!r}: the model families are {', '.join(MODEL_NAMES)}")
    return FAMILIES[model_name]


def has_position_embedding(model_name):
    return family(model_name)["positionEmbedding"]
