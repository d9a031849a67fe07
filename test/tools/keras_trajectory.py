"""Writes test/fixtures/keras/trajectory-*.json: five training steps of each seed model in Keras.

Run through keras_reference.py (`keras_reference.py trajectories`). Needs the seed's own stack:
TensorFlow 2.15 (Keras 2) with TensorFlow Addons 0.23, the last TF that tfa installs on, so
tfa.optimizers.AdamW and tfa.layers.GELU are the ones the seed called:

    python3 -m venv /tmp/tf215 && /tmp/tf215/bin/pip install tensorflow-cpu==2.15.1 tensorflow-addons==0.23.0
    /tmp/tf215/bin/python test/tools/keras_reference.py trajectories

The models restate the seed's code (docs/seed.md; the layers are packages/train/python/seed_layers.py,
given tfa.layers.GELU) at a small size, with augmentation left out and
dropout at rate 0 (Keras still runs them in training mode). Every weight gets a fixed random
value, the model trains 5 steps with model.train_on_batch (Keras' own train step) on fixed
batches, and the fixture records the batches, the initial weights under mlpx's weight names,
each step's loss and the weights after the last step. Two fixtures per model: `tanh` uses
tfa.layers.GELU() as the seed wrote it (its default is approximate=True, the tanh form) and
`exact` passes approximate=False.
"""
import json
import os
import sys

import numpy as np
import tensorflow as tf
import tensorflow_addons as tfa
from tensorflow import keras
from tensorflow.keras import layers

