/**
 * A dataset as every loader returns it: two ImageSplits (@mlpx/core: uint8 pixels, NHWC, plus
 * integer labels) with their shape, class names and source; and the options a loader takes (its
 * download progress is @mlpx/core's, the same a wheel download reports).
 */

export type { DownloadProgress, ImageSplit } from '@mlpx/core';
import type { DownloadProgress, ImageSplit } from '@mlpx/core';

export interface ImageDataset {
  /** 'cifar100', 'fashion-mnist', 'fashion-mnist-sample' or 'folder:<dir>'. */
  readonly name: string;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classNames: readonly string[];
  readonly train: ImageSplit;
  readonly test: ImageSplit;
  /** Where the data came from (files or URL), for metrics.json and error messages. */
  readonly source: string;
  /**
   * Both splits are in class-interleaved order (class-interleave.ts), as a folder: dataset's are:
   * the first N images and the last fraction hold every class in proportion, and `limit` keeps at
   * least one training image of each class. Absent for the array datasets, which keep the seed's
   * order.
   */
  readonly classInterleaved?: boolean;
}

export interface LoadDatasetOptions {
  /** A local copy of the dataset's archive or files (checked for format, not checksum). */
  readonly dataFile?: string;
  /** The cache folder for downloads; defaults to $MLPX_DATA_DIR or ~/.cache/mlpx. */
  readonly dataDir?: string;
  /** Called while a file downloads. */
  readonly onDownloadProgress?: (progress: DownloadProgress) => void;
  /** Called with human-readable status lines ("using /usr/share/datasets/fashion-mnist"). */
  readonly onInfo?: (message: string) => void;
}
