/**
 * Geometry of the grid view (b): each layer l is a block of B_l rows (output unit b) by A_l
 * columns (input unit a), blocks stacked top to bottom with room for the message arrows between
 * them. Pure: the renderer draws with it, the hover finds cells with it, the tests read pixels with it.
 */
export interface LayerBlock {
  layer: number;
  A: number;
  B: number;
  x: number;
  y: number;
  /** Cell width and height in CSS pixels. */
  cw: number;
  ch: number;
}

export interface GridLayout {
  blocks: LayerBlock[];
  width: number;
  height: number;
}

export const GRID_MARGIN = { left: 56, top: 44, right: 300, gap: 64, bottom: 28 };

export function gridLayout(layerSizes: readonly number[], availableWidth: number): GridLayout {
  const L = layerSizes.length - 1;
  const maxA = Math.max(...layerSizes.slice(0, -1));
  const inner = Math.max(100, availableWidth - GRID_MARGIN.left - GRID_MARGIN.right);
  // Whole pixels per cell keep every cell a crisp rectangle; at least 1 px (784 inputs fit 800 px).
  const cw = Math.max(1, Math.min(32, Math.floor(inner / maxA)));
  const blocks: LayerBlock[] = [];
  let y = GRID_MARGIN.top;
  for (let l = 0; l < L; l++) {
    const A = layerSizes[l];
    const B = layerSizes[l + 1];
    // Rows stay tall enough to see even when columns are 1 px wide (784 inputs): ~200 px per block.
    const ch = Math.max(8, Math.min(32, Math.max(cw, Math.floor(200 / B))));
    blocks.push({ layer: l, A, B, x: GRID_MARGIN.left, y, cw, ch });
    y += B * ch + GRID_MARGIN.gap;
  }
  const width = GRID_MARGIN.left + maxA * cw + GRID_MARGIN.right;
  return { blocks, width, height: y - GRID_MARGIN.gap + GRID_MARGIN.bottom };
}

export function cellAt(layout: GridLayout, x: number, y: number): { layer: number; a: number; b: number } | undefined {
  for (const bl of layout.blocks) {
    const a = Math.floor((x - bl.x) / bl.cw);
    const b = Math.floor((y - bl.y) / bl.ch);
    if (a >= 0 && a < bl.A && b >= 0 && b < bl.B) return { layer: bl.layer, a, b };
  }
  return undefined;
}

/** Center of a cell in CSS pixels. */
export function cellCenter(layout: GridLayout, layer: number, a: number, b: number): { x: number; y: number } {
  const bl = layout.blocks[layer];
  return { x: bl.x + (a + 0.5) * bl.cw, y: bl.y + (b + 0.5) * bl.ch };
}