# The seed's layers, shared with the Keras peer (packages/train/python/seed_keras.py) and keras_reference.py.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "packages", "train", "python"))
from model_families import KERAS_MODEL_NAMES, LEARNING_RATES, has_position_embedding  # noqa: E402 (the seed's learning rates)
from seed_layers import Patches, make_block  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras")
WEIGHT_DECAY = 0.0001
CONFIG = {"inputHeight": 12, "inputWidth": 12, "inputChannels": 3, "numClasses": 10, "imageSize": 16, "patchSize": 4, "embeddingDim": 12, "blocks": 2}
BATCH, STEPS = 8, 5
NUM_PATCHES = (CONFIG["imageSize"] // CONFIG["patchSize"]) ** 2
DROPOUT = 0.0  # off, as the trajectory compares deterministic steps


def gelu_factory(form):
    """The GELU layer factory that seed_layers' blocks take: the seed's tfa.layers.GELU."""
    return (lambda: tfa.layers.GELU()) if form == "tanh" else (lambda: tfa.layers.GELU(approximate=False))


def random_weights(rng, layer):
    """Fixed random values in a trainable range: kernels ~ 1/sqrt(fan in), the rest near Keras' init."""
    kind = type(layer).__name__
    if kind == "Dense":
        kernel, bias = layer.get_weights()
        return [rng.normal(0, 1 / np.sqrt(kernel.shape[0]), kernel.shape), bias + rng.normal(0, 0.1, bias.shape)]
    if kind == "LayerNormalization":
        gamma, beta = layer.get_weights()
        return [1 + rng.normal(0, 0.1, gamma.shape), rng.normal(0, 0.1, beta.shape)]
    raise ValueError(kind)


def build(model, form, statistics, rng):
    """The seed's build_classifier (augmentation off), and its weight-bearing layers by mlpx name."""
    named = {}
    inputs = layers.Input(shape=(CONFIG["inputHeight"], CONFIG["inputWidth"], CONFIG["inputChannels"]))
    x = layers.Normalization(mean=statistics["mean"], variance=statistics["variance"])(inputs)
    x = layers.Resizing(CONFIG["imageSize"], CONFIG["imageSize"])(x)
    patches = Patches(CONFIG["patchSize"], NUM_PATCHES)(x)
    named["patch_embedding"] = layers.Dense(units=CONFIG["embeddingDim"])
    x = named["patch_embedding"](patches)
    table = None
    if has_position_embedding(model):
        # FNet's, as the seed: the Embedding is called on a constant, so Keras runs it once here and the
        # sum adds a constant. The table is set first so that the fixture knows it.
        embedding = layers.Embedding(input_dim=NUM_PATCHES, output_dim=CONFIG["embeddingDim"])
        embedding.build((NUM_PATCHES,))
        table = rng.uniform(-0.05, 0.05, (NUM_PATCHES, CONFIG["embeddingDim"])).astype(np.float32)
        embedding.set_weights([table])
        x = x + embedding(tf.range(start=0, limit=NUM_PATCHES, delta=1))
    blocks = [make_block(model, NUM_PATCHES, CONFIG["embeddingDim"], gelu_factory(form), DROPOUT) for _ in range(CONFIG["blocks"])]
    x = keras.Sequential(blocks)(x)
    representation = layers.GlobalAveragePooling1D()(x)
    representation = layers.Dropout(rate=DROPOUT)(representation)
    named["logits"] = layers.Dense(CONFIG["numClasses"])
    logits = named["logits"](representation)
    classifier = keras.Model(inputs=inputs, outputs=logits)
    for i, block in enumerate(blocks):
        for name, layer in block.named_layers().items():
            named[f"{model}_block_{i + 1}/{name}"] = layer
    for layer in named.values():
        layer.set_weights([w.astype(np.float32) for w in random_weights(rng, layer)])
    return classifier, named, table


def weights_by_name(named, table):
    out = {}
    for prefix, layer in named.items():
        suffixes = ["gamma", "beta"] if type(layer).__name__ == "LayerNormalization" else ["kernel", "bias"]
        for suffix, value in zip(suffixes, layer.get_weights()):
            out[f"{prefix}/{suffix}"] = value
    if table is not None:
        out["position_embedding/embeddings"] = table
    return out


def array_doc(value):
    value = np.asarray(value)
    return {"shape": list(value.shape), "values": value.astype(np.float64).ravel().tolist()}


def trajectory(model, form, seed):
    rng = np.random.default_rng(seed)
    tf.keras.utils.set_random_seed(seed)
    shape = (STEPS, BATCH, CONFIG["inputHeight"], CONFIG["inputWidth"], CONFIG["inputChannels"])
    images = rng.integers(0, 256, shape).astype(np.float32)
    labels = rng.integers(0, CONFIG["numClasses"], (STEPS, BATCH)).astype(np.int32)
    flat = images.reshape(-1, CONFIG["inputChannels"]).astype(np.float64)
    statistics = {"mean": flat.mean(axis=0).astype(np.float32), "variance": flat.var(axis=0).astype(np.float32)}
    classifier, named, table = build(model, form, statistics, rng)
    initial = weights_by_name(named, table)
    # Everything that trains is named (the seed's frozen table is not a weight at all).
    assert len(classifier.trainable_weights) == sum(1 for k in initial if k != "position_embedding/embeddings"), classifier.trainable_weights
    classifier.compile(
        optimizer=tfa.optimizers.AdamW(learning_rate=LEARNING_RATES[model], weight_decay=WEIGHT_DECAY),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    losses = [float(classifier.train_on_batch(images[s], labels[s])) for s in range(STEPS)]
    final = weights_by_name(named, table)
    doc = {
        "generatedBy": f"test/tools/keras_trajectory.py, TensorFlow {tf.__version__}, TensorFlow Addons {tfa.__version__}",
        "config": {"model": model, **CONFIG, "dropout": 0, "gelu": form, "augment": False},
        "optimizer": {"name": type(classifier.optimizer).__name__, "learningRate": LEARNING_RATES[model], "weightDecay": WEIGHT_DECAY, "epsilon": float(classifier.optimizer.epsilon)},
        "trainableWeights": len(classifier.trainable_weights),
        "statistics": {k: array_doc(v) for k, v in statistics.items()},
        "batches": [{"images": array_doc(images[s]), "labels": labels[s].tolist()} for s in range(STEPS)],
        "losses": losses,
        "initialWeights": {k: array_doc(v) for k, v in initial.items()},
        "finalWeights": {k: array_doc(v) for k, v in final.items()},
    }
    name = f"trajectory-{model}-{form}"
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(doc, f)
    print("wrote", name, "losses", " ".join(f"{x:.6f}" for x in losses))


def check_gelu_default():
    """tfa.layers.GELU() computes the tanh form: its approximate argument defaults to True."""
    x = tf.constant([-1.5, 0.5, 2.0])
    assert np.allclose(tfa.layers.GELU()(x), tf.nn.gelu(x, approximate=True), atol=0, rtol=0)
    assert not np.allclose(tfa.layers.GELU()(x), tf.nn.gelu(x, approximate=False), atol=1e-6, rtol=0)


def main():
    os.makedirs(OUT, exist_ok=True)
    check_gelu_default()
    for i, model in enumerate(KERAS_MODEL_NAMES):
        for form in ["exact", "tanh"]:
            trajectory(model, form, 1000 + i)
