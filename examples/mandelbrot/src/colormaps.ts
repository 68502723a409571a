/**
 * Built-in colormaps: each turns the kernel's shade indices (0 inside the set,
 * 1..255 outside, see `kernel.ts`) into RGB colours through a 256-entry table.
 */

/** One colour stop: position in [0, 1] along the outside shades, and its RGB colour. */
type Stop = readonly [position: number, red: number, green: number, blue: number];

interface ColormapDefinition {
  description: string;
  /** Colour of the points inside the set (shade 0). */
  inside: readonly [number, number, number];
  /** Gradient for shades 1..255, linearly interpolated between stops. */
  stops: readonly Stop[];
}

const definitions = {
  classic: {
    description: "deep blue, white and gold bands, black inside",
    inside: [0, 0, 0],
    stops: [
      [0, 0, 7, 100],
      [0.16, 32, 107, 203],
      [0.42, 237, 255, 255],
      [0.6425, 255, 170, 0],
      [0.8575, 0, 2, 0],
      [1, 0, 7, 100],
    ],
  },
  fire: {
    description: "black through red and orange to white",
    inside: [0, 0, 0],
    stops: [
      [0, 0, 0, 0],
      [0.3, 128, 0, 0],
      [0.5, 230, 60, 0],
      [0.7, 255, 190, 30],
      [1, 255, 255, 255],
    ],
  },
  ocean: {
    description: "navy through teal to foam, dark blue inside",
    inside: [0, 10, 30],
    stops: [
      [0, 0, 0, 20],
      [0.35, 0, 60, 120],
      [0.6, 0, 160, 170],
      [0.8, 140, 230, 220],
      [1, 255, 255, 255],
    ],
  },
  viridis: {
    description: "perceptually uniform purple, teal and yellow",
    inside: [0, 0, 0],
    stops: [
      [0, 68, 1, 84],
      [0.25, 59, 82, 139],
      [0.5, 33, 145, 140],
      [0.75, 94, 201, 98],
      [1, 253, 231, 37],
    ],
  },
  rainbow: {
    description: "the hue wheel, twice round",
    inside: [0, 0, 0],
    stops: [
      [0, 255, 0, 0],
      [1 / 12, 255, 255, 0],
      [2 / 12, 0, 255, 0],
      [3 / 12, 0, 255, 255],
      [4 / 12, 0, 0, 255],
      [5 / 12, 255, 0, 255],
      [6 / 12, 255, 0, 0],
      [7 / 12, 255, 255, 0],
      [8 / 12, 0, 255, 0],
      [9 / 12, 0, 255, 255],
      [10 / 12, 0, 0, 255],
      [11 / 12, 255, 0, 255],
      [1, 255, 0, 0],
    ],
  },
  grayscale: {
    description: "black to white, white inside",
    inside: [255, 255, 255],
    stops: [
      [0, 0, 0, 0],
      [1, 255, 255, 255],
    ],
  },
} satisfies Record<string, ColormapDefinition>;

/** Name of a built-in colormap. */
export type ColormapName = keyof typeof definitions;

/** Names of the built-in colormaps, the default first. */
export const COLORMAP_NAMES = Object.keys(definitions) as ColormapName[];

export function isColormapName(name: string): name is ColormapName {
  return Object.hasOwn(definitions, name);
}

/**
 * The colormap as a palette: 768 bytes, RGB for shade 0..255 in order. It is
 * both the lookup table for the PNG and the global colour table of the GIF.
 */
export function colormapPalette(name: ColormapName): Uint8Array {
  const { inside, stops }: ColormapDefinition = definitions[name];
  const palette = new Uint8Array(256 * 3);
  palette.set(inside, 0);
  for (let shade = 1; shade < 256; shade++) {
    const position = (shade - 1) / 254;
    let upper = 1;
    while (upper < stops.length - 1 && stops[upper]![0] < position) upper++;
    const [startAt, ...from] = stops[upper - 1]!;
    const [endAt, ...to] = stops[upper]!;
    const t = endAt > startAt ? (position - startAt) / (endAt - startAt) : 0;
    for (let channel = 0; channel < 3; channel++) {
      palette[shade * 3 + channel] = Math.round(
        from[channel]! + (to[channel]! - from[channel]!) * t,
      );
    }
  }
  return palette;
}
