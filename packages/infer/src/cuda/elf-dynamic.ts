/**
 * What a shared library asks of the dynamic loader, read from its ELF dynamic section (64-bit,
 * little-endian): its SONAME, its NEEDED libraries and its RUNPATH/RPATH. Reads only the headers
 * and the two sections it needs, so a 500 MB library costs a few kilobytes.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { describeError, MlpxError } from '@mlpx/core';

export interface ElfDynamic {
  readonly soname: string | undefined;
  readonly needed: string[];
  readonly runpath: string | undefined;
}

const SHT_DYNAMIC = 6;
const DT_NEEDED = 1n;
const DT_SONAME = 14n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;

/** Synchronous (a few small reads): the diagnosis, which is synchronous, uses it too. */
export function readElfDynamic(path: string): ElfDynamic {
  let file: number;
  try {
    file = openSync(path, 'r');
  } catch (error) {
    throw new MlpxError(`cannot open ${path}: ${describeError(error)}`, { cause: error });
  }
  try {
    const fileSize = fstatSync(file).size;
    const read = (offset: number, length: number): Buffer => {
      if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > fileSize) {
        throw new MlpxError(`${path} is not a valid ELF library (a header points past its end)`);
      }
      const buffer = Buffer.alloc(length);
      const bytesRead = readSync(file, buffer, 0, length, offset);
      if (bytesRead !== length) throw new MlpxError(`${path} is cut short (an ELF read at byte ${offset} ran past its end)`);
      return buffer;
    };
    const header = read(0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46) throw new MlpxError(`${path} is not an ELF shared library`);
    if (header[4] !== 2 || header[5] !== 1) throw new MlpxError(`${path} is not a 64-bit little-endian ELF library`);
    const sectionsAt = Number(header.readBigUInt64LE(0x28));
    const sectionSize = header.readUInt16LE(0x3a);
    const sectionCount = header.readUInt16LE(0x3c);
    if (sectionCount > 0 && sectionSize < 0x40) throw new MlpxError(`${path} is not a valid ELF library (section headers of ${sectionSize} bytes)`);
    const sections = read(sectionsAt, sectionSize * sectionCount);
    const section = (index: number) => {
      const at = index * sectionSize;
      return {
        type: sections.readUInt32LE(at + 4),
        offset: Number(sections.readBigUInt64LE(at + 0x18)),
        size: Number(sections.readBigUInt64LE(at + 0x20)),
        link: sections.readUInt32LE(at + 0x28),
      };
    };
    for (let i = 0; i < sectionCount; i++) {
      const dynamic = section(i);
      if (dynamic.type !== SHT_DYNAMIC) continue;
      if (dynamic.link >= sectionCount) throw new MlpxError(`${path} is not a valid ELF library (its dynamic section links to no string table)`);
      const strings = section(dynamic.link);
      const table = read(strings.offset, strings.size);
      const text = (offset: number): string => {
        const end = table.indexOf(0, offset);
        if (offset >= table.length || end < 0) throw new MlpxError(`${path} is not a valid ELF library (a name past its string table)`);
        return table.toString('utf8', offset, end);
      };
      const entries = read(dynamic.offset, dynamic.size);
      const needed: string[] = [];
      let soname: string | undefined;
      let runpath: string | undefined;
      let rpath: string | undefined;
      for (let at = 0; at + 16 <= entries.length; at += 16) {
        const tag = entries.readBigInt64LE(at);
        const value = Number(entries.readBigUInt64LE(at + 8));
        if (tag === 0n) break;
        if (tag === DT_NEEDED) needed.push(text(value));
        else if (tag === DT_SONAME) soname = text(value);
        else if (tag === DT_RUNPATH) runpath = text(value);
        else if (tag === DT_RPATH) rpath = text(value);
      }
      return { soname, needed, runpath: runpath ?? rpath };
    }
    return { soname: undefined, needed: [], runpath: undefined };
  } finally {
    closeSync(file);
  }
}
