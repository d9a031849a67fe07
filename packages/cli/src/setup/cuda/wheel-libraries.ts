/**
 * Reads a wheel (a zip, through yauzl): its METADATA, and its shared libraries (`*.so`,
 * `*.so.<n>`), which are the only files mlpx keeps. Libraries are unpacked flat into a temporary
 * folder beside the target and renamed into place, so the target folder either holds every
 * library of the wheel or does not exist.
 */
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { basename, dirname, join } from 'node:path';
import yauzl from 'yauzl';
import { describeError, MlpxError } from '@mlpx/core';

export const SHARED_LIBRARY = /\.so(\.\d+)*$/;

async function openWheel(wheel: string): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.openPromise(wheel, { lazyEntries: true, strictFileNames: false });
  } catch (error) {
    throw new MlpxError(`cannot read ${wheel} as a zip (wheel) file: ${describeError(error)}`, { cause: error });
  }
}

/** The text of the wheel's `<name>-<version>.dist-info/METADATA`. */
export async function readWheelMetadata(wheel: string): Promise<string> {
  const zip = await openWheel(wheel);
  try {
    for await (const entry of zip.eachEntry()) {
      if (/^[^/]+\.dist-info\/METADATA$/.test(entry.fileName)) {
        const chunks: Buffer[] = [];
        for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      }
    }
  } catch (error) {
    throw new MlpxError(`cannot read ${wheel}: ${describeError(error)}`, { cause: error });
  } finally {
    zip.close();
  }
  throw new MlpxError(`${wheel} has no .dist-info/METADATA: not a wheel`);
}

/**
 * Unpacks the wheel's shared libraries that `keep` accepts (by their path inside the wheel) into
 * `target`, flat; returns their file names. An existing `target` is replaced.
 */
export async function extractLibraries(
  wheel: string,
  target: string,
  keep: (path: string) => boolean = (path) => SHARED_LIBRARY.test(path),
): Promise<string[]> {
  const temporary = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
  await mkdir(temporary, { recursive: true });
  const names: string[] = [];
  const zip = await openWheel(wheel);
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/') || !SHARED_LIBRARY.test(entry.fileName) || !keep(entry.fileName)) continue;
      const name = basename(entry.fileName);
      if (names.includes(name)) throw new MlpxError(`${wheel} holds two libraries named ${name}`);
      names.push(name);
      const destination = join(temporary, name);
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(destination));
      await chmod(destination, 0o755);
    }
    await rm(target, { recursive: true, force: true });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`cannot unpack the libraries of ${wheel} into ${target}: ${describeError(error)}`, { cause: error });
  } finally {
    zip.close();
  }
  return names.sort();
}
