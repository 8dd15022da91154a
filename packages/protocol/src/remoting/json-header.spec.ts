// Decoding rules of the JSON header beyond the golden frames: how ali-ons' loosely typed values
// become the strings Java would see (reference §1.3); and the encoder's bytes in the frame.
import fc from 'fast-check';
import { decodeCommandFrame, encodeCommand } from './frame-codec';
import { encodeJsonHeader, toJavaString } from './json-header';
import { createRequest } from './remoting-command';
import { jsonCommandArb, rawFrame } from '../../test/remoting';

const decodeHeader = (header: string) => decodeCommandFrame(rawFrame(0, header).subarray(4));

describe('JSON header decoding', () => {
  it('turns extFields numbers and booleans into the strings fastjson gives Java', () => {
    const command = decodeHeader(
      '{"code":310,"opaque":1,"extFields":{"d":4,"e":0,"g":1795689639895,"neg":-1,"k":false,"t":true,"s":"x"}}',
    );
    expect(command.extFields).toEqual({ d: '4', e: '0', g: '1795689639895', neg: '-1', k: 'false', t: 'true', s: 'x' });
  });

  it('writes non-integer and huge numbers like BigDecimal.toString()', () => {
    const command = decodeHeader('{"code":1,"opaque":1,"extFields":{"a":1.5,"b":1e21,"c":1.5e-7,"d":0.000001,"e":123456789012345680000}}');
    expect(command.extFields).toEqual({ a: '1.5', b: '1E+21', c: '1.5E-7', d: '0.000001', e: '123456789012345680000' });
  });

  it('drops null extFields values and writes nested objects and arrays as JSON', () => {
    const command = decodeHeader('{"code":1,"opaque":1,"extFields":{"n":null,"o":{"x":1},"a":[1,"b"]}}');
    expect(command.extFields).toEqual({ o: '{"x":1}', a: '[1,"b"]' });
  });

  it('treats missing or null extFields as empty', () => {
    expect(decodeHeader('{"code":1,"opaque":1}').extFields).toEqual({});
    expect(decodeHeader('{"code":1,"opaque":1,"extFields":null}').extFields).toEqual({});
  });

  it('maps a numeric language to its LanguageCode name, unknown ones to OTHER', () => {
    expect(decodeHeader('{"code":1,"opaque":1,"language":0}').language).toBe('JAVA');
    expect(decodeHeader('{"code":1,"opaque":1,"language":9}').language).toBe('GO');
    expect(decodeHeader('{"code":1,"opaque":1,"language":12}').language).toBe('RUST');
    expect(decodeHeader('{"code":1,"opaque":1,"language":99}').language).toBe('OTHER');
    expect(decodeHeader('{"code":1,"opaque":1,"language":"PYTHON"}').language).toBe('PYTHON');
    expect(decodeHeader('{"code":1,"opaque":1,"language":"SOMETHING"}').language).toBe('SOMETHING');
  });

  it('uses Java field defaults for a missing language, version and flag', () => {
    expect(decodeHeader('{"code":1,"opaque":2}')).toEqual({
      code: 1,
      language: 'JAVA',
      version: 0,
      opaque: 2,
      flag: 0,
      extFields: {},
      serializeType: 'JSON',
    });
  });

  it('accepts negative and int32-extreme integers, and 1.0 as 1', () => {
    const command = decodeHeader('{"code":-1,"opaque":-2147483648,"flag":2147483647,"version":1.0}');
    expect(command).toMatchObject({ code: -1, opaque: -2147483648, flag: 2147483647, version: 1 });
  });

  it('keeps remark text, leaves a null remark out and stringifies a scalar one', () => {
    expect(decodeHeader('{"code":1,"opaque":1,"remark":"line1\\nline2 \\"q\\" é"}').remark).toBe('line1\nline2 "q" é');
    expect(decodeHeader('{"code":1,"opaque":1,"remark":null}')).not.toHaveProperty('remark');
    expect(decodeHeader('{"code":1,"opaque":1,"remark":""}').remark).toBe('');
    expect(decodeHeader('{"code":1,"opaque":1,"remark":12}').remark).toBe('12');
  });

  it('keeps a "__proto__" key as a field and does not touch the prototype', () => {
    const command = decodeHeader('{"code":1,"opaque":1,"extFields":{"__proto__":5,"a":"b"}}');
    expect(Object.getPrototypeOf(command.extFields)).toBe(Object.prototype);
    expect(Object.keys(command.extFields)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(command.extFields, '__proto__')?.value).toBe('5');
  });

  it('decodes UTF-8 text in keys and values', () => {
    expect(decodeHeader('{"code":1,"opaque":1,"extFields":{"clé":"値😀"}}').extFields).toEqual({ clé: '値😀' });
  });
});

describe('toJavaString', () => {
  it.each([
    ['s', 's'],
    [0, '0'],
    [-7, '-7'],
    [2.5, '2.5'],
    [1e-7, '1E-7'],
    [true, 'true'],
    [false, 'false'],
    [{ a: 1 }, '{"a":1}'],
  ])('%p -> %p', (value, text) => {
    expect(toJavaString(value)).toBe(text);
  });
});

describe('JSON header encoding', () => {
  it('puts the UTF-8 bytes of the header text into the frame, ASCII or not', () => {
    fc.assert(
      fc.property(jsonCommandArb, (command) => {
        const text = encodeJsonHeader(command);
        const frame = encodeCommand(command);
        const headerLength = frame.readUInt32BE(4) & 0xffffff;
        expect(frame.subarray(8, 8 + headerLength)).toEqual(Buffer.from(text, 'utf8'));
      }),
      { numRuns: 500 },
    );
  });

  it('writes the fixed key order and leaves an undefined remark out', () => {
    const command = createRequest(310, { b: 'x\u0001"é', a: '1' });
    command.opaque = 7;
    expect(encodeJsonHeader(command)).toBe(
      '{"code":310,"language":"JAVA","version":409,"opaque":7,"flag":0,"extFields":{"b":"x\\u0001\\"é","a":"1"},"serializeTypeCurrentRPC":"JSON"}',
    );
  });
});
