"""The model families mlpx ships (MLP-Mixer, FNet, gMLP), read from ../model-families.json.

That file is the one list the Python tooling shares with @mlpx/train (whose models/families/*.ts
hold the same facts; a test checks they agree): each family's name (mlpx's --model), display
name, the seed's learning rate, whether the classifier adds FNet's position embedding, and the
Keras layer class in seed_layers.py that mirrors its block.
"""
import json
from pathlib import Path

_FILE = Path(__file__).resolve().parent.parent / "model-families.json"

FAMILIES = {family["name"]: family for family in json.loads(_FILE.read_text(encoding="utf-8"))["families"]}
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
