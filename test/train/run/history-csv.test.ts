/**
 * history.csv as Keras's CSVLogger writes it: read back with Python's csv module, it holds the
 * run's history; its header is the one CSVLogger writes for the seed's model.compile metrics and
 * callbacks (Keras 3, in the Python of the TensorFlow `mlpx setup tensorflow` set up); and a
 * trained run writes it beside metrics.json. Resumed runs: test/helpers/resume-suite.ts.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpochLogs } from '@mlpx/train/src/fit/fit.js';
import { HISTORY_CSV, historyCsv } from '@mlpx/train/src/run/history-csv.js';
import { trainRun } from '@mlpx/train/src/run/train-run.js';
import { tempDir } from '../../helpers/dataset-fixtures.js';
import { describeWithTensorflow, tensorflowInstall } from '../../helpers/tensorflow.js';

const run = promisify(execFile);

const HISTORY: EpochLogs[] = [1, 2].map((epoch) => ({
  epoch,
  loss: 2.3 / epoch + 1e-9,
  accuracy: 0.1 * epoch + 1 / 3,
  top5: 0.5 + 0.01 * epoch,
  valLoss: 2.1 / epoch,
  valAccuracy: 0.2 * epoch,
  valTop5: 0.6 + 0.02 * epoch,
  learningRate: epoch === 1 ? 0.005 : 0.0025,
  seconds: 10,
  imagesPerSec: 100,
}));

/** Python's csv.DictReader of `file`: the rows, as [header, rows]. */
async function readWithPython(python: string, file: string): Promise<{ header: string[]; rows: Record<string, string>[] }> {
  const script =
    'import csv, json, sys\nr = csv.DictReader(open(sys.argv[1], newline=""))\nrows = list(r)\nprint(json.dumps({"header": r.fieldnames, "rows": rows}))';
  const { stdout } = await run(python, ['-c', script, file]);
  return JSON.parse(stdout) as { header: string[]; rows: Record<string, string>[] };
}

describe('history.csv', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    work = await tempDir();
  });
  afterAll(() => work.remove());

  it("reads back with Python's csv module as the history, each number exactly, epochs counted from 0", async () => {
    const file = join(work.path, 'history.csv');
    await writeFile(file, historyCsv(HISTORY, 5));
    const { header, rows } = await readWithPython('/usr/bin/python3', file);
    expect(header).toEqual(['epoch', 'accuracy', 'learning_rate', 'loss', 'top5-acc', 'val_accuracy', 'val_loss', 'val_top5-acc']);
    expect(rows.map((row) => Number(row['epoch']))).toEqual([0, 1]);
    expect(rows.map((row) => Number(row['loss']))).toEqual(HISTORY.map((h) => h.loss));
    expect(rows.map((row) => Number(row['accuracy']))).toEqual(HISTORY.map((h) => h.accuracy));
    expect(rows.map((row) => Number(row['val_top5-acc']))).toEqual(HISTORY.map((h) => h.valTop5));
    expect(rows.map((row) => Number(row['learning_rate']))).toEqual([0.005, 0.0025]);
  });

  it('names top-k after k where there are fewer than 5 classes', () => {
    expect(historyCsv(HISTORY, 3).split('\n')[0]).toBe('epoch,accuracy,learning_rate,loss,top3-acc,val_accuracy,val_loss,val_top3-acc');
  });

  it("is written with a run, one row per epoch of metrics.json's history", async () => {
    const { folder, metrics } = await trainRun(
      {
        dataset: 'fashion-mnist-sample',
        model: 'mixer',
        architecture: { imageSize: 28, patchSize: 7, embeddingDim: 16, blocks: 1, dropout: 0, gelu: 'exact' },
        epochs: 2,
        batchSize: 64,
        learningRate: 0.005,
        weightDecay: 1e-4,
        validationSplit: 0.1,
        seed: 1,
        backend: 'wasm',
        limit: 256,
        threads: 1,
      },
      {},
      join(work.path, 'run'),
    );
    expect(await readFile(join(folder, HISTORY_CSV), 'utf8')).toBe(historyCsv(metrics.history, 5));
    expect((await readFile(join(folder, HISTORY_CSV), 'utf8')).trimEnd().split('\n')).toHaveLength(1 + metrics.history.length);
  }, 120_000);
});

describeWithTensorflow("history.csv against Keras's CSVLogger", () => {
  it("has the header CSVLogger writes for the seed's metrics and callbacks, and its epoch numbers", async () => {
    const python = tensorflowInstall?.python;
    expect(python, 'the TensorFlow set up has a Python').toBeDefined();
    const work = await tempDir();
    try {
      const file = join(work.path, 'keras.csv');
      // The seed's compile (accuracy, top5-acc) and callbacks (ReduceLROnPlateau, EarlyStopping) on a tiny model, two epochs.
      const script = [
        'import os, sys',
        'os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"',
        'import numpy as np, keras',
        'x = np.random.default_rng(0).random((64, 4)).astype("float32"); y = np.arange(64) % 10',
        'model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10)])',
        'model.compile(optimizer=keras.optimizers.AdamW(0.005, weight_decay=1e-4), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),',
        '              metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy"), keras.metrics.SparseTopKCategoricalAccuracy(5, name="top5-acc")])',
        'callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True),',
        '             keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=5), keras.callbacks.CSVLogger(sys.argv[1])]',
        'model.fit(x, y, batch_size=32, epochs=2, validation_split=0.1, callbacks=callbacks, verbose=0)',
      ].join('\n');
      await run(python!, ['-c', script, file], { timeout: 120_000 });
      const keras = (await readFile(file, 'utf8')).replace(/\r\n/g, '\n').trimEnd().split('\n');
      const ours = historyCsv(HISTORY, 5).trimEnd().split('\n');
      expect(ours[0]).toBe(keras[0]);
      expect(ours.slice(1).map((row) => row.split(',')[0])).toEqual(keras.slice(1).map((row) => row.split(',')[0]));
    } finally {
      await work.remove();
    }
  }, 180_000);
});
