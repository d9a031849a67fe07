"""The seed's layers in Keras: Patches and each model family's block (the class its kerasBlock names).

The seed is the Keras example "Image classification with modern MLP models" (keras-io,
examples/vision/mlp_image_classification.py; docs/seed.md lists its facts). One statement
of its layers, shared by the three scripts that restate its model:
  - seed_keras.py (next to this file), the classifier that `mlpx bench --peer keras` trains,
    on Keras 3;
  - test/tools/keras_reference.py, the layer fixtures (inference, no Dropout), on Keras 3;
  - test/tools/keras_trajectory.py, the trajectory fixtures, on TensorFlow 2.15 (Keras 2) with
    TensorFlow Addons.
The two test tools import it through a sys.path entry; it lives here because @mlpx/train ships
packages/train/python (for keras_peer.py) and not test/.

What differs between them is passed in: `gelu`, a function of no arguments that makes a new GELU
layer (keras.activations.gelu in an Activation, or tfa.layers.GELU), and `dropout_rate`, None
for no Dropout layers at all. Each block's named_layers() gives its weight-bearing layers under
mlpx's weight names (packages/train's layers use the same), in mlpx's order; each script exports
their weights its own way.
"""
import keras
import tensorflow as tf
from keras import layers

from model_families import family


def _with_dropout(sublayers, dropout_rate):
    return sublayers if dropout_rate is None else [*sublayers, layers.Dropout(dropout_rate)]


class Patches(layers.Layer):
    """tf.image.extract_patches, VALID, stride = size: [batch, num_patches, patch * patch * channels]."""

    def __init__(self, patch_size, num_patches):
        super().__init__()
        self.patch_size = patch_size
        self.num_patches = num_patches

    def call(self, images):
        batch_size = tf.shape(images)[0]
        size = [1, self.patch_size, self.patch_size, 1]
        patches = tf.image.extract_patches(images=images, sizes=size, strides=size, rates=[1, 1, 1, 1], padding="VALID")
        return tf.reshape(patches, [batch_size, self.num_patches, patches.shape[-1]])


class MLPMixerLayer(layers.Layer):
    """Token mixing then channel mixing, with one LayerNormalization shared by both (the seed's quirk)."""

    @classmethod
    def from_sizes(cls, num_patches, embedding_dim, gelu, dropout_rate=None):
        return cls(num_patches, embedding_dim, gelu, dropout_rate)

    def __init__(self, num_patches, embedding_dim, gelu, dropout_rate=None):
        super().__init__()
        self.mlp1 = keras.Sequential(_with_dropout([layers.Dense(num_patches), gelu(), layers.Dense(num_patches)], dropout_rate))
        # The hidden width of the channel MLP is num_patches, as the seed writes it.
        self.mlp2 = keras.Sequential(_with_dropout([layers.Dense(num_patches), gelu(), layers.Dense(embedding_dim)], dropout_rate))
        self.normalize = layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        x = self.normalize(inputs)
        mlp1_outputs = tf.linalg.matrix_transpose(self.mlp1(tf.linalg.matrix_transpose(x)))
        x = mlp1_outputs + inputs
        return x + self.mlp2(self.normalize(x))

    def named_layers(self):
        return {
            "norm": self.normalize,
            "token_mlp_1": self.mlp1.layers[0],
            "token_mlp_2": self.mlp1.layers[2],
            "channel_mlp_1": self.mlp2.layers[0],
            "channel_mlp_2": self.mlp2.layers[2],
        }


class FNetLayer(layers.Layer):
    """The real part of the 2-D FFT over (patches, channels) in place of attention, then a feed-forward net."""

    @classmethod
    def from_sizes(cls, num_patches, embedding_dim, gelu, dropout_rate=None):
        del num_patches  # the Fourier transform mixes patches without weights
        return cls(embedding_dim, gelu, dropout_rate)

    def __init__(self, embedding_dim, gelu, dropout_rate=None):
        super().__init__()
        # The seed's Dropout sits between the GELU and the second Dense.
        self.ffn = keras.Sequential(
            [layers.Dense(embedding_dim), *_with_dropout([gelu()], dropout_rate), layers.Dense(embedding_dim)]
        )
        self.normalize1 = layers.LayerNormalization(epsilon=1e-6)
        self.normalize2 = layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        x = tf.cast(tf.signal.fft2d(tf.cast(inputs, dtype=tf.dtypes.complex64)), dtype=tf.dtypes.float32)
        x = self.normalize1(x + inputs)
        return self.normalize2(x + self.ffn(x))

    def named_layers(self):
        return {"norm1": self.normalize1, "ffn_1": self.ffn.layers[0], "ffn_2": self.ffn.layers[-1], "norm2": self.normalize2}


class GMLPLayer(layers.Layer):
    """Channel projection, the spatial gating unit, channel projection; the residual is from the normalised x (the seed's)."""

    @classmethod
    def from_sizes(cls, num_patches, embedding_dim, gelu, dropout_rate=None):
        return cls(num_patches, embedding_dim, gelu, dropout_rate)

    def __init__(self, num_patches, embedding_dim, gelu, dropout_rate=None):
        super().__init__()
        self.channel_projection1 = keras.Sequential(_with_dropout([layers.Dense(embedding_dim * 2), gelu()], dropout_rate))
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

    def named_layers(self):
        return {
            "norm1": self.normalize1,
            "channel_projection_1": self.channel_projection1.layers[0],
            "norm2": self.normalize2,
            "spatial_projection": self.spatial_projection,
            "channel_projection_2": self.channel_projection2,
        }


def make_block(model_name, num_patches, embedding_dim, gelu, dropout_rate=None):
    """One block of model_name: the class its family's kerasBlock names (model_families.py), built by its from_sizes."""
    keras_block = family(model_name).get("kerasBlock")
    if keras_block is None:
        raise ValueError(f"model {model_name!r} has no Keras block (its family names none)")
    block_class = globals().get(keras_block)
    if not (isinstance(block_class, type) and issubclass(block_class, layers.Layer)):
        raise ValueError(f"model {model_name!r}: its Keras block {keras_block} is not a layer class of seed_layers.py")
    return block_class.from_sizes(num_patches, embedding_dim, gelu, dropout_rate)
