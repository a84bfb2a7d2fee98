/**
 * The NumPy `.npy` format (versions 1.0, 2.0 and 3.0), read and written from bytes in memory.
 * Browser-safe: no `node:*` imports. The header is a Python dict literal which we PARSE AS DATA with a small
 * hand-written parser for the subset NumPy writes; nothing is ever evaluated, and pickled (object) arrays are
 * refused. Every malformed input ends in an {@link AdjointError}; the work done is linear in the input size.
 *
 * Format reference: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { AdjointError } from '../errors.js';
import { type DType, type Storage } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of {@link readNpy}. */
export interface ReadNpyOptions {
  /** Where the bytes came from (a file name, an npz member), quoted in error messages. */
  source?: string;
  /** Function name that error messages start with (default `'readNpy'`). */
  fn?: string;
}

/** The magic string every .npy file starts with: `\x93NUMPY`. */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** NumPy aligns the start of the data to this many bytes. */
const ALIGN = 64;
/** NumPy leaves room in the header so that the first axis can grow in place (numpy.lib.format). */
const GROWTH_AXIS_MAX_DIGITS = 21;
/** Nesting limit of the header literal parser, so that `[[[[…` cannot exhaust the stack. */
const MAX_DEPTH = 16;

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** How one on-disk element type maps to ours. */
interface DiskType {
  kind: 'f' | 'c' | 'i' | 'u' | 'b';
  /** Bytes per element on disk. */
  itemsize: number;
  little: boolean;
  /** Our dtype after reading. */
  dtype: DType;
}

/** Tags for the decoded header literal. */
type PyValue = string | number | boolean | null | PyValue[] | { tuple: PyValue[] } | Map<string, PyValue>;

class HeaderError extends Error {}

/**
 * A recursive-descent parser for the Python literal subset that NumPy writes in .npy headers:
 * dicts with string keys, strings, integers, True/False/None, tuples and lists.
 */
class LiteralParser {
  private pos = 0;
  constructor(private readonly s: string) {}

  parseTop(): PyValue {
    const v = this.value(0);
    this.ws();
    if (this.pos !== this.s.length) throw new HeaderError(`unexpected ${this.show()} after the header dict`);
    return v;
  }

  private show(): string {
    if (this.pos >= this.s.length) return 'end of header';
    return `character ${JSON.stringify(this.s[this.pos])} at offset ${this.pos}`;
  }

