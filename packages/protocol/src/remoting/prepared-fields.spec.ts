import fc from 'fast-check';
import { decodeCommandFrame, encodeCommand } from './frame-codec';
import {
  DECIMAL_VALUE_MAX_BYTES,
  PreparedFieldsCommand,
  createPreparedResponse,
  encodeFieldEntries,
  encodeFieldKey,
  preparedFieldsOf,
  stringValueMaxBytes,
  writeDecimalValue,
  writeEncoded,
  writeStringValue,
} from './prepared-fields';
import type { PreparedFields } from './prepared-fields';
import { createRequest, createResponse } from './remoting-command';
import type { SerializeType } from './remoting-command';

/** An entry of a test's fields: a text value, a number written in decimal, or constant entries. */
type Entry = { kind: 'text'; key: string; value: string } | { kind: 'number'; key: string; value: number } | { kind: 'constant'; entries: Record<string, string> };

/** PreparedFields from a list of entries, written with every helper the module offers. */
class ListedFields implements PreparedFields {
  readonly maxBytes: number;
  private readonly keys: Uint8Array[];
  private readonly constants: Uint8Array[];

  constructor(private readonly entries: Entry[]) {
    this.keys = entries.map((entry) => (entry.kind === 'constant' ? new Uint8Array(0) : encodeFieldKey(entry.key)));
    this.constants = entries.map((entry) => (entry.kind === 'constant' ? encodeFieldEntries(entry.entries) : new Uint8Array(0)));
    this.maxBytes = entries.reduce((sum, entry, i) => {
      if (entry.kind === 'constant') return sum + this.constants[i]!.length;
      return sum + this.keys[i]!.length + (entry.kind === 'text' ? stringValueMaxBytes(entry.value) : DECIMAL_VALUE_MAX_BYTES);
    }, 0);
  }

  writeTo(out: Buffer, at: number): number {
    let p = at;
    this.entries.forEach((entry, i) => {
      if (entry.kind === 'constant') {
        p = writeEncoded(out, p, this.constants[i]!);
        return;
      }
      p = writeEncoded(out, p, this.keys[i]!);
      p = entry.kind === 'text' ? writeStringValue(out, p, entry.value) : writeDecimalValue(out, p, entry.value);
    });
    return p;
  }

  hasEmptyValue(): boolean {
    return Object.values(this.toRecord()).includes('');
  }

  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (const entry of this.entries) {
      if (entry.kind === 'constant') Object.assign(record, entry.entries);
      else record[entry.key] = String(entry.value);
    }
    return record;
  }
}

// Keys unique across a list (a record keeps one value per key), never "__proto__" (an assignment to it
// changes the prototype, as the decoders know) nor an array index ("0", "17": an object lists those
// first, so its order would not be the list's).
const keyArb = fc
  .oneof(fc.stringMatching(/^[A-Za-z_]{1,16}$/), fc.string({ minLength: 1, maxLength: 20 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }))
  .filter((key) => key !== '__proto__' && !/^(0|[1-9][0-9]*)$/.test(key));
const textArb = fc.oneof(fc.stringMatching(/^[0-9A-F]{32}$/), fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary-ascii', maxLength: 80 }));
const numberArb = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 9, 10, 99, 100, 2 ** 31, 2 ** 32));
const entriesArb = fc
  .uniqueArray(
    fc.tuple(keyArb, fc.oneof(textArb.map((value) => ({ kind: 'text' as const, value })), numberArb.map((value) => ({ kind: 'number' as const, value })))),
    { selector: ([key]) => key, maxLength: 8 },
  )
  .map((pairs) => pairs.map(([key, v]): Entry => ({ ...v, key })));

describe('PreparedFields', () => {
  it('encode to the same frame as createResponse with the same entries, for both header types', () => {
    fc.assert(
      fc.property(entriesArb, fc.boolean(), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), fc.integer(), (listed, constantTail, remark, opaque) => {
        const entries: Entry[] = constantTail ? [...listed.filter((e) => e.kind === 'constant' || (e.key !== 'MSG_REGION' && e.key !== 'TRACE_ON')), { kind: 'constant', entries: { MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' } }] : listed;
        for (const serializeType of ['ROCKETMQ', 'JSON'] as SerializeType[]) {
          const request = { ...createRequest(10, {}, undefined, { serializeType }), opaque };
          const fields = new ListedFields(entries);
          const prepared = encodeCommand(createPreparedResponse(request, 0, remark, fields));
          const plain = encodeCommand(createResponse(request, 0, remark, fields.toRecord()));
          expect(prepared.equals(plain)).toBe(true);
          expect(decodeCommandFrame(prepared.subarray(4)).extFields).toEqual(fields.toRecord());
        }
      }),
    );
  });

  it('write no more than maxBytes', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const fields = new ListedFields(entries);
        const out = Buffer.alloc(fields.maxBytes + 8, 0xee);
        const end = fields.writeTo(out, 4);
        expect(end - 4).toBeLessThanOrEqual(fields.maxBytes);
        expect(out.subarray(4 + fields.maxBytes).every((b) => b === 0xee)).toBe(true);
      }),
    );
  });

  it('become an ordinary object once extFields is read: a change to it is what gets sent', () => {
    const request = createRequest(10, {}, undefined, { serializeType: 'ROCKETMQ' });
    const command = createPreparedResponse(request, 0, undefined, new ListedFields([{ kind: 'text', key: 'msgId', value: 'A1' }]));
    expect(preparedFieldsOf(command)).toBeDefined();
    command.extFields['queueId'] = '3';
    expect(preparedFieldsOf(command)).toBeUndefined();
    expect(decodeCommandFrame(encodeCommand(command).subarray(4)).extFields).toEqual({ msgId: 'A1', queueId: '3' });
    command.extFields = { other: 'x' };
    expect(decodeCommandFrame(encodeCommand(command).subarray(4)).extFields).toEqual({ other: 'x' });
  });

  it('answer as a response to their request: opaque, RESPONSE flag and serialize type', () => {
    const request = { ...createRequest(10, {}, undefined, { serializeType: 'JSON' }), opaque: 77 };
    const command = createPreparedResponse(request, 5, 'why', new ListedFields([]));
    expect(command).toBeInstanceOf(PreparedFieldsCommand);
    expect({ code: command.code, opaque: command.opaque, flag: command.flag, serializeType: command.serializeType, remark: command.remark }).toEqual({
      code: 5,
      opaque: 77,
      flag: 1,
      serializeType: 'JSON',
      remark: 'why',
    });
    const decoded = decodeCommandFrame(encodeCommand(command).subarray(4));
    expect({ code: decoded.code, opaque: decoded.opaque, flag: decoded.flag, remark: decoded.remark }).toEqual({ code: 5, opaque: 77, flag: 1, remark: 'why' });
  });

  it('refuse what they cannot write exactly: numbers that are not safe integers, keys over a Java short', () => {
    const out = Buffer.alloc(64);
    for (const value of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) expect(() => writeDecimalValue(out, 0, value)).toThrow(RangeError);
    expect(() => encodeFieldKey('k'.repeat(0x8000))).toThrow(/32767/);
    expect(encodeFieldKey('k'.repeat(0x7fff)).length).toBe(2 + 0x7fff);
  });
});
