/** What the host writes for a chart export (the metrics panel's `export/save`): pure, so testable without VS Code. */
import type { ExportFormat, ExportRequest } from '../../protocol/metrics-panel';

/** The save dialog's filter name per format. */
export const EXPORT_FILTERS: Readonly<Record<ExportFormat, string>> = { csv: 'CSV', png: 'PNG image', svg: 'SVG image' };

/** The file's bytes: PNG arrives as base64 (already checked by the parser), CSV and SVG as UTF-8 text. */
export function exportBytes(m: Pick<ExportRequest, 'format' | 'data'>): Uint8Array {
  return m.format === 'png' ? Buffer.from(m.data, 'base64') : Buffer.from(m.data, 'utf8');
}
