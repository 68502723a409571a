/** Decoding and encoding PNG and JPEG with pure-JavaScript libraries (pngjs, jpeg-js). */
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { TileFormat } from "./pyramid.ts";
import type { Raster } from "./raster.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(PNG_SIGNATURE);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

/** Decodes a PNG or JPEG (told apart by their first bytes) to RGBA. */
export function decodeImage(bytes: Uint8Array, name: string): Raster {
  if (isPng(bytes)) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    return { width: png.width, height: png.height, data: png.data };
  }
  if (isJpeg(bytes)) {
    const image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: 1000,
      maxMemoryUsageInMB: 4096,
    });
    return { width: image.width, height: image.height, data: image.data };
  }
  throw new Error(`${name} is neither a PNG nor a JPEG file`);
}

/** Encodes RGBA as PNG (lossless, alpha kept) or JPEG (`quality` 1..100, alpha dropped). */
export function encodeImage(raster: Raster, format: TileFormat, quality: number): Buffer {
  if (format === "jpeg") return jpeg.encode(raster, quality).data;
  const data = Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.length);
  // One fixed filter: pngjs's adaptive choice costs several times the time for a few % of size.
  return PNG.sync.write({ width: raster.width, height: raster.height, data } as PNG, {
    filterType: 1,
  });
}

/**
 * Width and height from a PNG or JPEG file's first bytes, without decoding it,
 * so the main thread can plan the pyramid before the image is decoded.
 */
export function probeImageSize(bytes: Uint8Array, name: string): { width: number; height: number } {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (isPng(view)) return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
  if (isJpeg(view)) {
    let offset = 2;
    while (offset + 9 < view.length) {
      if (view[offset] !== 0xff) {
        offset++;
        continue;
      }
      const marker = view[offset + 1]!;
      // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
      if (
        marker >= 0xc0 &&
        marker <= 0xcf &&
        marker !== 0xc4 &&
        marker !== 0xc8 &&
        marker !== 0xcc
      ) {
        return { height: view.readUInt16BE(offset + 5), width: view.readUInt16BE(offset + 7) };
      }
      offset += 2 + view.readUInt16BE(offset + 2);
    }
    throw new Error(`${name}: no JPEG frame header found in the first ${view.length} bytes`);
  }
  throw new Error(`${name} is neither a PNG nor a JPEG file`);
}
