"""The Keras peer of `mlpx bench --peer keras`: training images/s and peak memory of the seed's Keras model.

Builds the seed's classifier for one model (seed_keras.py: Normalization adapted on the data,
Resizing, RandomFlip and RandomZoom while training, the blocks, pooling, Dropout, Dense; compiled
with AdamW and the seed's learning rate), trains it with model.fit on seeded synthetic uint8
images, and prints one JSON line:

    {"model", "imagesPerSec", "stepSeconds", "peakRssMiB", "tensorflowVersion", "kerasVersion"}

imagesPerSec is the batch size over the median time of the timed steps; each step is timed from
on_train_batch_begin to on_train_batch_end, after warm-up steps (the first traces the graph).
mlpx measures its own step the same way (packages/train/src/bench/training-throughput.ts): one
batch of synthetic images, seen again at every step. peakRssMiB is this process's max RSS, which is
why `mlpx bench` runs this script, and mlpx's side, each in a process of its own.

    <python with TensorFlow> keras_peer.py --model mixer                  # the seed's configuration
    <python with TensorFlow> keras_peer.py --model fnet --image-size 16 --patch-size 4 \\
        --embedding-dim 16 --blocks 1 --batch-size 32 --steps 1        # mlpx bench --quick's

It runs on the TensorFlow of the Python that runs it; `mlpx bench` uses the Python of the
TensorFlow that `mlpx setup tensorflow` installed, so both sides run the same TensorFlow build.
"""
import os

# Before TensorFlow loads: its INFO and WARNING start-up lines would only bury the result.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from model_families import KERAS_MODEL_NAMES  # noqa: E402
from seed_keras import SeedConfig, build_seed_classifier, compile_seed_model  # noqa: E402


def parse_arguments():
    seed = SeedConfig()
    parser = argparse.ArgumentParser(description="Training throughput of the seed's Keras model (the peer of mlpx bench).")
    parser.add_argument("--model", required=True, choices=KERAS_MODEL_NAMES)
    parser.add_argument("--image-size", type=int, default=seed.image_size)
    parser.add_argument("--patch-size", type=int, default=seed.patch_size)
    parser.add_argument("--embedding-dim", type=int, default=seed.embedding_dim)
    parser.add_argument("--blocks", type=int, default=seed.num_blocks)
    parser.add_argument("--dropout", type=float, default=seed.dropout_rate)
    parser.add_argument("--gelu", choices=("exact", "tanh"), default=seed.gelu)
    parser.add_argument("--no-augment", action="store_true", help="leave out RandomFlip and RandomZoom (the seed has them)")
    parser.add_argument("--input-shape", default=",".join(map(str, seed.input_shape)), help="height,width,channels")
    parser.add_argument("--classes", type=int, default=seed.num_classes)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--warmup-steps", type=int, default=1)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    input_shape = tuple(int(n) for n in args.input_shape.split(","))
    if len(input_shape) != 3 or args.image_size % args.patch_size != 0 or args.steps < 1 or args.warmup_steps < 0:
        parser.error("--input-shape takes height,width,channels; --image-size must be a multiple of --patch-size; --steps >= 1")
    config = SeedConfig(
        input_shape=input_shape,
        num_classes=args.classes,
        image_size=args.image_size,
        patch_size=args.patch_size,
        embedding_dim=args.embedding_dim,
        num_blocks=args.blocks,
        dropout_rate=args.dropout,
        gelu=args.gelu,
        augment=not args.no_augment,
    )
    return args, config


class StepTimer(keras.callbacks.Callback):
    """Wall time of every training batch. Defining on_train_batch_end also keeps Keras from
    dispatching batch callbacks asynchronously, so each time ends when its step has."""

    def __init__(self):
        super().__init__()
        self.seconds = []
        self._started = 0.0

    def on_train_batch_begin(self, batch, logs=None):
        self._started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        float(logs["loss"])  # the step's result is on the host: the step is over
        self.seconds.append(time.perf_counter() - self._started)


def peak_rss_mib():
    # On Linux VmHWM, which starts afresh at exec; getrusage's maxrss does not, so a process
    # spawned by a large parent would report at least the parent's size at the fork.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024  # bytes on macOS, KiB on Linux


def main():
    args, config = parse_arguments()
    keras.utils.set_random_seed(args.seed)  # Python, NumPy and TensorFlow: initial weights, dropout, augmentation
    rng = np.random.default_rng(args.seed)
    # One batch of synthetic images and labels, repeated for every step, as mlpx's bench does.
    # float32 like the tensor mlpx's bench trains on (the seed fed uint8 and Keras cast it).
    images = rng.integers(0, 256, (args.batch_size, *config.input_shape), dtype=np.uint8).astype(np.float32)
    labels = rng.integers(0, config.num_classes, args.batch_size)
    total_steps = args.warmup_steps + args.steps

    model = build_seed_classifier(args.model, config, images)
    compile_seed_model(model, args.model)
    timer = StepTimer()
    model.fit(
        np.tile(images, (total_steps, 1, 1, 1)),
        np.tile(labels, total_steps),
        batch_size=args.batch_size,
        epochs=1,
        shuffle=False,
        verbose=0,
        callbacks=[timer],
    )
    step_seconds = timer.seconds[args.warmup_steps :]
    result = {
        "model": args.model,
        "imagesPerSec": args.batch_size / statistics.median(step_seconds),
        "stepSeconds": step_seconds,
        "peakRssMiB": peak_rss_mib(),
        "tensorflowVersion": tf.__version__,
        "kerasVersion": keras.__version__,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