  private ws(): void {
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  private value(depth: number): PyValue {
    if (depth > MAX_DEPTH) throw new HeaderError(`literal nested deeper than ${MAX_DEPTH} levels`);
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') return this.dict(depth);
    if (c === '(') return { tuple: this.seq(')', depth) };
    if (c === '[') return this.seq(']', depth);
    if (c === "'" || c === '"') return this.str();
    if (c !== undefined && /[-+0-9]/.test(c)) return this.int();
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    throw new HeaderError(`unexpected ${this.show()}`);
  }

  private expect(ch: string): void {
    this.ws();
    if (this.s[this.pos] !== ch) throw new HeaderError(`expected '${ch}' but found ${this.show()}`);
    this.pos++;
  }

  private dict(depth: number): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.pos++; // '{'
    for (;;) {
      this.ws();
      if (this.s[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.value(depth + 1);
      if (typeof key !== 'string') throw new HeaderError('dict keys must be strings');
      if (out.has(key)) throw new HeaderError(`key '${key}' appears twice`);
      this.expect(':');
      out.set(key, this.value(depth + 1));
      this.ws();
      if (this.s[this.pos] === ',') this.pos++;
      else if (this.s[this.pos] !== '}') throw new HeaderError(`expected ',' or '}' but found ${this.show()}`);
    }
  }

  private seq(close: string, depth: number): PyValue[] {
    const out: PyValue[] = [];
    this.pos++; // '(' or '['
    for (;;) {
      this.ws();
      if (this.s[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.pos] === ',') this.pos++;
      else if (this.s[this.pos] !== close) throw new HeaderError(`expected ',' or '${close}' but found ${this.show()}`);
    }
  }

  private str(): string {
    const q = this.s[this.pos]!;
    this.pos++;
    let out = '';
    while (this.pos < this.s.length) {
      const c = this.s[this.pos++]!;
      if (c === q) return out;
      if (c === '\n') break;
      if (c === '\\') {
        const e = this.s[this.pos++];
        if (e === undefined) break;
        // Only the escapes repr() can produce for dtype strings; anything else is kept literally.
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
      } else out += c;
    }
    throw new HeaderError('unterminated string');
  }

  private int(): number {
    const m = /^[-+]?[0-9]+L?/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m) throw new HeaderError(`unexpected ${this.show()}`);
    this.pos += m[0].length;
    if (/[0-9.eEjJxX_]/.test(this.s[this.pos] ?? '')) throw new HeaderError(`only integers are expected, found ${this.show()}`);
    const digits = m[0].replace(/L$/, '');
    const v = Number(digits);
    // Past 2^53 a dim could never be allocated, and the double would not even be the same integer.
    if (!Number.isSafeInteger(v)) throw new HeaderError(`integer ${digits.slice(0, 30)} is too large`);
    return v;
  }
}

function fail(fn: string, source: string | undefined, msg: string): AdjointError {
  const where = source === undefined ? '' : ` in '${source}'`;
  return new AdjointError(`${fn}: cannot read .npy data${where}: ${msg}`, 'bytes');
}

/** Maps a NumPy `descr` string such as `'<f8'`, `'>c16'`, `'|b1'` to what we read it as. */
function parseDescr(descr: string, fail_: (m: string) => AdjointError): DiskType {
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(descr);
  if (descr === 'O' || descr === '|O' || (m && m[2] === 'O')) {
    throw fail_(`object arrays (descr '${descr}') hold pickled Python objects and are not supported`);
  }
  if (!m) throw fail_(`unsupported dtype descr '${descr}'`);
  const order = m[1]!;
  const code = m[2] === '?' ? 'b1' : `${m[2]}${m[3]}`;
  // '|', '=' and '' mean "not applicable" or "native" in NumPy; files written by np.save always spell out
  // '<' or '>' for multi-byte types, and every platform NumPy writes from in practice is little-endian.
  const little = order !== '>';
  const table: Record<string, [DiskType['kind'], DType]> = {
    f4: ['f', 'float32'],
    f8: ['f', 'float64'],
    c8: ['c', 'complex64'],
    c16: ['c', 'complex128'],
    i4: ['i', 'int32'],
    i8: ['i', 'int32'],
    u1: ['u', 'int32'],
    b1: ['b', 'bool'],
  };
  const hit = table[code];
  if (!hit) {
    throw fail_(`unsupported dtype descr '${descr}' (supported: f4, f8, c8, c16, i4, i8, u1, b1 in either byte order)`);
  }
  return { kind: hit[0], itemsize: Number(code.slice(1)), little, dtype: hit[1] };
}

/** Reverses the bytes of each `unit`-byte group in place. */
function swapBytes(b: Uint8Array, unit: number): void {
  if (unit === 1) return;
  for (let i = 0; i + unit <= b.length; i += unit) {
    for (let lo = i, hi = i + unit - 1; lo < hi; lo++, hi--) {
      const t = b[lo]!;
      b[lo] = b[hi]!;
      b[hi] = t;
    }
  }
}

function decodeHeader(bytes: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!); // latin1
  return s;
}

/**
 * Parses a `.npy` file held in memory into a tensor. Fortran-ordered data is transposed into C order;
 * big-endian data is byte-swapped. dtype mapping: f4→float32, f8→float64, c8→complex64, c16→complex128,
 * i4→int32, i8→int32 (only when every value fits exactly; otherwise an error), u1→int32, b1→bool.
 * Object (pickled) and structured arrays are refused.
 *
 * @example
 * ```ts
 * const t = readNpy(writeNpy(tensor([1, 2, 3], { dtype: 'float64' })));
 * t.toArray(); // [1, 2, 3]
 * ```
 */
