"""Writes test/fixtures/keras/*.json: the seed's layers run in TensorFlow/Keras on fixed inputs.

Test tooling only (mlpx itself is TypeScript). The layers are the seed's Keras code
(keras-io examples/vision/mlp_image_classification.py, see docs/seed.md) as
packages/train/python/seed_layers.py restates it, here without Dropout, for TF 2.16 / Keras 3:
tfa.layers.GELU() becomes keras.activations.gelu(approximate=False), which is what the seed ran.
Each fixture holds the input, the weights by name and the output; the vitest suite loads the
same weights into mlpx's layers and compares outputs.

    python3 -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow-cpu==2.16.2
    /tmp/tfvenv/bin/python test/tools/keras_reference.py

`keras_reference.py trajectories` writes the training-trajectory fixtures instead (five AdamW
steps of each whole model): that writer, keras_trajectory.py, needs TF 2.15 and TensorFlow
Addons, the seed's own optimizer and GELU (see its docstring).
"""
import json
import os
import sys

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

# The seed's layers, shared with the Keras peer (packages/train/python/seed_keras.py) and keras_trajectory.py.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "packages", "train", "python"))
from model_families import KERAS_MODEL_NAMES  # noqa: E402
from seed_layers import make_block  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras")
rng = np.random.default_rng(20211)


def gelu(approximate):
    """The GELU layer factory that seed_layers' blocks take."""
    return lambda: layers.Activation(lambda x: keras.activations.gelu(x, approximate=approximate))


def dense_weights(prefix, dense):
    kernel, bias = dense.get_weights()
    return {f"{prefix}/kernel": kernel, f"{prefix}/bias": bias}


def norm_weights(prefix, norm):
    gamma, beta = norm.get_weights()
    return {f"{prefix}/gamma": gamma, f"{prefix}/beta": beta}


def randomize(layer):
    """Random weights everywhere (not Keras' zeros/ones), so every weight matters."""
    layer.set_weights([rng.normal(0, 0.5, w.shape).astype(np.float32) for w in layer.get_weights()])


def save(name, inputs, weights, outputs, **extra):
    doc = {
        "generatedBy": f"test/tools/keras_reference.py, TensorFlow {tf.__version__}, Keras {keras.__version__}",
        "input": {"shape": list(inputs.shape), "values": inputs.astype(np.float64).ravel().tolist()},
        "weights": {k: {"shape": list(v.shape), "values": v.astype(np.float64).ravel().tolist()} for k, v in weights.items()},
        "output": {"shape": list(outputs.shape), "values": np.asarray(outputs).astype(np.float64).ravel().tolist()},
        **extra,
    }
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(doc, f)
    print("wrote", name, list(outputs.shape))


def named_weights(block):
    """The block's weights under mlpx's names: kernel/bias of each Dense, gamma/beta of each LayerNormalization."""
    weights = {}
    for prefix, layer in block.named_layers().items():
        weights.update((norm_weights if isinstance(layer, layers.LayerNormalization) else dense_weights)(prefix, layer))
    return weights


def blocks():
    patches, dim = 6, 8
    x = rng.normal(0, 1, (2, patches, dim)).astype(np.float32)
    for model in KERAS_MODEL_NAMES:
        for approximate in (False, True):
            layer = make_block(model, patches, dim, gelu(approximate))  # no Dropout: inference only
            layer(x)
            randomize(layer)
            y = layer(x).numpy()
            save(f"{model}-block-{'tanh' if approximate else 'exact'}", x, named_weights(layer), y, gelu="tanh" if approximate else "exact")


def preprocessing():
    images = rng.integers(0, 256, (2, 6, 10, 3)).astype(np.float32)
    mean = np.array([120.5, 100.25, 90.0], np.float32)
    variance = np.array([3000.0, 2500.0, 0.0], np.float32)  # a zero variance exercises the epsilon floor
    norm = layers.Normalization(mean=mean, variance=variance)
    y = norm(images).numpy()
    save("normalization", images, {"mean": mean, "variance": variance}, y)
    resized = layers.Resizing(12, 16, interpolation="bilinear")(images).numpy()
    save("bilinear-resize", images, {}, resized, height=12, width=16)
    patches = tf.image.extract_patches(images[:, :6, :8, :], sizes=[1, 2, 2, 1], strides=[1, 2, 2, 1], rates=[1, 1, 1, 1], padding="VALID")
    patches = tf.reshape(patches, [2, -1, patches.shape[-1]]).numpy()
    save("patches", images[:, :6, :8, :], {}, patches, patchSize=2)


if __name__ == "__main__" and sys.argv[1:] == ["trajectories"]:
    sys.path.insert(0, os.path.dirname(__file__))
    import keras_trajectory

    keras_trajectory.main()
elif __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    blocks()
    preprocessing()
