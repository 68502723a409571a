// The Mandelbrot example's dashboard panel (a browser module): paints each
// tile as it completes, in completion order, colouring its shade indices with
// the render's palette. At most 1024 canvas pixels a side: larger images are
// drawn with every n-th pixel.
const HEADER_BYTES = 16;
const MAX_SIDE = 1024;

export default function mount(element, context) {
  const canvas = document.createElement("canvas");
  canvas.id = "mandelbrot-canvas";
  canvas.style.width = "100%";
  canvas.style.maxWidth = "512px";
  const caption = document.createElement("p");
  caption.className = "note";
  caption.id = "mandelbrot-caption";
  element.append(canvas, caption);
  const paint = canvas.getContext("2d");
  let palette;
  let step = 1;
  let drawn = 0;
  let busy = false;
  let latest;

  async function drawTile(index) {
    const response = await context.file(`tile-${index}`);
    if (!response.ok) return false;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const view = new DataView(bytes.buffer);
    const [x, y, width, height] = [0, 4, 8, 12].map((offset) => view.getUint32(offset, true));
    const left = Math.ceil(x / step);
    const top = Math.ceil(y / step);
    const columns = Math.ceil((x + width) / step) - left;
    const rows = Math.ceil((y + height) / step) - top;
    if (columns <= 0 || rows <= 0) return true;
    const image = paint.createImageData(columns, rows);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const sourceX = (left + column) * step - x;
        const sourceY = (top + row) * step - y;
        const shade = bytes[HEADER_BYTES + sourceY * width + sourceX];
        const target = (row * columns + column) * 4;
        image.data[target] = palette[shade * 3];
        image.data[target + 1] = palette[shade * 3 + 1];
        image.data[target + 2] = palette[shade * 3 + 2];
        image.data[target + 3] = 255;
      }
    }
    paint.putImageData(image, left, top);
    return true;
  }

  // one tile at a time, in the order they completed; updates that arrive meanwhile are caught up
  async function catchUp() {
    if (busy || !latest) return;
    busy = true;
    try {
      if (!palette) {
        palette = new Uint8Array(await (await context.file("palette")).arrayBuffer());
        step = Math.ceil(latest.size / MAX_SIDE);
        canvas.width = Math.ceil(latest.size / step);
        canvas.height = canvas.width;
      }
      while (drawn < latest.done.length) {
        if (!(await drawTile(latest.done[drawn]))) break;
        drawn++;
      }
      caption.textContent = `${drawn} of ${latest.grid * latest.grid} tiles`;
    } finally {
      busy = false;
    }
    if (drawn < latest.done.length) setTimeout(catchUp, 500);
  }

  return {
    update(data) {
      if (!data) return;
      latest = data;
      catchUp();
    },
  };
}
