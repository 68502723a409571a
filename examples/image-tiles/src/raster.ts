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
  // Per column: the two source columns (as byte offsets in a row) and the weight of the right one.
  const lefts = new Int32Array(width);
  const rights = new Int32Array(width);
  const rightWeights = new Float64Array(width);
  const scaleX = source.width / width;
  for (let x = 0; x < width; x++) {
    const sourceX = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), source.width - 1);
    const left = Math.floor(sourceX);
    lefts[x] = left * 4;
    rights[x] = Math.min(left + 1, source.width - 1) * 4;
    rightWeights[x] = sourceX - left;
  }
  const scaleY = source.height / height;
  const rowBytes = source.width * 4;
  const { data } = source;
  let out = 0;
  for (let y = 0; y < height; y++) {
    const sourceY = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), source.height - 1);
    const top = Math.floor(sourceY);
    const topRow = top * rowBytes;
    const bottomRow = Math.min(top + 1, source.height - 1) * rowBytes;
    const fy = sourceY - top;
    for (let x = 0; x < width; x++) {
      const fx = rightWeights[x]!;
      const left = lefts[x]!;
      const right = rights[x]!;
      for (let channel = 0; channel < 4; channel++) {
        const upper =
          data[topRow + left + channel]! * (1 - fx) + data[topRow + right + channel]! * fx;
        const lower =
          data[bottomRow + left + channel]! * (1 - fx) + data[bottomRow + right + channel]! * fx;
        target.data[out++] = Math.round(upper * (1 - fy) + lower * fy);
      }
    }
  }
  return target;
}
