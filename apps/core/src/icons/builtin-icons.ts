import { crc32, deflateSync } from 'node:zlib';
import { BUILTIN_ICON, BuiltinIcon } from '../artifacts/artifact-processor';

/**
 * Wharf's own pictures for the artifact types, drawn here as simple shapes on a 50x50 canvas and
 * encoded as PNG (the size and format Harbor answers icons in). Served under the digests Harbor
 * names its built-in icons by, so that clients that know those digests find an icon.
 */
const SIZE = 50;

type Rgba = readonly [number, number, number, number];
/** Colour of the pixel whose centre is (x, y), both in 0..1, or undefined for transparent. */
type Shader = (x: number, y: number) => Rgba | undefined;

const WHITE: Rgba = [255, 255, 255, 255];

function rgb(hex: string): Rgba {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
}

function roundedSquare(x: number, y: number, inset = 0.06, radius = 0.16): boolean {
  const lo = inset + radius;
  const hi = 1 - inset - radius;
  const dx = Math.max(lo - x, 0, x - hi);
  const dy = Math.max(lo - y, 0, y - hi);
  return x >= inset && x <= 1 - inset && y >= inset && y <= 1 - inset && dx * dx + dy * dy <= radius * radius;
}

const distance = (x: number, y: number) => Math.hypot(x - 0.5, y - 0.5);

/** A tile in the type's colour with a white mark on it. */
function tile(colour: string, mark: (x: number, y: number) => boolean): Shader {
  const fill = rgb(colour);
  return (x, y) => (roundedSquare(x, y) ? (mark(x, y) ? WHITE : fill) : undefined);
}

const SHADERS: Readonly<Record<BuiltinIcon, Shader>> = {
  // Three stacked boxes: a container image.
  image: tile('#2f6fb5', (x, y) => x > 0.24 && x < 0.76 && [0.24, 0.43, 0.62].some((top) => y > top && y < top + 0.13)),
  // A wheel: ring, hub and spokes.
  chart: tile('#1d3f6e', (x, y) => {
    const d = distance(x, y);
    const angle = Math.atan2(y - 0.5, x - 0.5);
    const spoke = Math.abs(Math.sin(angle * 4)) < 0.5 / Math.max(d * 20, 1);
    return (d > 0.27 && d < 0.33) || d < 0.08 || (d < 0.3 && spoke);
  }),
  // A diamond: a bundle.
  cnab: tile('#2e8b57', (x, y) => Math.abs(x - 0.5) + Math.abs(y - 0.5) < 0.26),
  // A square with a notch at the top: a module.
  wasm: tile('#654ff0', (x, y) => x > 0.25 && x < 0.75 && y > 0.25 && y < 0.75 && !(y < 0.38 && Math.abs(x - 0.5) < 0.09)),
  // Two dots and a bar: a model.
  cnai: tile('#b5522f', (x, y) => Math.hypot(x - 0.33, y - 0.38) < 0.08 || Math.hypot(x - 0.67, y - 0.38) < 0.08 || (y > 0.58 && y < 0.68 && x > 0.3 && x < 0.7)),
  // A tick: a signature.
  cosign: tile('#d97706', (x, y) => (Math.abs(y - x - 0.15) < 0.06 && x > 0.25 && x < 0.45) || (Math.abs(y + x - 1.05) < 0.06 && x >= 0.42 && x < 0.75)),
  // A seal: a ring with a dot.
  notation: tile('#0f766e', (x, y) => {
    const d = distance(x, y);
    return (d > 0.2 && d < 0.26) || d < 0.1;
  }),
  // Lightning-like slashes: an accelerated image.
  nydus: tile('#0369a1', (x, y) => Math.abs(y + 1.6 * x - 1.3) < 0.08 && y > 0.2 && y < 0.8),
  // Lines of a list: a bill of materials.
  sbom: tile('#6b4f2a', (x, y) => x > 0.26 && x < 0.74 && [0.27, 0.45, 0.63].some((top) => y > top && y < top + 0.09)),
  // A plain ring: anything else.
  default: tile('#6b7280', (x, y) => {
    const d = distance(x, y);
    return d > 0.16 && d < 0.24;
  }),
};

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A PNG (8-bit RGBA, no interlace) of the shader, sampled at pixel centres. */
export function renderPng(shader: Shader, size = SIZE): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let row = 0; row < size; row++) {
    const start = row * (size * 4 + 1);
    raw[start] = 0; // filter: none
    for (let col = 0; col < size; col++) {
      const colour = shader((col + 0.5) / size, (row + 0.5) / size);
      if (colour) raw.set(colour, start + 1 + col * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let rendered: Map<string, Buffer> | undefined;

/** The built-in icon named by `digest`, as PNG bytes, or undefined. */
export function builtinIcon(digest: string): Buffer | undefined {
  rendered ??= new Map((Object.keys(BUILTIN_ICON) as BuiltinIcon[]).map((name) => [BUILTIN_ICON[name], renderPng(SHADERS[name])]));
  return rendered.get(digest);
}
