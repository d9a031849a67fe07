/**
 * The in-memory form every dataset loader returns: uint8 pixels, NHWC, row-major, plus integer
 * labels. Models take these raw 0-255 pixels; normalization and resizing happen inside the model
 * (as in the seed), so the same bytes reach the trained model, the exported ONNX graph and the
 * web bundle.
 */
export interface ImageSplit {
  /** count * height * width * channels bytes, NHWC. */
  readonly images: Uint8Array;
  /** count class indices in [0, classNames.length). */
  readonly labels: Int32Array;
  readonly count: number;
}

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
}

/** Download progress, reported while a dataset file is fetched. */
export interface DownloadProgress {
  readonly url: string;
  readonly receivedBytes: number;
  /** From Content-Length; undefined when the server does not say. */
  readonly totalBytes: number | undefined;
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
