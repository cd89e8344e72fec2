/**
 * Reads a JSON list envelope (`{"kind":…,"metadata":…,"data":[{…},{…}]}`) from a byte stream and decodes each
 * object of its top-level `data` array as soon as its last byte arrives, with JSON.parse on that element alone.
 *
 * Why: a Confluent mirror list of 10,000 topics is about 9 MB of JSON. Read whole, the body's buffers, its text,
 * the parsed tree and the decoded list all live at once; and because the whole parsed tree survives the young
 * generation's collections, V8 grows the young generation to its maximum. Element by element, only one element's
 * bytes and tree are alive before its decoded form replaces them (peak RSS of a 10,000-topic failover: see
 * `npm run bench -- ccloud-mirror`).
 *
 * Only structure is scanned here: strings (with escapes), objects and arrays. The bytes of every element, and
 * of the envelope around `data`, go to JSON.parse, so anything JSON.parse refuses is refused. Structural bytes
 * are ASCII and never occur inside a multi-byte UTF-8 sequence, so scanning bytes is the same as scanning text.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const DATA_KEY = Buffer.from('data');

export class JsonListElements<T> {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The bytes of the depth-1 string being read or last read (a key, or a value), up to 5. */
  private key: number[] = [];
  private keyOpen = false;
  /** Between the `[` and `]` of the top-level `data` array. */
  private inData = false;
  private seenData = false;
  /** What `data` may hold next: its first element or its end, an element (after a comma), a comma or its end. */
  private next: 'first' | 'element' | 'comma-or-end' = 'first';
  /** Parts of the element being read (it may span chunks). */
  private element: Buffer[] | undefined;
  /** The envelope without the elements of `data` (`"data":[]`). */
  private envelope: Buffer[] = [];
  private invalid = false;
  private readonly decoded: T[] = [];

  /** `decode` is called once per object element of `data`, in order; other elements make the body invalid. */
  constructor(private readonly decode: (raw: Record<string, unknown>) => T) {}

  push(chunk: Uint8Array): void {
    if (this.invalid) return;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let envelopeFrom = this.inData ? -1 : 0;
    let elementFrom = this.element ? 0 : -1;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        if (this.keyOpen) {
          if (!this.inString) this.keyOpen = false;
          else if (this.key.length < 5) this.key.push(c);
        }
        continue;
      }
      if (this.inData && this.depth === 2 && elementFrom < 0 && !WHITESPACE.has(c)) {
        // Between elements of `data`: objects separated by commas, as JSON.parse would have them.
        const next = this.next;
        if (c === OPEN_OBJECT && next !== 'comma-or-end') {
          elementFrom = i;
          this.element = [];
        } else if (c === COMMA && next === 'comma-or-end') this.next = 'element';
        else if (c !== CLOSE_ARRAY || next === 'element') {
          this.invalid = true;
          return;
        }
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1) {
          this.key = [];
          this.keyOpen = true;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.depth++;
        if (this.depth === 2 && c === OPEN_ARRAY && !this.seenData && this.keyIsData()) {
          this.inData = this.seenData = true;
          this.envelope.push(Buffer.from(bytes.subarray(envelopeFrom, i + 1)));
          envelopeFrom = -1;
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth < 0) {
          this.invalid = true;
          return;
        }
        if (this.inData && this.depth === 2 && elementFrom >= 0) {
          this.element!.push(bytes.subarray(elementFrom, i + 1));
          if (!this.finishElement()) return;
          elementFrom = -1;
        } else if (this.inData && this.depth === 1) {
          this.inData = false;
          envelopeFrom = i;
        }
      }
    }
    if (elementFrom >= 0) this.element!.push(Buffer.from(bytes.subarray(elementFrom)));
    if (envelopeFrom >= 0) this.envelope.push(Buffer.from(bytes.subarray(envelopeFrom)));
  }

  /** The envelope with `data` holding the decoded elements; undefined when the body is not valid JSON. */
  end(): (Record<string, unknown> & { data?: T[] }) | undefined {
    if (this.invalid || this.depth !== 0 || this.inString) return undefined;
    let envelope: unknown;
    try {
      envelope = JSON.parse(Buffer.concat(this.envelope).toString('utf8'));
    } catch {
      return undefined;
    }
    if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) return undefined;
    const body = envelope as Record<string, unknown>;
    if (this.seenData) body.data = this.decoded;
    return body;
  }

  private keyIsData(): boolean {
    return this.key.length === DATA_KEY.length && this.key.every((b, i) => b === DATA_KEY[i]);
  }

  private finishElement(): boolean {
    const parts = this.element!;
    this.element = undefined;
    let raw: unknown;
    try {
      raw = JSON.parse((parts.length === 1 ? parts[0] : Buffer.concat(parts)).toString('utf8'));
    } catch {
      this.invalid = true;
      return false;
    }
    this.decoded.push(this.decode(raw as Record<string, unknown>));
    this.next = 'comma-or-end';
    return true;
  }
}
