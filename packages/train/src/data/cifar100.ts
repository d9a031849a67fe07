/**
 * CIFAR-100 (https://www.cs.toronto.edu/~kriz/cifar.html), binary version (see cifar-binary.ts),
 * with the 100 fine labels. Sources, in order: options.dataFile (a local copy: the .tar.gz or a
 * folder holding train.bin, test.bin and fine_label_names.txt; checked for format only), the
 * cached archive in the data folder, else a download verified against the md5 the CIFAR page
 * publishes (it publishes no sha256). The archive is read in memory, never extracted to disk.
 */
import { join } from 'node:path';

import { MlpxError } from '@mlpx/core';
import { resolveDataDir } from './cache-dir.js';
import { CIFAR100_CLASS_COUNT, CIFAR_CHANNELS, CIFAR_IMAGE_SIZE, parseCifar100Records, parseLabelNames } from './cifar-binary.js';
import type { ImageDataset, LoadDatasetOptions } from './dataset.js';
import { downloadFile, type RemoteFile } from './download.js';
import { readDataFile, statIfExists } from './read-file.js';
import { readTarGzEntries } from './tar-gz.js';

export const CIFAR100_ARCHIVE = 'cifar-100-binary.tar.gz';
const ARCHIVE_FOLDER = 'cifar-100-binary';
/** The files the loader reads, in the order the readers below return them. */
const FILE_NAMES = ['train.bin', 'test.bin', 'fine_label_names.txt'] as const;

export const CIFAR100_DOWNLOAD: RemoteFile = {
  url: `https://www.cs.toronto.edu/~kriz/${CIFAR100_ARCHIVE}`,
  checksum: { algorithm: 'md5', hex: '03b5dce01913d631647c71ecec9e9cb8' },
};

/** The official download, its URL replaced by $MLPX_CIFAR100_URL (a mirror) when set. */
export function cifar100Download(): RemoteFile {
  const mirror = process.env.MLPX_CIFAR100_URL;
  return mirror ? { ...CIFAR100_DOWNLOAD, url: mirror } : CIFAR100_DOWNLOAD;
}

/** One file of the dataset, with the name errors use for it. */
interface NamedData {
  readonly file: string;
  readonly data: Buffer;
}

interface LocatedFiles {
  readonly source: string;
  readonly parts: Record<'train' | 'test' | 'names', NamedData>;
}

export async function loadCifar100(options: LoadDatasetOptions, remote: RemoteFile = cifar100Download()): Promise<ImageDataset> {
  const { source, parts } = await locate(options, remote);
  const classNames = parseLabelNames(parts.names.data.toString('utf8'), parts.names.file, CIFAR100_CLASS_COUNT);
  return {
    name: 'cifar100',
    height: CIFAR_IMAGE_SIZE,
    width: CIFAR_IMAGE_SIZE,
    channels: CIFAR_CHANNELS,
    classNames,
    train: parseCifar100Records(parts.train.data, parts.train.file),
    test: parseCifar100Records(parts.test.data, parts.test.file),
    source,
  };
}

async function locate(options: LoadDatasetOptions, remote: RemoteFile): Promise<LocatedFiles> {
  const { dataFile, onInfo } = options;
  if (dataFile !== undefined) {
    const stats = await statIfExists(dataFile);
    if (stats === undefined) throw new MlpxError(`${dataFile} does not exist`);
    onInfo?.(`using ${dataFile}`);
    return stats.isDirectory() ? readFolder(dataFile) : readArchive(dataFile);
  }
  const cached = join(resolveDataDir(options.dataDir), CIFAR100_ARCHIVE);
  if ((await statIfExists(cached)) !== undefined) {
    onInfo?.(`using ${cached}`);
    return readArchive(cached);
  }
  onInfo?.(`downloading ${remote.url} to ${cached}`);
  await downloadFile({ ...remote, destination: cached, onProgress: options.onDownloadProgress });
  return readArchive(cached);
}

async function readFolder(folder: string): Promise<LocatedFiles> {
  // One after the other, so that a folder missing several files always names the same one.
  const read: NamedData[] = [];
  for (const name of FILE_NAMES) {
    const file = join(folder, name);
    read.push({ file, data: await readDataFile(file) });
  }
  const [train, test, names] = read;
  return { source: folder, parts: { train, test, names } };
}

async function readArchive(archive: string): Promise<LocatedFiles> {
  const entries = FILE_NAMES.map((name) => `${ARCHIVE_FOLDER}/${name}`);
  const [train, test, names] = (await readTarGzEntries(archive, entries)).map((data, i): NamedData => ({ file: `${archive}:${entries[i]}`, data }));
  return { source: archive, parts: { train, test, names } };
}
