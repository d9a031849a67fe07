"""The seed's classifiers (one per model family with a Keras block) as Keras 3 models, compiled as the seed compiles them.

The seed is the Keras example "Image classification with modern MLP models" (keras-io,
examples/vision/mlp_image_classification.py, 2021; docs/seed.md in the repository lists
its facts). Its code is for TensorFlow 2.4 with TensorFlow Addons; this restates it for Keras 3 on
the TensorFlow versions `mlpx setup tensorflow` installs (2.18 and later), changing only what no
longer exists:
  - tfa.layers.GELU()  ->  keras.activations.gelu(approximate=False). The published run's log
    warns that tfa's default had become the exact (erf) form, so that is the form that ran.
  - layers.experimental.preprocessing.*  ->  layers.* (the same layers, moved).
  - tfa.optimizers.AdamW  ->  keras.optimizers.AdamW (see compile_seed_model).

The layers themselves (Patches and the blocks) are in seed_layers.py, which the test tools
test/tools/keras_reference.py and keras_trajectory.py share: keras_reference.py checks mlpx's
layers at inference, and so leaves their Dropout layers out; these keep them, because they train.
"""
from dataclasses import dataclass

import keras
import tensorflow as tf
from keras import layers

from model_families import LEARNING_RATES, has_position_embedding
from seed_layers import Patches, make_block

# The seed's per-model learning rates are the families' own (model_families.py); its AdamW
# weight decay (docs/seed.md, "Training"):
WEIGHT_DECAY = 1e-4


@dataclass(frozen=True)
class SeedConfig:
    """The seed's hyperparameters (its "Configure the hyperparameters" cell) by default."""

    input_shape: tuple = (32, 32, 3)  # CIFAR-100
    num_classes: int = 100
    image_size: int = 64  # the images are resized to this before patching
    patch_size: int = 8
    embedding_dim: int = 256
    num_blocks: int = 4
    dropout_rate: float = 0.2
    gelu: str = "exact"  # "exact" (erf, what the seed ran) or "tanh"
    augment: bool = True  # RandomFlip + RandomZoom while training, as the seed; False leaves them out

    @property
    def num_patches(self):
        return (self.image_size // self.patch_size) ** 2


def gelu(config):
    return layers.Activation(lambda x: keras.activations.gelu(x, approximate=config.gelu == "tanh"))


def seed_block(model_name, config):
    """One of the seed's blocks (seed_layers.py), with its GELU and Dropout."""
    return make_block(model_name, config.num_patches, config.embedding_dim, lambda: gelu(config), config.dropout_rate)


def build_seed_classifier(model_name, config, training_images):
    """The seed's build_classifier, with its data_augmentation's Normalization adapted on training_images."""
    normalization = layers.Normalization()
    normalization.adapt(training_images)  # the seed: data_augmentation.layers[0].adapt(x_train)
    # Resizing is bilinear with half-pixel centres, no antialias; the random layers act only in training.
    random_layers = [layers.RandomFlip("horizontal"), layers.RandomZoom(height_factor=0.2, width_factor=0.2)] if config.augment else []
    data_augmentation = keras.Sequential(
        [normalization, layers.Resizing(config.image_size, config.image_size), *random_layers],
        name="data_augmentation",
    )
    inputs = layers.Input(shape=config.input_shape)
    patches = Patches(config.patch_size, config.num_patches)(data_augmentation(inputs))
    x = layers.Dense(units=config.embedding_dim)(patches)
    if has_position_embedding(model_name):
        # FNet's. The seed calls the Embedding on a concrete tf.range while building the functional model,
        # so it runs once, here, and its random table is added as a constant: it never trains
        # (docs/seed.md, "FNet's position table"). This keeps that quirk.
        positions = tf.range(start=0, limit=config.num_patches, delta=1)
        x = x + layers.Embedding(input_dim=config.num_patches, output_dim=config.embedding_dim)(positions)
    x = keras.Sequential([seed_block(model_name, config) for _ in range(config.num_blocks)])(x)
    representation = layers.Dropout(rate=config.dropout_rate)(layers.GlobalAveragePooling1D()(x))
    logits = layers.Dense(config.num_classes)(representation)
    return keras.Model(inputs=inputs, outputs=logits)


def compile_seed_model(model, model_name):
    """The seed's run_experiment compile: AdamW, sparse cross-entropy on logits, accuracy and top-5.

    keras.optimizers.AdamW decays each weight by learning_rate x weight_decay x weight per step,
    where the seed's tfa AdamW decays by weight_decay x weight (docs/seed.md, "Optimiser"): the same
    work per step, slightly different values, which does not matter for a throughput peer.
    No XLA, as in the seed's TensorFlow 2.4 (Keras 3's jit_compile="auto" would pick no XLA here
    too: it does on CPU-only machines, and RandomZoom does not support it).
    """
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=LEARNING_RATES[model_name], weight_decay=WEIGHT_DECAY),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="acc"),
            keras.metrics.SparseTopKCategoricalAccuracy(5, name="top5-acc"),
        ],
        jit_compile=False,
    )
