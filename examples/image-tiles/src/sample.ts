/**
 * A procedural sample image, for when no input is given (nothing can be
 * downloaded): colour waves, rings round the centre and a grid every 256 px,
 * so detail shows at every zoom level of the pyramid.
 */
import type { Raster } from "./raster.ts";

export function sampleImage(size: number): Raster {
  const data = new Uint8Array(size * size * 4);
  const waveX = new Float64Array(size);
  const waveY = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    waveX[i] = Math.sin((2 * Math.PI * 3 * i) / size);
    waveY[i] = Math.cos((2 * Math.PI * 2 * i) / size);
  }
  // Rings: a sine of the squared radius, looked up from a table.
  const ringSteps = 4096;
  const rings = new Uint8Array(ringSteps);
  for (let i = 0; i < ringSteps; i++)
    rings[i] = 128 + Math.round(127 * Math.sin((2 * Math.PI * i) / ringSteps));
  const half = size / 2;
  const ringScale = (ringSteps * 48) / (half * half);
  let offset = 0;
  for (let y = 0; y < size; y++) {
    const dy = y - half;
    for (let x = 0; x < size; x++) {
      const dx = x - half;
      const ring = rings[Math.floor((dx * dx + dy * dy) * ringScale) % ringSteps]!;
      const isGrid = x % 256 === 0 || y % 256 === 0 || x % 256 === 255 || y % 256 === 255;
      const isFineGrid = x % 32 === 0 || y % 32 === 0;
      const shade = isGrid ? 0.25 : isFineGrid ? 0.8 : 1;
      data[offset] = (128 + 100 * waveX[x]! + 27 * waveY[y]!) * shade;
      data[offset + 1] = ((ring + (y * 255) / size) / 2) * shade;
      data[offset + 2] = (128 + 100 * waveY[y]! - 27 * waveX[x]!) * shade;
      data[offset + 3] = 255;
      offset += 4;
    }
  }
  return { width: size, height: size, data };
}
