// PNG text chunks (PNG spec §11.3.4): a figure carries the link that reproduces it. A chunk is
// length, type, data, CRC-32 over type and data; text chunks go right after IHDR. Latin-1 text
// is a tEXt chunk; anything else (φ, β …) an uncompressed international iTXt chunk in UTF-8.
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

let table: Uint32Array | undefined;

/** CRC-32 (ISO 3309, the polynomial PNG and zlib use). */
export function crc32(bytes: Uint8Array): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of bytes) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const isLatin1 = (text: string) => [...text].every((ch) => ch.charCodeAt(0) <= 255);
const bytes = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

/** The chunk type and data of one text entry. */
function textData(key: string, value: string): { type: string; data: Uint8Array } {
  if (key.length < 1 || key.length > 79 || !isLatin1(key) || key.includes('\0')) {
    throw new Error(`PNG text keyword must be 1–79 Latin-1 characters; got ${JSON.stringify(key)}`);
  }
  if (value.includes('\0')) throw new Error(`PNG text ${JSON.stringify(key)} must not contain NUL`);
  if (isLatin1(value)) return { type: 'tEXt', data: new Uint8Array([...bytes(key), 0, ...bytes(value)]) };
  // iTXt: keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL, UTF-8 text.
  return { type: 'iTXt', data: new Uint8Array([...bytes(key), 0, 0, 0, 0, 0, ...new TextEncoder().encode(value)]) };
}

/** `png` with one text chunk per entry inserted after IHDR (keywords: 1–79 Latin-1 characters). */
export function withPngText(png: Uint8Array, entries: Record<string, string>): Uint8Array<ArrayBuffer> {
  if (!SIGNATURE.every((b, i) => png[i] === b)) throw new Error('not a PNG file (bad signature)');
  const ihdrEnd = 8 + 12 + new DataView(png.buffer, png.byteOffset + 8, 4).getUint32(0);
  const chunks = Object.entries(entries).map(([key, value]) => {
    const { type, data } = textData(key, value);
    const chunk = new Uint8Array(12 + data.length);
    const view = new DataView(chunk.buffer);
    view.setUint32(0, data.length);
    chunk.set(bytes(type), 4);
    chunk.set(data, 8);
    view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
    return chunk;
  });
  const out = new Uint8Array(png.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(png.subarray(0, ihdrEnd), 0);
  let at = ihdrEnd;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(png.subarray(ihdrEnd), at);
  return out;
}
