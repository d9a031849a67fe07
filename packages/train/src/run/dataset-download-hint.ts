/**
 * A dataset download that failed, with what to do instead: the loaders in data/ say what went
 * wrong (the host unreachable, an HTTP status, a checksum); this adds the flag that reads a copy
 * the user already has, naming the file the official download is. `mlpx train` and `mlpx eval`
 * load datasets through it.
 */
import { MlpxError } from '@mlpx/core';
import { CIFAR100_ARCHIVE, cifar100Download } from '../data/cifar100.js';

const CIFAR_PAGE = 'https://www.cs.toronto.edu/~kriz/cifar.html';

export async function withLocalCopyHint<T>(spec: string, dataFile: string | undefined, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    // The download's errors name its URL; a cached archive's or a local file's do not.
    const downloadFailed = spec === 'cifar100' && dataFile === undefined && error instanceof MlpxError && error.message.includes(cifar100Download().url);
    if (!downloadFailed) throw error;
    throw new MlpxError(
      `${error.message}; to use a local copy instead, pass --data-file path/to/${CIFAR100_ARCHIVE} (the archive from ${CIFAR_PAGE}, or the folder it unpacks to)`,
      { cause: error },
    );
  }
}
