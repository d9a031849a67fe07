/**
 * Draws the training curves as a standalone SVG: loss (left) and accuracy (right) per epoch, for
 * the training and validation sets, with axes and a legend. Plain SVG text, no dependencies, so
 * it opens in any browser and diffs as text.
 */
import { TOP_K } from '@mlpx/core';
import type { EpochLogs } from '../fit/fit.js';

interface Series {
  readonly label: string;
  readonly color: string;
  readonly dashed: boolean;
  readonly values: readonly number[];
}

const PANEL_WIDTH = 420;
const PANEL_HEIGHT = 280;
const MARGIN = { left: 56, right: 16, top: 48, bottom: 44 };

function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  let t = Math.floor(min / step) * step;
  ticks.push(Number(t.toPrecision(12)));
  while (t < max - step * 1e-9) {
    t += step;
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** Where a panel goes and what its axes show: the epochs, its left edge, and whether its values are fractions shown as percent. */
interface PanelLayout {
  readonly epochs: number;
  readonly offsetX: number;
  readonly percent: boolean;
}

function panel(title: string, series: readonly Series[], layout: PanelLayout): string {
  const { epochs, offsetX, percent } = layout;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const yTicks = niceTicks(Math.min(...all, percent ? 0 : Infinity), Math.max(...all), 5);
  const yMin = yTicks[0]!;
  const yMax = yTicks[yTicks.length - 1]! === yMin ? yMin + 1 : yTicks[yTicks.length - 1]!;
  const plotWidth = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (epoch: number): number => offsetX + MARGIN.left + (epochs === 1 ? plotWidth / 2 : ((epoch - 1) / (epochs - 1)) * plotWidth);
  const y = (value: number): number => MARGIN.top + plotHeight - ((value - yMin) / (yMax - yMin)) * plotHeight;
  const parts: string[] = [];
  parts.push(`<text x="${offsetX + PANEL_WIDTH / 2}" y="20" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`);
  for (const tick of yTicks) {
    const label = percent ? `${Math.round(tick * 100)}%` : String(tick);
    parts.push(`<line x1="${offsetX + MARGIN.left}" x2="${offsetX + PANEL_WIDTH - MARGIN.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${offsetX + MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end">${label}</text>`);
  }
  for (const tick of niceTicks(1, epochs, Math.min(epochs, 8)).filter((t) => Number.isInteger(t) && t >= 1 && t <= epochs)) {
    parts.push(`<text x="${x(tick)}" y="${PANEL_HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${tick}</text>`);
  }
  parts.push(`<text x="${offsetX + MARGIN.left + plotWidth / 2}" y="${PANEL_HEIGHT - 8}" text-anchor="middle">epoch</text>`);
  parts.push(`<rect x="${offsetX + MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`);
  series.forEach((s, i) => {
    const points = s.values.map((v, e) => `${x(e + 1).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    s.values.forEach((v, e) => parts.push(`<circle cx="${x(e + 1).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${s.color}"/>`));
    // Legend: one row between the title and the plot, so it never hides a curve.
    const legendY = 38;
    const legendX = offsetX + MARGIN.left + i * 110;
    parts.push(`<line x1="${legendX}" x2="${legendX + 20}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${legendX + 26}" y="${legendY}">${escapeXml(s.label)}</text>`);
  });
  return parts.join('\n');
}

/** The SVG document for a run's history; `topK` is the k of its top5 and valTop5, min(5, classes). */
export function curvesSvg(history: readonly EpochLogs[], title: string, topK: number = TOP_K): string {
  const epochs = history.length;
  const loss: Series[] = [
    { label: 'train loss', color: '#1f77b4', dashed: false, values: history.map((h) => h.loss) },
    { label: 'val loss', color: '#ff7f0e', dashed: true, values: history.map((h) => h.valLoss) },
  ];
  const accuracy: Series[] = [
    { label: 'train acc', color: '#1f77b4', dashed: false, values: history.map((h) => h.accuracy) },
    { label: 'val acc', color: '#ff7f0e', dashed: true, values: history.map((h) => h.valAccuracy) },
    { label: `val top-${topK}`, color: '#2ca02c', dashed: true, values: history.map((h) => h.valTop5) },
  ];
  const width = PANEL_WIDTH * 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL_HEIGHT + 24}" viewBox="0 0 ${width} ${PANEL_HEIGHT + 24}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(`${title}: loss`, loss, { epochs, offsetX: 0, percent: false }),
    panel(`${title}: accuracy`, accuracy, { epochs, offsetX: PANEL_WIDTH, percent: true }),
    '</svg>',
    '',
  ].join('\n');
}
