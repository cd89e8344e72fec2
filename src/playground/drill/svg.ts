/**
 * The timeline as a standalone SVG (hand-written markup, no dependency): one row per step or client pod, bars
 * on a time axis in seconds from the start of the drill, numbered vertical lines for the drill's marks and a
 * legend. Pure.
 */
import type { Timeline, Tone } from './timeline.js';

const COLORS: Record<Tone, string> = {
  success: '#2da44e',
  failure: '#cf222e',
  cancelled: '#bf8700',
  skipped: '#8c959f',
  north: '#0969da',
  west: '#8250df',
  none: '#cf222e',
};

/** Text for SVG/XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A tick step (seconds) giving at most `max` ticks over `spanS`. */
export function tickStep(spanS: number, max = 12): number {
  for (const step of [0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300]) if (spanS / step <= max) return step;
  return Math.ceil(spanS / max / 60) * 60;
}

/** Renders the timeline. `width` is the whole picture; labels take the left 330 px. */
export function timelineSvg(timeline: Timeline, title: string, width = 1200): string {
  const labelW = 330;
  const plotW = width - labelW - 20;
  const rowH = 18;
  // Title, then up to three rows of numbered mark badges (close marks move down a row), then the axis labels.
  const badgeRows = [38, 56, 74];
  const top = 104;
  const span = Math.max(1, timeline.end - timeline.start);
  const x = (t: number) => labelW + ((t - timeline.start) / span) * plotW;
  const out: string[] = [];
  let y = top;
  let group: string | undefined;
  const rows: string[] = [];
  for (const bar of timeline.bars) {
    if (bar.group !== group) {
      group = bar.group;
      y += group === timeline.bars[0]?.group ? 0 : 6;
      rows.push(`<text x="8" y="${y + 13}" font-weight="bold">${xmlEscape(group)}</text>`);
      y += rowH;
    }
    const x0 = x(bar.start);
    const x1 = Math.max(x0 + 2, x(bar.end));
    const color = COLORS[bar.tone];
    rows.push(`<text x="18" y="${y + 13}">${xmlEscape(bar.label.length > 48 ? `${bar.label.slice(0, 47)}…` : bar.label)}</text>`);
    const tip = `${bar.label}: +${((bar.start - timeline.start) / 1000).toFixed(2)} s to +${((bar.end - timeline.start) / 1000).toFixed(2)} s (${bar.tone})`;
    if (bar.readyAt !== undefined && bar.readyAt > bar.start && bar.readyAt < bar.end) {
      const xr = x(bar.readyAt);
      rows.push(
        `<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${(xr - x0).toFixed(1)}" height="${rowH - 6}" fill="${color}" opacity="0.35"><title>${xmlEscape(`${tip}, starting`)}</title></rect>`,
      );
      rows.push(
        `<rect x="${xr.toFixed(1)}" y="${y + 3}" width="${Math.max(1, x1 - xr).toFixed(1)}" height="${rowH - 6}" fill="${color}"><title>${xmlEscape(`${tip}, ready`)}</title></rect>`,
      );
    } else {
      rows.push(
        `<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${(x1 - x0).toFixed(1)}" height="${rowH - 6}" fill="${color}"><title>${xmlEscape(tip)}</title></rect>`,
      );
    }
    y += rowH;
  }
  const plotBottom = y + 4;

  const step = tickStep(span / 1000);
  const axis: string[] = [];
  for (let s = 0; s <= span / 1000 + 1e-9; s += step) {
    const tx = x(timeline.start + s * 1000);
    axis.push(`<line x1="${tx.toFixed(1)}" y1="${top - 4}" x2="${tx.toFixed(1)}" y2="${plotBottom}" stroke="#d0d7de" stroke-width="1"/>`);
    axis.push(`<text x="${tx.toFixed(1)}" y="${top - 10}" text-anchor="middle" fill="#57606a">${Number(s.toFixed(2))} s</text>`);
  }

  const marks: string[] = [];
  const legend: string[] = [];
  let ly = plotBottom + 48;
  const lastInRow = badgeRows.map(() => -Infinity);
  timeline.marks.forEach((mark, i) => {
    const mx = x(mark.at);
    let row = lastInRow.findIndex((last) => mx - last >= 17);
    if (row < 0) row = badgeRows.length - 1;
    lastInRow[row] = mx;
    const cy = badgeRows[row];
    marks.push(
      `<line x1="${mx.toFixed(1)}" y1="${cy + 7}" x2="${mx.toFixed(1)}" y2="${plotBottom}" stroke="#24292f" stroke-width="1" stroke-dasharray="4 3"/>`,
    );
    marks.push(
      `<circle cx="${mx.toFixed(1)}" cy="${cy}" r="8" fill="#24292f"><title>${xmlEscape(mark.label)}</title></circle><text x="${mx.toFixed(1)}" y="${cy + 4}" text-anchor="middle" fill="#ffffff" font-size="10">${i + 1}</text>`,
    );
    legend.push(`<text x="18" y="${ly}">${i + 1}. ${xmlEscape(mark.label)} (+${((mark.at - timeline.start) / 1000).toFixed(2)} s)</text>`);
    ly += 16;
  });
  legend.unshift(`<text x="8" y="${plotBottom + 24}" font-weight="bold">Key</text>`);
  const keys: Array<[Tone, string]> = [
    ['success', 'step succeeded'],
    ['failure', 'step failed / client not connected'],
    ['north', 'client on north'],
    ['west', 'client on west (lighter: not ready yet)'],
  ];
  let kx = labelW;
  for (const [tone, text] of keys) {
    legend.push(
      `<rect x="${kx}" y="${plotBottom + 14}" width="12" height="12" fill="${COLORS[tone]}"/><text x="${kx + 16}" y="${plotBottom + 24}">${xmlEscape(text)}</text>`,
    );
    kx += 16 + text.length * 6.5 + 18;
  }
  const height = Math.max(ly, plotBottom + 40) + 10;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="8" y="22" font-size="15" font-weight="bold">${xmlEscape(title)}</text>`);
  out.push(...axis, ...rows, ...marks, ...legend);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
