/**
 * The Mandelbrot tile kernel: pure computation, no runcue, no I/O.
 *
 * The image is a `size` × `size` square cut into a `grid` × `grid` set of tiles.
 * {@link renderTile} renders one tile to a buffer of *shade indices*, one byte a
 * pixel, row-major:
 *
 * - `0`: inside the set (did not escape within `iter` iterations);
 * - `1`..`255`: outside; the smooth (fractional) escape time on a log scale,
 *   `1` escaping at once, `255` escaping at the last iteration.
 *
 * A colormap (see `colormaps.ts`) turns shade indices into colours, so the
 * colour scheme can change without rendering again. Every pixel is computed
 * from its position in the whole image, never from its position in its tile,
 * so the stitched image is byte-identical whatever `grid` is, including sizes
 * that `grid` does not divide (tile edges are `floor(i * size / grid)`).
 *
 * @example
 * ```ts
 * import { renderTile, tileBounds } from "@runcue/example-mandelbrot/kernel";
 * const shades = renderTile({ size: 2048, iter: 256, grid: 8, col: 3, row: 4, zoom: DEFAULT_ZOOM });
 * const { width, height } = tileBounds(2048, 8, 3, 4); // shades.length === width * height
 * ```
 */

/** The view: centre `(cx, cy)` in the complex plane and `scale`, the width (and height) it spans. */
export interface Zoom {
  cx: number;
  cy: number;
  scale: number;
}

/** What one tile render needs; plain data, so it crosses to a worker thread as is. */
export interface TileRequest {
  /** Width and height of the whole image, in pixels. */
  size: number;
  /** Maximum iterations per pixel. */
  iter: number;
  /** Tiles per side: the image has `grid * grid` tiles. */
  grid: number;
  /** Tile column, `0 <= col < grid`. */
  col: number;
  /** Tile row, `0 <= row < grid`. */
  row: number;
  zoom: Zoom;
}

/** Pixel rectangle of a tile inside the whole image. */
export interface TileBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The classic full view: x from -2 to 1, y from -1.5 to 1.5. */
export const DEFAULT_ZOOM: Readonly<Zoom> = Object.freeze({ cx: -0.5, cy: 0, scale: 3 });

/**
 * Changes whenever the kernel's output for the same request changes, so tile
 * artifacts written by an older kernel count as stale.
 */
export const KERNEL_VERSION = 1;

/** Escape radius squared: large, so the smooth escape time has no banding. */
const ESCAPE_RADIUS_SQUARED = 256;

/** Start (inclusive) of tile `index` along one side; the end is `edge(index + 1)`. */
function edge(index: number, size: number, grid: number): number {
  return Math.floor((index * size) / grid);
}

/** The pixel rectangle of tile (`col`, `row`); tiles cover the image exactly, without overlap. */
export function tileBounds(size: number, grid: number, col: number, row: number): TileBounds {
  const x = edge(col, size, grid);
  const y = edge(row, size, grid);
  return {
    x,
    y,
    width: edge(col + 1, size, grid) - x,
    height: edge(row + 1, size, grid) - y,
  };
}

/**
 * Shade index (see the module comment) of the point `(re, im)`.
 *
 * Points in the main cardioid and the period-2 bulb are inside the set, so they
 * are answered without iterating: this skips most of the work in the default view.
 */
export function shadeAt(re: number, im: number, iter: number, logIterScale: number): number {
  const imSquared = im * im;
  const shifted = re - 0.25;
  const q = shifted * shifted + imSquared;
  if (q * (q + shifted) <= 0.25 * imSquared) return 0;
  const plusOne = re + 1;
  if (plusOne * plusOne + imSquared <= 0.0625) return 0;

  let x = 0;
  let y = 0;
  let xSquared = 0;
  let ySquared = 0;
  let n = 0;
  while (n < iter && xSquared + ySquared <= ESCAPE_RADIUS_SQUARED) {
    y = 2 * x * y + im;
    x = xSquared - ySquared + re;
    xSquared = x * x;
    ySquared = y * y;
    n++;
  }
  if (n >= iter && xSquared + ySquared <= ESCAPE_RADIUS_SQUARED) return 0;

  // Smooth escape time: n minus how far past the escape radius |z| went.
  const smooth = n + 1 - Math.log2(0.5 * Math.log(xSquared + ySquared));
  const t = Math.log1p(Math.max(smooth, 0)) * logIterScale;
  const shade = 1 + Math.floor(254 * t);
  return Math.min(shade, 255);
}

/**
 * Renders one tile: a `Uint8Array` of `width * height` shade indices, row-major,
 * where `width` and `height` come from {@link tileBounds}. Deterministic: the
 * same request always gives the same bytes.
 */
export function renderTile(request: TileRequest): Uint8Array {
  const { size, iter, grid, col, row, zoom } = request;
  const { x, y, width, height } = tileBounds(size, grid, col, row);
  const shades = new Uint8Array(width * height);
  const step = zoom.scale / size;
  const half = size / 2;
  const logIterScale = 1 / Math.log1p(iter + 1);
  let offset = 0;
  for (let py = y; py < y + height; py++) {
    // Image rows go down, the imaginary axis goes up.
    const im = zoom.cy - (py + 0.5 - half) * step;
    for (let px = x; px < x + width; px++) {
      const re = zoom.cx + (px + 0.5 - half) * step;
      shades[offset++] = shadeAt(re, im, iter, logIterScale);
    }
  }
  return shades;
}

/**
 * The tile row whose image, turned upside down, is tile row `row`'s image, or `undefined` when the
 * row must be rendered.
 *
 * A view centred on the real axis (`cy` 0) is symmetric about it: pixel rows `py` and
 * `size - 1 - py` sit at `im` and exactly `-im` (every step of that arithmetic is exact in
 * doubles), and the iteration of `-im` is the iteration of `im` with `y` negated, which rounds the
 * same, so the shades are equal bit for bit. The bottom half of the tiles can then be copied from
 * the top half, when the grid's rows are cut symmetrically (always when `grid` divides `size`).
 */
export function mirrorRow(size: number, grid: number, row: number, zoom: Zoom): number | undefined {
  if (zoom.cy !== 0) return undefined;
  const source = grid - 1 - row;
  if (source >= row) return undefined;
  const target = tileBounds(size, grid, 0, row);
  const original = tileBounds(size, grid, 0, source);
  const isMirrorImage =
    target.height === original.height && target.y === size - original.y - original.height;
  return isMirrorImage ? source : undefined;
}

/** The shades of a `width`-pixel-wide tile, rows in reverse order: its mirror image about a horizontal line. */
export function flipRows(shades: Uint8Array, width: number): Uint8Array {
  const height = shades.length / width;
  const flipped = new Uint8Array(shades.length);
  for (let line = 0; line < height; line++) {
    flipped.set(shades.subarray(line * width, (line + 1) * width), (height - 1 - line) * width);
  }
  return flipped;
}
