import type { TileFormat } from "./pyramid.ts";

/** How tiles and thumbnails are encoded. */
export interface EncodeOptions {
  format: TileFormat;
  /** JPEG quality, 1..100; ignored for PNG. */
  quality: number;
}

/** An image file placed at (`x`, `y`) in a larger raster. */
export interface PlacedImage {
  path: string;
  x: number;
  y: number;
}
