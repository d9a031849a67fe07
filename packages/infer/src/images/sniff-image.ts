/**
 * Whether a file is an image mlpx reads, judged by its first bytes rather than its name:
 * PNG (89 50 4E 47 0D 0A 1A 0A), JPEG (FF D8 FF), WebP (RIFF....WEBP).
 */
import { open } from 'node:fs/promises';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

function formatOf(head: Uint8Array): ImageFormat | undefined {
  const starts = (bytes: number[], offset = 0): boolean => bytes.every((b, i) => head[offset + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return undefined;
}

export async function sniffImage(path: string): Promise<ImageFormat | undefined> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(12);
    const { bytesRead } = await handle.read(head, 0, 12, 0);
    return formatOf(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
