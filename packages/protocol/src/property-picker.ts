// Reading a few properties straight from their encoded bytes (reference §6.3), without decoding the
// rest into an object. Java's broker stores a batch entry's properties bytes as they came and reads
// only what it needs from them; ours does the same (send-batch-processor.ts), and per message that
// skips building an object of every property and encoding it again. The key index's read of the
// commit log picks KEYS and UNIQ_KEY from the properties string its scanner hands over (pickText).
import { CAN_SLICE, type SlicingBuffer } from './remoting/buffer-slices';
import * as byteRuns from './byte-copy';
import * as propertiesCodec from './properties';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and the picker reads these per property of every batch entry (2.2% of a batched broker's main thread).
const { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } = propertiesCodec;
const { isAsciiRun } = byteRuns;

/** A picked name and where its value goes in the output. */
interface Wanted {
  readonly name: string;
  readonly slot: number;
}

export class PropertyPicker {
  /** Wanted names by length: a segment's name is compared only with names of its length. */
  private readonly byLength: (readonly Wanted[] | undefined)[] = [];

  /** `names` must be ASCII, non-empty, distinct and free of separators (RocketMQ's own names are). */
  constructor(readonly names: readonly string[]) {
    names.forEach((name, slot) => {
      // eslint-disable-next-line no-control-regex -- the separators are control characters
      if (!/^[\x03-\x7f]+$/.test(name)) throw new Error(`property name ${JSON.stringify(name)} cannot be picked: use non-empty ASCII names without \\u0001 or \\u0002`);
      if (names.indexOf(name) !== slot) throw new Error(`property name ${JSON.stringify(name)} is listed twice`);
      const sameLength = (this.byLength[name.length] ??= []) as Wanted[];
      sameLength.push({ name, slot });
    });
  }

  /**
   * Sets out[i] to the value of names[i] in the encoded properties buf[start, end), or undefined:
   * the values decodeProperties would give (segments without a name or a value are skipped, a later
   * duplicate wins), for any bytes.
   */
  pick(buf: Buffer, start: number, end: number, out: (string | undefined)[]): void {
    // All ASCII (the usual case), checked once by words: the Latin-1 text, one character per byte
    // and cheaper to make than UTF-8's, is then the decoded text itself.
    if (isAsciiRun(buf, start, end)) this.pickText(CAN_SLICE ? (buf as SlicingBuffer).latin1Slice(start, end) : buf.toString('latin1', start, end), out);
    // Otherwise decoded whole: the separators are ASCII, and UTF-8 never puts a byte under 0x80
    // inside a multi-byte sequence, so every value is what decoding its own bytes would give.
    else this.pickText(buf.toString('utf8', start, end), out);
  }

  /** pick() for properties already decoded to a string (what the commit-log scanner hands over). */
  pickText(text: string, out: (string | undefined)[]): void {
    for (let i = 0; i < this.names.length; i++) out[i] = undefined;
    const length = text.length;
    let index = 0;
    while (index < length) {
      let segmentEnd = text.indexOf(PROPERTY_SEPARATOR, index);
      if (segmentEnd < 0) segmentEnd = length;
      const separator = text.indexOf(NAME_VALUE_SEPARATOR, index);
      // As decodeProperties (Java string2messageProperties): a non-empty name and a non-empty value.
      if (separator > index && separator < segmentEnd - 1) {
        const candidates = this.byLength[separator - index];
        if (candidates !== undefined) {
          for (let c = 0; c < candidates.length; c++) {
            const wanted = candidates[c]!;
            if (text.startsWith(wanted.name, index)) {
              out[wanted.slot] = text.slice(separator + 1, segmentEnd);
              break;
            }
          }
        }
      }
      index = segmentEnd + 1;
    }
  }
}
