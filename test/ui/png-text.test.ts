// PNG text chunks against Node's zlib CRC-32 and the PNG chunk layout, read back by a parser written here.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, withPngText } from '../../src/ui/png-text';

/** A 1×1 grey PNG (signature, IHDR, IDAT, IEND), as a browser writes one. */
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

function chunks(png: Uint8Array): { type: string; data: Uint8Array; crcOk: boolean }[] {
  const out = [];
  const view = new DataView(png.buffer, png.byteOffset);
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    out.push({ type, data, crcOk: view.getUint32(at + 8 + length) === zlibCrc32(png.subarray(at + 4, at + 8 + length)) });
    at += 12 + length;
  }
  return out;
}

describe('PNG text chunks', () => {
  it('crc32 matches zlib', () => {
    for (const s of ['', 'IEND', 'tEXtURL\0http://127.0.0.1/?system=mips']) {
      const b = new TextEncoder().encode(s);
      expect(crc32(b)).toBe(zlibCrc32(b));
    }
  });

  it('puts tEXt (Latin-1) and iTXt (UTF-8) chunks after IHDR with valid CRCs, the image chunks unchanged', () => {
    const url = 'http://127.0.0.1:4173/?system=mips&preset=abp-mips&n=1024';
    const out = withPngText(PNG, { URL: url, Description: 'N = 4096, φ = 0.7 · β = 1' });
    const cs = chunks(out);
    expect(cs.map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'iTXt', 'IDAT', 'IEND']);
    expect(cs.every((c) => c.crcOk)).toBe(true);
    expect(new TextDecoder('latin1').decode(cs[1]!.data)).toBe(`URL\0${url}`);
    const itxt = cs[2]!.data;
    expect(new TextDecoder().decode(itxt)).toBe('Description\0\0\0\0\0N = 4096, φ = 0.7 · β = 1');
    expect(chunks(PNG).map((c) => [c.type, [...c.data]])).toEqual(cs.filter((c) => !c.type.endsWith('Xt')).map((c) => [c.type, [...c.data]]));
  });

  it('refuses a file that is not a PNG and a bad keyword, with one line', () => {
    expect(() => withPngText(new Uint8Array(16), { URL: 'x' })).toThrow('not a PNG file (bad signature)');
    expect(() => withPngText(PNG, { '': 'x' })).toThrow('PNG text keyword must be 1–79 Latin-1 characters');
  });
});
