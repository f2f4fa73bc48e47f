// Bytes → text for the CLI: the ASCII path (native check and copy) gives the text the UTF-8 decoder gives, is asked
// only for the body after a byte-order mark, and leaves every refusal (NUL, invalid UTF-8) as it was.
import * as assert from 'node:assert/strict';
import { decodeText, DecodeError } from '../../src/cli/decode';
import { nodeIo } from '../../src/cli/main';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const asciiText = nodeIo.asciiText;

describe('gate-lens: decoding with the ASCII path (issue 11 item 1)', () => {
  it('an all-ASCII file is read by the ASCII path and gives the same text as the UTF-8 decoder', () => {
    const text = 'kernel = [[0.1, -2.5e-3]]\r\n\tbias = [1, 2]\n~`!@#$%^&*()_+{}|:"<>?\x7f';
    const asked: number[] = [];
    const decoded = decodeText(encode(text), (b) => { asked.push(b.length); return asciiText?.(b); });
    assert.deepEqual(asked, [text.length]);
    assert.equal(decoded.text, text);
    assert.equal(decoded.text, decodeText(encode(text)).text);
    assert.equal(decoded.encoding, 'utf-8');
  });

  it('a view into a larger buffer is decoded from its own bytes only', () => {
    const whole = encode('xxxxkernel = [1, 2]yyyy');
    assert.equal(asciiText?.(whole.subarray(4, 19)), 'kernel = [1, 2]');
    // Non-ASCII bytes just outside the view do not count; one inside does.
    const framed = new Uint8Array([0xe9, ...encode('bias'), 0xe9]);
    assert.equal(asciiText?.(framed.subarray(1, 5)), 'bias');
    assert.equal(asciiText?.(framed.subarray(0, 5)), undefined);
  });

  it('non-ASCII UTF-8 falls back to the UTF-8 decoder', () => {
    const text = '# poids du réseau — 权重\nkernel = [[0.1]]\n';
    assert.equal(asciiText?.(encode(text)), undefined);
    assert.equal(decodeText(encode(text), asciiText).text, text);
  });

  it('the byte-order mark is skipped before the ASCII path sees the bytes', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode('bias = [0.5]')]);
    assert.equal(decodeText(bytes, asciiText).text, 'bias = [0.5]');
  });

  it('an ASCII file holding a 0 byte is still refused with its offset', () => {
    const bytes = encode('kernel = [1]\0\n');
    assert.throws(() => decodeText(bytes, asciiText), (e: unknown) => e instanceof DecodeError && e.offset === 12 && /holds a 0 byte at byte offset 12/.test(e.message));
  });

  it('invalid UTF-8 is still refused with the offset of its first bad byte', () => {
    const bytes = new Uint8Array([...encode('# poids '), 0xe9, 0x0a]);
    assert.throws(() => decodeText(bytes, asciiText), (e: unknown) => e instanceof DecodeError && e.offset === 8);
  });
});
