"""Writes test/fixtures/keras/*.json: the seed's layers run in TensorFlow/Keras on fixed inputs.

Test tooling only (mlpx itself is TypeScript). The layers below restate the seed's Keras code
(keras-io examples/vision/mlp_image_classification.py, see SEED.md) for TF 2.16 / Keras 3:
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

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras")
rng = np.random.default_rng(20211)


def gelu(approximate):
    return lambda x: keras.activations.gelu(x, approximate=approximate)


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


class MLPMixerLayer(layers.Layer):
    def __init__(self, num_patches, hidden_units, approximate):
        super().__init__()
        self.mlp1 = keras.Sequential([layers.Dense(num_patches), layers.Activation(gelu(approximate)), layers.Dense(num_patches)])
        self.mlp2 = keras.Sequential([layers.Dense(num_patches), layers.Activation(gelu(approximate)), layers.Dense(hidden_units)])
        self.normalize = layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        x = self.normalize(inputs)
        mlp1_outputs = tf.linalg.matrix_transpose(self.mlp1(tf.linalg.matrix_transpose(x)))
        x = mlp1_outputs + inputs
        return x + self.mlp2(self.normalize(x))

    def named_weights(self):
        return {
            **norm_weights("norm", self.normalize),
            **dense_weights("token_mlp_1", self.mlp1.layers[0]),
            **dense_weights("token_mlp_2", self.mlp1.layers[2]),
            **dense_weights("channel_mlp_1", self.mlp2.layers[0]),
            **dense_weights("channel_mlp_2", self.mlp2.layers[2]),
        }


class FNetLayer(layers.Layer):
    def __init__(self, embedding_dim, approximate):
        super().__init__()
        self.ffn = keras.Sequential([layers.Dense(embedding_dim), layers.Activation(gelu(approximate)), layers.Dense(embedding_dim)])
        self.normalize1 = layers.LayerNormalization(epsilon=1e-6)
        self.normalize2 = layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        x = tf.cast(tf.signal.fft2d(tf.cast(inputs, dtype=tf.dtypes.complex64)), dtype=tf.dtypes.float32)
        x = self.normalize1(x + inputs)
        return self.normalize2(x + self.ffn(x))

    def named_weights(self):
        return {
            **norm_weights("norm1", self.normalize1),
            **dense_weights("ffn_1", self.ffn.layers[0]),
            **dense_weights("ffn_2", self.ffn.layers[2]),
            **norm_weights("norm2", self.normalize2),
        }


class GMLPLayer(layers.Layer):
    def __init__(self, num_patches, embedding_dim, approximate):
        super().__init__()
        self.channel_projection1 = keras.Sequential([layers.Dense(embedding_dim * 2), layers.Activation(gelu(approximate))])
        self.channel_projection2 = layers.Dense(embedding_dim)
        self.spatial_projection = layers.Dense(num_patches, bias_initializer="Ones")
        self.normalize1 = layers.LayerNormalization(epsilon=1e-6)
        self.normalize2 = layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        x = self.normalize1(inputs)
        u, v = tf.split(self.channel_projection1(x), num_or_size_splits=2, axis=2)
        v = self.normalize2(v)
        v = tf.linalg.matrix_transpose(self.spatial_projection(tf.linalg.matrix_transpose(v)))
        return x + self.channel_projection2(u * v)

    def named_weights(self):
        return {
            **norm_weights("norm1", self.normalize1),
            **dense_weights("channel_projection_1", self.channel_projection1.layers[0]),
            **norm_weights("norm2", self.normalize2),
            **dense_weights("spatial_projection", self.spatial_projection),
            **dense_weights("channel_projection_2", self.channel_projection2),
        }


def blocks():
    patches, dim = 6, 8
    x = rng.normal(0, 1, (2, patches, dim)).astype(np.float32)
    for name, make in [
        ("mixer-block", lambda a: MLPMixerLayer(patches, dim, a)),
        ("fnet-block", lambda a: FNetLayer(dim, a)),
        ("gmlp-block", lambda a: GMLPLayer(patches, dim, a)),
    ]:
        for approximate in (False, True):
            layer = make(approximate)
            layer(x)
            randomize(layer)
            y = layer(x).numpy()
            save(f"{name}-{'tanh' if approximate else 'exact'}", x, layer.named_weights(), y, gelu="tanh" if approximate else "exact")


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
