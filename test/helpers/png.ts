/** PNG checks for chart tests: decoded with fast-png (independent of the renderer). */
import { decode } from 'fast-png';

export interface PngFacts {
  width: number;
  height: number;
  /** Variance of the grey level over all pixels: 0 for a blank image. */
  variance: number;
  /** Share of pixels that are not white. */
  inked: number;
}

export function pngFacts(bytes: Uint8Array): PngFacts {
  const img = decode(bytes);
  const ch = img.channels;
  const n = img.width * img.height;
  let sum = 0;
  let sq = 0;
  let inked = 0;
  for (let i = 0; i < n; i++) {
    const o = i * ch;
    const grey = ch >= 3 ? (Number(img.data[o]) + Number(img.data[o + 1]) + Number(img.data[o + 2])) / 3 : Number(img.data[o]);
    sum += grey;
    sq += grey * grey;
    if (grey < 250) inked++;
  }
  const mean = sum / n;
  return { width: img.width, height: img.height, variance: sq / n - mean * mean, inked: inked / n };
}