export function readNpy(bytes: Uint8Array, options: ReadNpyOptions = {}): Tensor {
  const fn = options.fn ?? 'readNpy';
  const src = options.source;
  const bad = (m: string): AdjointError => fail(fn, src, m);
  if (!(bytes instanceof Uint8Array)) {
    throw new AdjointError(`${fn}: argument 'bytes' must be a Uint8Array`, 'bytes');
  }
  const n = bytes.length;
  if (n < 10) throw bad(`only ${n} bytes, too short for a .npy header`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw bad('bad magic (the file does not start with \\x93NUMPY)');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (!(major >= 1 && major <= 3) || minor !== 0) throw bad(`unsupported format version ${major}.${minor}`);
  let hlen: number;
  let hstart: number;
  if (major === 1) {
    hlen = bytes[8]! | (bytes[9]! << 8);
    hstart = 10;
  } else {
    if (n < 12) throw bad(`only ${n} bytes, too short for a version ${major}.0 header`);
    hlen = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16)) + bytes[11]! * 2 ** 24;
    hstart = 12;
  }
  const dataStart = hstart + hlen;
  if (dataStart > n) throw bad(`the header claims ${hlen} bytes but the file has only ${n - hstart} after the prefix`);

  let text: string;
  try {
    text = decodeHeader(bytes.subarray(hstart, dataStart), major === 3);
  } catch {
    throw bad('the version 3.0 header is not valid UTF-8');
  }
  let dict: PyValue;
  try {
    dict = new LiteralParser(text).parseTop();
  } catch (e) {
    if (e instanceof HeaderError) throw bad(`cannot parse the header: ${e.message}`);
    throw e;
  }
  if (!(dict instanceof Map)) throw bad('the header is not a dict');
  const keys = [...dict.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') {
    throw bad(`the header must have exactly the keys 'descr', 'fortran_order', 'shape', got ${keys.map((k) => `'${k}'`).join(', ')}`);
  }
  const descr = dict.get('descr')!;
  if (Array.isArray(descr)) throw bad('structured dtypes (a list descr) are not supported');
  if (typeof descr !== 'string') throw bad("'descr' must be a dtype string");
  const dt = parseDescr(descr, bad);
  const fortran = dict.get('fortran_order');
  if (typeof fortran !== 'boolean') throw bad("'fortran_order' must be True or False");
  const shapeV = dict.get('shape');
  if (shapeV === null || typeof shapeV !== 'object' || !('tuple' in shapeV)) throw bad("'shape' must be a tuple of integers");
  const shape = shapeV.tuple;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw bad(`'shape' must hold non-negative integers, got (${shape.map((x) => String(x)).join(', ')})`);
    }
  }
  const dims = shape as number[];

  // Count the elements without overflow: stop multiplying once the product exceeds what the bytes could hold,
  // so that a hostile shape can neither overflow nor make us allocate before the size check.
  const avail = n - dataStart;
  const maxCount = Math.floor(avail / dt.itemsize);
  const shapeRepr = `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
  let count = 1;
  let tooBig = false;
  for (const d of dims) {
    if (d === 0) {
      count = 0;
      tooBig = false;
      break;
    }
    if (!tooBig) {
      count *= d;
      if (count > maxCount) tooBig = true;
    }
  }
  if (tooBig) {
    // No dim is 0 here, so partial products only grow: when the full product is a safe integer it is exact.
    const need = dims.reduce((a, d) => a * d, dt.itemsize);
    const needText = Number.isSafeInteger(need) ? `${need} data bytes` : 'more data bytes';
    throw bad(`shape ${shapeRepr} of '${descr}' needs ${needText} but ${avail} follow the header`);
  }
  const nbytes = count * dt.itemsize;
  if (nbytes !== avail) {
    throw bad(`shape ${shapeRepr} of '${descr}' needs ${nbytes} data bytes but ${avail} follow the header`);
  }

  // Copy to a fresh, aligned buffer (the input may be a pooled Node Buffer at any byte offset).
  const raw = new Uint8Array(nbytes);
  raw.set(bytes.subarray(dataStart, dataStart + nbytes));
  const storage = decodeData(raw, dt, count, bad);

  if (!fortran || dims.length < 2) return Tensor.fromStorage(storage, dims, dt.dtype);
  // Fortran order: the data is C order for the reversed shape; view it with column-major strides and copy.
  const fStrides: number[] = [];
  let acc = 1;
  for (const d of dims) {
    fStrides.push(acc);
    acc *= d;
  }
  return Tensor.fromStorage(storage, dims, dt.dtype, fStrides, 0).contiguous();
}

function decodeData(raw: Uint8Array, dt: DiskType, count: number, bad: (m: string) => AdjointError): Storage {
  const unit = dt.kind === 'c' ? dt.itemsize / 2 : dt.itemsize;
  if (dt.little !== HOST_LITTLE) swapBytes(raw, unit);
  switch (dt.kind) {
    case 'f':
    case 'c':
      return unit === 4 ? new Float32Array(raw.buffer) : new Float64Array(raw.buffer);
    case 'b': {
      for (let i = 0; i < count; i++) raw[i] = raw[i] !== 0 ? 1 : 0;
      return raw;
    }
    case 'u':
      return Int32Array.from(raw);
    case 'i': {
      if (dt.itemsize === 4) return new Int32Array(raw.buffer);
      const words = new Int32Array(raw.buffer);
      const out = new Int32Array(count);
      const lo = HOST_LITTLE ? 0 : 1;
      for (let i = 0; i < count; i++) {
        const low = words[2 * i + lo]!;
        const high = words[2 * i + 1 - lo]!;
        // Fits in int32 exactly when the high word is the sign extension of the low word.
        if (high !== low >> 31) {
          const v = BigInt(high) * 4294967296n + BigInt(low >>> 0);
          throw bad(`int64 value ${v} at flat index ${i} does not fit in int32 (adjoint has no int64 dtype; convert the array first)`);
        }
        out[i] = low;
      }
      return out;
    }
  }
}

/** The descr we write for each dtype. */
const DESCR: Record<DType, string> = {
  float32: '<f4',
  float64: '<f8',
  complex64: '<c8',
  complex128: '<c16',
  int32: '<i4',
  bool: '|b1',
};

/** The header text exactly as NumPy 1.24+ writes it (sorted keys, growth padding), before alignment padding. */
function headerText(dtype: DType, shape: readonly number[]): string {
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let h = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) h += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  return h;
}

/**
 * Serialises a tensor as a `.npy` file (C order, little-endian, version 1.0 unless the header needs 2.0),
 * byte-for-byte as `numpy.save` writes it. dtypes map to '<f4', '<f8', '<c8', '<c16', '<i4', '|b1'.
 *
 * @example
 * ```ts
 * const bytes = writeNpy(eye(3)); // np.load(io.BytesIO(bytes)) gives the 3x3 identity
 * ```
 */
export function writeNpy(t: Tensor): Uint8Array {
  if (!(t instanceof Tensor)) throw new AdjointError("writeNpy: argument 't' must be a Tensor", 't');
  const h = headerText(t.dtype, t.shape);
  // Header bytes are ASCII (descr, digits), so string length equals byte length.
  let prefix = 10;
  let total = prefix + h.length + 1;
  // Like NumPy, a header that is already aligned still gets a full 64 bytes of padding.
  let pad = ALIGN - (total % ALIGN);
  if (h.length + 1 + pad > 0xffff) {
    prefix = 12;
    total = prefix + h.length + 1;
    pad = ALIGN - (total % ALIGN);
  }
  const hlen = h.length + pad + 1;
  const data = t.data;
  const nbytes = data.byteLength;
  const out = new Uint8Array(prefix + hlen + nbytes);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  out[8] = hlen & 0xff;
  out[9] = (hlen >>> 8) & 0xff;
  if (prefix === 12) {
    out[10] = (hlen >>> 16) & 0xff;
    out[11] = (hlen >>> 24) & 0xff;
  }
  let p = prefix;
  for (let i = 0; i < h.length; i++) out[p++] = h.charCodeAt(i);
  for (let i = 0; i < pad; i++) out[p++] = 0x20;
  out[p++] = 0x0a;
  const body = out.subarray(p);
  body.set(new Uint8Array(data.buffer, data.byteOffset, nbytes));
  if (t.dtype === 'bool') for (let i = 0; i < body.length; i++) body[i] = body[i] !== 0 ? 1 : 0;
  else if (!HOST_LITTLE) swapBytes(body, data.BYTES_PER_ELEMENT);
  return out;
}
