/** RGBA rasters and the pure pixel operations the pyramid needs. */

/** An RGBA image, 4 bytes a pixel, row-major. */
export interface Raster {
  width: number;
  height: number;
  data: Uint8Array;
}

export function createRaster(width: number, height: number): Raster {
  return { width, height, data: new Uint8Array(width * height * 4) };
}

/** Copies `source` into `target` with its top-left corner at (`x`, `y`). */
export function blit(target: Raster, source: Raster, x: number, y: number): void {
  const rowBytes = source.width * 4;
  for (let line = 0; line < source.height; line++) {
    const from = line * rowBytes;
    target.data.set(
      source.data.subarray(from, from + rowBytes),
      ((y + line) * target.width + x) * 4,
    );
  }
}

/**
 * Halves a raster (rounding odd sizes up) by averaging each 2×2 block; a block
 * cut by the right or bottom edge averages the pixels it has.
 */
export function halve(source: Raster): Raster {
  const target = createRaster(Math.ceil(source.width / 2), Math.ceil(source.height / 2));
  const { width, height, data } = source;
  for (let y = 0; y < target.height; y++) {
    const y0 = y * 2;
    const y1 = Math.min(y0 + 1, height - 1);
    for (let x = 0; x < target.width; x++) {
      const x0 = x * 2;
      const x1 = Math.min(x0 + 1, width - 1);
      const a = (y0 * width + x0) * 4;
      const b = (y0 * width + x1) * 4;
      const c = (y1 * width + x0) * 4;
      const d = (y1 * width + x1) * 4;
      const out = (y * target.width + x) * 4;
      for (let channel = 0; channel < 4; channel++) {
        target.data[out + channel] =
          (data[a + channel]! + data[b + channel]! + data[c + channel]! + data[d + channel]! + 2) >>
          2;
      }
    }
  }
  return target;
}

/** Resizes with bilinear sampling: good for factors between 1/2 and 2, which is all thumbnails use. */
export function resize(source: Raster, width: number, height: number): Raster {
  const target = createRaster(width, height);
  const scaleX = source.width / width;
  const scaleY = source.height / height;
  for (let y = 0; y < height; y++) {
    const sourceY = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), source.height - 1);
    const top = Math.floor(sourceY);
    const bottom = Math.min(top + 1, source.height - 1);
    const fy = sourceY - top;
    for (let x = 0; x < width; x++) {
      const sourceX = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), source.width - 1);
      const left = Math.floor(sourceX);
      const right = Math.min(left + 1, source.width - 1);
      const fx = sourceX - left;
      const out = (y * width + x) * 4;
      for (let channel = 0; channel < 4; channel++) {
        const at = (px: number, py: number) => source.data[(py * source.width + px) * 4 + channel]!;
        const upper = at(left, top) * (1 - fx) + at(right, top) * fx;
        const lower = at(left, bottom) * (1 - fx) + at(right, bottom) * fx;
        target.data[out + channel] = Math.round(upper * (1 - fy) + lower * fy);
      }
    }
  }
  return target;
}
