/** How far a download has got, reported after each chunk that arrives (for a progress bar). */
export interface DownloadProgress {
  readonly url: string;
  /** The bytes of the file received so far, those kept from earlier connections included. */
  readonly receivedBytes: number;
  /**
   * The whole file's size: from the response's Content-Length or Content-Range, else the size the
   * caller was given; undefined when neither says.
   */
  readonly totalBytes: number | undefined;
}
