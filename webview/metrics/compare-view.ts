/**
 * The metrics panel's compare card: the table of one `vsml compare` output folder as a heat map
 * (compare-heatmap.ts), its legend, the time table.csv was last written, and the problem (file,
 * line, field) when there is no table to show. Built with el() only: names from the file are text.
 */
import type { CompareTableView } from '../../src/protocol/compare-table';
import { rgbCss } from '../shared/colormap';
import { el } from '../shared/dom';
import { themeKind } from '../shared/theme';
import { belowChance, cellText, cellTitle, heatColor, heatmapOf, scalePosition, textColorOn } from './compare-heatmap';

const LEGEND_STEPS = 12;

export function renderCompare(card: HTMLElement, view: CompareTableView | undefined): void {
  card.classList.toggle('hidden', !view);
  const body = card.querySelector('.compare-body')!;
  if (!view) {
    body.replaceChildren();
    return;
  }
  const kind = themeKind();
  const where = el('p', { class: 'muted', id: 'compare-source' }, `${view.folder}/table.csv`, view.updatedAt ? `, written ${new Date(view.updatedAt).toLocaleString()}` : '');
  if (view.problem !== undefined) {
    body.replaceChildren(where, el('div', { class: 'banner error', role: 'alert', id: 'compare-problem' }, view.problem));
    return;
  }
  if (view.rows.length === 0) {
    body.replaceChildren(where, el('p', { class: 'muted', id: 'compare-empty' }, 'No cell has finished yet: the table fills in here as vsml compare writes it.'));
    return;
  }
  const map = heatmapOf(view.rows);
  const head = el('tr', {}, el('th', {}, 'method'), el('th', {}, 'meta-trained on'), ...map.columns.map((c) => el('th', { class: 'num', scope: 'col' }, c.dataset)));
  const chanceOf = (dataset: string): number | undefined => view.chance?.[dataset];
  const range = el('tr', { class: 'range' }, el('th', { colspan: '2', class: 'muted' }, 'column range (%)'),
    ...map.columns.map((c) => el('th', { class: 'num muted' }, `${(100 * c.min).toFixed(1)}–${(100 * c.max).toFixed(1)}`)));
  const chanceRow = view.chance ? [el('tr', { class: 'range', id: 'compare-chance' }, el('th', { colspan: '2', class: 'muted' }, 'chance (%)'),
    ...map.columns.map((c) => el('th', { class: 'num muted', 'data-dataset': c.dataset }, chanceOf(c.dataset) === undefined ? '—' : (100 * chanceOf(c.dataset)!).toFixed(1))))] : [];
  const rows = map.rows.map((row) => el('tr', {}, el('th', { scope: 'row' }, row.method), el('td', {}, row.metaTrain),
    ...row.cells.map((r, j) => {
      if (!r) return el('td', { class: 'num muted heat', title: 'no result in table.csv (yet)' }, '—');
      const column = map.columns[j];
      const bg = heatColor(scalePosition(r.meanAccuracy, column), kind);
      const best = r.meanAccuracy === column.max && column.max > column.min;
      const below = belowChance(r, chanceOf(r.dataset));
      const td = el('td', {
        class: `num heat${best ? ' best' : ''}${below ? ' below-chance' : ''}`, title: cellTitle(r, column, chanceOf(r.dataset)),
        'data-method': r.method, 'data-meta-train': r.metaTrain, 'data-dataset': r.dataset,
      }, below ? el('span', { class: 'chance-mark', 'aria-label': 'below chance' }, '▾ ') : null, cellText(r), el('span', { class: 'seeds' }, ` (${r.seeds})`));
      // CSSOM, not a style attribute: the panel's CSP allows no inline style attributes.
      td.style.backgroundColor = rgbCss(bg);
      td.style.color = rgbCss(textColorOn(bg));
      return td;
    })));
  const ramp = el('span', { class: 'ramp', 'aria-hidden': 'true' }, ...Array.from({ length: LEGEND_STEPS }, (_, i) => {
    const s = el('span', {});
    s.style.backgroundColor = rgbCss(heatColor(i / (LEGEND_STEPS - 1), kind));
    return s;
  }));
  const seeds = Math.max(...view.rows.map((r) => r.seeds));
  const legend = el('p', { class: 'muted', id: 'compare-legend' },
    'Mean online accuracy (%) ± the standard deviation over seeds (seeds in brackets, up to ', String(seeds), '). Colour per column (meta-test dataset): ',
    'its lowest mean', ramp, 'its highest; bold: the best in its column',
    view.chance ? '; ▾ below chance (1 / the number of classes)' : view.warning ? ' (chance levels unknown: see below)' : ' (no chance levels: classes.json is missing, as in folders of an older vsml compare)',
    '. Hover a cell for the exact numbers.');
  const warning = view.warning ? [el('p', { class: 'banner info', id: 'compare-warning' }, view.warning)] : [];
  body.replaceChildren(where, el('table', { class: 'data heatmap', id: 'compare-table' }, el('thead', {}, head, range, ...chanceRow), el('tbody', {}, ...rows)), legend, ...warning);
}
