/** infer's three output formats: an aligned table, one JSON document, CSV (RFC 4180 quoting). */
import type { InferResult } from '@mlpx/infer/tooling';
import { percent } from '../progress/terminal.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatTable(result: InferResult): string {
  const width = Math.max(4, ...result.results.map((r) => r.file.length));
  const lines = result.results.map((r) => `${r.file.padEnd(width)}  ${r.predictions.map((p) => `${p.label} ${percent(p.probability, 1)}`).join('  |  ')}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function formatJson(result: InferResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

function formatCsv(result: InferResult): string {
  const rows = ['file,rank,label,index,probability'];
  for (const r of result.results) {
    r.predictions.forEach((p, i) => rows.push([r.file, i + 1, p.label, p.index, p.probability].map(csvField).join(',')));
  }
  return `${rows.join('\n')}\n`;
}

export function formatPredictions(result: InferResult, format: OutputFormat): string {
  return format === 'json' ? formatJson(result) : format === 'csv' ? formatCsv(result) : formatTable(result);
}
