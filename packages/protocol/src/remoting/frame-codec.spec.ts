import fc from 'fast-check';
import { ProtocolError, ProtocolErrorCode } from '../errors';
import { DEFAULT_MAX_FRAME_SIZE, decodeCommandFrame, encodeCommand, encodeCommandHeadInto, encodeCommandInto } from './frame-codec';
import { createRequest, createResponse, type RemotingCommand } from './remoting-command';
import { anyCommandArb, binaryCommandArb, jsonCommandArb, rawFrame } from '../../test/remoting';

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return ProtocolError.is(error) ? error.code : error;
  }
  return 'no error';
};

/** The frame without its 4-byte length prefix, as decodeCommandFrame takes it. */
const withoutPrefix = (frame: Buffer): Buffer => frame.subarray(4);

// Golden frames, written byte by byte from reference §1.1-§1.4 (not produced by the encoder).

/** The ali-ons SEND_MESSAGE_V2 header as observed (§1.2 key order, §1.3 numbers and booleans). */
const ALI_ONS_HEADER =
  '{"code":310,"language":"JAVA","opaque":1,"flag":0,"version":121,"extFields":{"a":"PID_test","b":"TopicTest","d":4,"k":false}}';
const ALI_ONS_REQUEST = Buffer.concat([
  Buffer.from('00000086', 'hex'), // totalLength 134 = 4 + 125 + 5
  Buffer.from('0000007d', 'hex'), // serializeType 0 (JSON), headerLength 125
  Buffer.from(ALI_ONS_HEADER, 'utf8'),
  Buffer.from('Hello', 'utf8'),
]);

/** A Java broker's SEND_MESSAGE_V2 reply: fastjson sorts keys and writes serializeTypeCurrentRPC. */
const JAVA_RESPONSE_HEADER =
  '{"code":0,"extFields":{"msgId":"7F00000100002A9F0000000000000080","queueId":"1","queueOffset":"5"},"flag":1,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":409}';
const JAVA_RESPONSE = Buffer.concat([
  Buffer.from('000000bf', 'hex'), // totalLength 191 = 4 + 184 + 3
  Buffer.from('000000b8', 'hex'), // JSON, headerLength 184
  Buffer.from(JAVA_RESPONSE_HEADER, 'utf8'),
  Buffer.from([1, 2, 3]),
]);

/** GET_ROUTEINFO_BY_TOPIC with a binary ROCKETMQ header (§1.4). */
const BINARY_REQUEST = Buffer.from(
  [
    '0000002d', // totalLength 45 = 4 + 41
    '01000029', // serializeType 1 (ROCKETMQ), headerLength 41
    '0069', // code 105
    '00', // language JAVA
    '0199', // version 409
    '00000007', // opaque 7
    '00000000', // flag 0
    '00000000', // remarkLength 0: no remark
    '00000014', // extFieldsLength 20
    '0005', '746f706963', // key "topic"
    '00000009', '546f70696354657374', // value "TopicTest"
  ].join(''),
  'hex',
);

/** TOPIC_NOT_EXIST reply with a binary header, a remark and a body. */
const BINARY_RESPONSE = Buffer.from(
  [
    '00000023', // totalLength 35 = 4 + 29 + 2
    '0100001d', // ROCKETMQ, headerLength 29
    '0011', // code 17
    '00', // JAVA
    '0199', // version 409
    '00000007', // opaque 7
    '00000001', // flag 1: RESPONSE
    '00000008', '6e6f20726f757465', // remark "no route"
    '00000000', // extFieldsLength 0
    '7879', // body "xy"
  ].join(''),
  'hex',
);

describe('decodeCommandFrame: golden frames', () => {
  it('decodes the ali-ons request, turning number and boolean extFields into Java strings', () => {
    expect(decodeCommandFrame(withoutPrefix(ALI_ONS_REQUEST))).toEqual({
      code: 310,
      language: 'JAVA',
      version: 121,
      opaque: 1,
      flag: 0,
      extFields: { a: 'PID_test', b: 'TopicTest', d: '4', k: 'false' },
      body: Buffer.from('Hello'),
      serializeType: 'JSON',
    });
  });

  it('decodes a Java JSON response with a body and ignores serializeTypeCurrentRPC', () => {
    const command = decodeCommandFrame(withoutPrefix(JAVA_RESPONSE));
    expect(command).toEqual({
      code: 0,
      language: 'JAVA',
      version: 409,
      opaque: 1,
      flag: 1,
      extFields: { msgId: '7F00000100002A9F0000000000000080', queueId: '1', queueOffset: '5' },
      body: Buffer.from([1, 2, 3]),
      serializeType: 'JSON',
    });
    expect(command).not.toHaveProperty('serializeTypeCurrentRPC');
    expect(command).not.toHaveProperty('remark');
  });

  it('decodes a binary ROCKETMQ request', () => {
    expect(decodeCommandFrame(withoutPrefix(BINARY_REQUEST))).toEqual({
      code: 105,
      language: 'JAVA',
      version: 409,
      opaque: 7,
      flag: 0,
      extFields: { topic: 'TopicTest' },
      serializeType: 'ROCKETMQ',
    });
  });

  it('decodes a binary ROCKETMQ response with a remark and a body', () => {
    expect(decodeCommandFrame(withoutPrefix(BINARY_RESPONSE))).toEqual({
      code: 17,
      language: 'JAVA',
      version: 409,
      opaque: 7,
      flag: 1,
      remark: 'no route',
      extFields: {},
      body: Buffer.from('xy'),
      serializeType: 'ROCKETMQ',
    });
  });

  it('returns the body as a view into the frame, not a copy', () => {
    const frame = Buffer.from(withoutPrefix(ALI_ONS_REQUEST));
    const command = decodeCommandFrame(frame);
    frame[frame.length - 5] = 'J'.charCodeAt(0);
    expect(command.body?.toString()).toBe('Jello');
  });

  it('has no body when the frame ends with the header', () => {
    expect(decodeCommandFrame(withoutPrefix(rawFrame(0, '{"code":1,"opaque":2}')))).not.toHaveProperty('body');
  });
});

describe('encodeCommand: golden frames', () => {
  it('writes a JSON frame: fixed key order, serializeTypeCurrentRPC, UTF-8 remark, no body', () => {
    const command: RemotingCommand = {
      code: 34,
      language: 'JAVA',
      version: 409,
      opaque: 7,
      flag: 0,
      remark: 'café',
      extFields: { k: 'v' },
      serializeType: 'JSON',
    };
    const header =
      '{"code":34,"language":"JAVA","version":409,"opaque":7,"flag":0,"remark":"café","extFields":{"k":"v"},"serializeTypeCurrentRPC":"JSON"}';
    expect(encodeCommand(command)).toEqual(
      Buffer.concat([
        Buffer.from('0000008b', 'hex'), // totalLength 139 = 4 + 135 ("é" is 2 bytes)
        Buffer.from('00000087', 'hex'), // JSON, headerLength 135
        Buffer.from(header, 'utf8'),
      ]),
    );
  });

  it('leaves remark out when it is undefined and appends the body', () => {
    const frame = encodeCommand(createRequest(105, { topic: 'T' }, Buffer.from('xy')));
    const header = '{"code":105,"language":"JAVA","version":409,"opaque":0,"flag":0,"extFields":{"topic":"T"},"serializeTypeCurrentRPC":"JSON"}';
    const expected = Buffer.concat([
      Buffer.from('00000081', 'hex'), // totalLength 129 = 4 + 123 + 2
      Buffer.from('0000007b', 'hex'), // JSON, headerLength 123
      Buffer.from(header),
      Buffer.from('xy'),
    ]);
    expect(frame.toString('hex')).toBe(expected.toString('hex'));
  });

  it('writes the binary ROCKETMQ golden frames byte for byte', () => {
    const request: RemotingCommand = {
      code: 105,
      language: 'JAVA',
      version: 409,
      opaque: 7,
      flag: 0,
      extFields: { topic: 'TopicTest' },
      serializeType: 'ROCKETMQ',
    };
    expect(encodeCommand(request).toString('hex')).toBe(BINARY_REQUEST.toString('hex'));
    const response = createResponse({ ...request, opaque: 7 }, 17, 'no route', {}, Buffer.from('xy'));
    expect(encodeCommand(response).toString('hex')).toBe(BINARY_RESPONSE.toString('hex'));
  });

  it('writes an empty remark as length 0 in binary, as Java does', () => {
    const frame = encodeCommand({ ...createRequest(1, {}, undefined, { serializeType: 'ROCKETMQ' }), remark: '' });
    expect(frame.readInt32BE(8 + 13)).toBe(0);
    expect(decodeCommandFrame(withoutPrefix(frame))).not.toHaveProperty('remark');
  });

  it('writes an unknown language name as OTHER in binary', () => {
    const frame = encodeCommand({ ...createRequest(1, {}, undefined, { serializeType: 'ROCKETMQ' }), language: 'COBOL' });
    expect(frame[8 + 2]).toBe(7);
  });
});

describe('round trips', () => {
  const roundTrip = (command: RemotingCommand): RemotingCommand => {
    const frame = encodeCommand(command);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    return decodeCommandFrame(withoutPrefix(frame));
  };

  it('round-trips arbitrary JSON commands (unicode, quotes, newlines, lone surrogates)', () => {
    fc.assert(
      fc.property(jsonCommandArb, (command) => {
        expect(roundTrip(command)).toEqual(command);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips arbitrary binary commands', () => {
    fc.assert(
      fc.property(binaryCommandArb, (command) => {
        expect(roundTrip(command)).toEqual(command);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the serialize type, so a reply can use the request one', () => {
    fc.assert(
      fc.property(anyCommandArb, (command) => {
        const decoded = roundTrip(command);
        expect(decoded.serializeType).toBe(command.serializeType);
        expect(createResponse(decoded, 0).serializeType).toBe(command.serializeType);
      }),
    );
  });

  it.each(['JSON', 'ROCKETMQ'] as const)('keeps a "__proto__" extFields key as a field (%s)', (serializeType) => {
    const extFields: Record<string, string> = {};
    Object.defineProperty(extFields, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
    const decoded = roundTrip({ ...createRequest(1, extFields, undefined, { serializeType }) });
    expect(Object.getPrototypeOf(decoded.extFields)).toBe(Object.prototype);
    expect(Object.keys(decoded.extFields)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(decoded.extFields, '__proto__')?.value).toBe('x');
  });

  it('round-trips a body up to the frame limit, and a header just below 16 MiB', () => {
    const headerRoom = encodeCommand(createRequest(1)).length - 4;
    const body = Buffer.alloc(DEFAULT_MAX_FRAME_SIZE - headerRoom, 7);
    const frame = encodeCommand(createRequest(1, {}, body));
    expect(frame.length).toBe(DEFAULT_MAX_FRAME_SIZE + 4);
    expect(decodeCommandFrame(withoutPrefix(frame)).body?.equals(body)).toBe(true);
  });
});

describe('encodeCommand errors', () => {
  it.each([
    ['code above int16 in binary', { code: 40000, serializeType: 'ROCKETMQ' }],
    ['version below int16 in binary', { version: -40000, serializeType: 'ROCKETMQ' }],
    ['opaque above int32', { opaque: 2 ** 31 }],
    ['flag not an integer', { flag: 1.5 }],
    ['code NaN', { code: Number.NaN }],
    ['opaque above int32 in binary', { opaque: 2 ** 31, serializeType: 'ROCKETMQ' }],
  ] as const)('UNSAFE_INTEGER for %s', (_name, patch) => {
    expect(codeOf(() => encodeCommand({ ...createRequest(1), ...patch }))).toBe(ProtocolErrorCode.UNSAFE_INTEGER);
  });

  it('BAD_LENGTH for a binary key over 32767 bytes', () => {
    const command = createRequest(1, { ['k'.repeat(32768)]: 'v' }, undefined, { serializeType: 'ROCKETMQ' });
    expect(codeOf(() => encodeCommand(command))).toBe(ProtocolErrorCode.BAD_LENGTH);
    expect(codeOf(() => encodeCommand({ ...command, extFields: { ['k'.repeat(32767)]: 'v' } }))).toBe('no error');
  });

  it('FRAME_TOO_LARGE above maxFrameSize, which the peer would drop', () => {
    const command = createRequest(1, {}, Buffer.alloc(1000));
    const size = encodeCommand(command).length - 4;
    expect(codeOf(() => encodeCommand(command, { maxFrameSize: size - 1 }))).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
    expect(encodeCommand(command, { maxFrameSize: size }).length).toBe(size + 4);
    expect(codeOf(() => encodeCommand(createRequest(1, {}, Buffer.alloc(DEFAULT_MAX_FRAME_SIZE))))).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
  });

  it('FRAME_TOO_LARGE for a header that does not fit the 24-bit header length', () => {
    const command = { ...createRequest(1), remark: 'r'.repeat(0x1000000) };
    expect(codeOf(() => encodeCommand(command, { maxFrameSize: 0x7fffffff }))).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
  });

  it('rejects an invalid maxFrameSize option', () => {
    expect(() => encodeCommand(createRequest(1), { maxFrameSize: 3 })).toThrow(RangeError);
    expect(() => decodeCommandFrame(withoutPrefix(BINARY_REQUEST), { maxFrameSize: 1.5 })).toThrow(RangeError);
  });
});

describe('encodeCommandInto', () => {
  it('writes the same frame as encodeCommand at any offset and returns the offset after it', () => {
    fc.assert(
      fc.property(anyCommandArb, fc.nat({ max: 64 }), (command, offset) => {
        const expected = encodeCommand(command);
        const target = Buffer.alloc(offset + expected.length + 8192, 0xee);
        const end = encodeCommandInto(command, target, offset);
        expect(end).toBe(offset + expected.length);
        expect(target.subarray(offset, end)).toEqual(expected);
        expect(target.subarray(0, offset).every((byte) => byte === 0xee)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('asks for room (minus an upper bound of the frame) and writes nothing when the target is short', () => {
    for (const command of [
      createRequest(310, { topic: 'T', properties: '\u0001x\u0002' }, Buffer.alloc(100, 1)),
      createRequest(310, { topic: 'T' }, Buffer.alloc(100, 1), { serializeType: 'ROCKETMQ' }),
      { ...createRequest(310), extFields: { n: 1 } as unknown as Record<string, string> }, // off the fast path
    ]) {
      const size = encodeCommand(command).length;
      const target = Buffer.alloc(size - 1 + 10, 0xee);
      const needed = -encodeCommandInto(command, target, 10);
      expect(needed).toBeGreaterThanOrEqual(size);
      expect(target.every((byte) => byte === 0xee)).toBe(true);
      const roomy = Buffer.alloc(10 + needed);
      expect(encodeCommandInto(command, roomy, 10)).toBe(10 + size);
    }
  });

  it('refuses a body over maxFrameSize before asking for room for it', () => {
    const command = createRequest(1, {}, Buffer.alloc(2000));
    expect(codeOf(() => encodeCommandInto(command, Buffer.alloc(0), 0, { maxFrameSize: 1000 }))).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
  });

  it('measures a header too large for the in-place bound instead of asking for six times its size', () => {
    const command = { ...createRequest(1), remark: 'r'.repeat(200_000) };
    const needed = -encodeCommandInto(command, Buffer.alloc(0), 0);
    expect(needed).toBe(encodeCommand(command).length);
  });
});

describe('encodeCommandHeadInto', () => {
  it('writes the frame up to its body: head + body is the whole frame', () => {
    fc.assert(
      fc.property(anyCommandArb, fc.nat({ max: 64 }), (command, offset) => {
        const expected = encodeCommand(command);
        const bodyLength = command.body?.length ?? 0;
        const target = Buffer.alloc(offset + expected.length + 8192, 0xee);
        const end = encodeCommandHeadInto(command, target, offset);
        expect(end).toBe(offset + expected.length - bodyLength);
        const head = target.subarray(offset, end);
        expect(Buffer.concat([head, command.body ?? Buffer.alloc(0)])).toEqual(expected);
        expect(target.subarray(end).every((byte) => byte === 0xee)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('asks for room for the head only', () => {
    const command = createResponse(createRequest(11), 0, undefined, { nextBeginOffset: '32' }, Buffer.alloc(100_000, 1));
    const headSize = encodeCommand(command).length - 100_000;
    const needed = -encodeCommandHeadInto(command, Buffer.alloc(10), 10);
    expect(needed).toBeGreaterThanOrEqual(headSize);
    expect(needed).toBeLessThan(100_000);
    expect(encodeCommandHeadInto(command, Buffer.alloc(10 + needed), 10)).toBe(10 + headSize);
  });

  it('still refuses a body over maxFrameSize', () => {
    const command = createRequest(1, {}, Buffer.alloc(2000));
    expect(codeOf(() => encodeCommandHeadInto(command, Buffer.alloc(4096), 0, { maxFrameSize: 1000 }))).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
  });
});

describe('decodeCommandFrame errors', () => {
  it.each([0, 1, 2, 3])('BAD_FRAME for a %i-byte frame (no room for the header word)', (length) => {
    expect(codeOf(() => decodeCommandFrame(Buffer.alloc(length)))).toBe(ProtocolErrorCode.BAD_FRAME);
  });

  it('BAD_FRAME when the header length is larger than the frame', () => {
    const frame = withoutPrefix(rawFrame(0, '{"code":1,"opaque":1}'));
    frame.writeUInt32BE(frame.length - 4 + 1, 0);
    expect(codeOf(() => decodeCommandFrame(frame))).toBe(ProtocolErrorCode.BAD_FRAME);
    expect(codeOf(() => decodeCommandFrame(Buffer.from('00ffffff', 'hex')))).toBe(ProtocolErrorCode.BAD_FRAME);
  });

  it.each([2, 3, 0x7f, 0x80, 0xff])('BAD_FRAME for serialize type %i', (type) => {
    expect(codeOf(() => decodeCommandFrame(withoutPrefix(rawFrame(type, '{"code":1,"opaque":1}'))))).toBe(ProtocolErrorCode.BAD_FRAME);
  });

  it('FRAME_TOO_LARGE above maxFrameSize', () => {
    const frame = withoutPrefix(ALI_ONS_REQUEST);
    expect(codeOf(() => decodeCommandFrame(frame, { maxFrameSize: frame.length - 1 }))).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
    expect(codeOf(() => decodeCommandFrame(frame, { maxFrameSize: frame.length }))).toBe('no error');
  });

  it.each([
    ['invalid JSON', '{"code":1,'],
    ['an empty header', ''],
    ['JSON5, not JSON', "{code:1,opaque:1}"],
    ['an array', '[1,2]'],
    ['a string', '"code"'],
    ['a number', '42'],
    ['null', 'null'],
    ['code missing', '{"opaque":1}'],
    ['opaque missing', '{"code":1}'],
    ['code as a string', '{"code":"1","opaque":1}'],
    ['code not an integer', '{"code":1.5,"opaque":1}'],
    ['opaque above int32', '{"code":1,"opaque":2147483648}'],
    ['flag as a boolean', '{"code":1,"opaque":1,"flag":true}'],
    ['version as an object', '{"code":1,"opaque":1,"version":{}}'],
    ['language as a boolean', '{"code":1,"opaque":1,"language":true}'],
    ['extFields as an array', '{"code":1,"opaque":1,"extFields":["a"]}'],
    ['extFields as a string', '{"code":1,"opaque":1,"extFields":"a=b"}'],
  ])('BAD_HEADER for a JSON header that is %s', (_name, header) => {
    expect(codeOf(() => decodeCommandFrame(withoutPrefix(rawFrame(0, header))))).toBe(ProtocolErrorCode.BAD_HEADER);
  });

  it('BAD_HEADER keeps the JSON.parse error as its cause', () => {
    try {
      decodeCommandFrame(withoutPrefix(rawFrame(0, '{')));
      throw new Error('expected a throw');
    } catch (error) {
      expect((error as ProtocolError).cause).toBeInstanceOf(SyntaxError);
    }
  });

  /** Binary header bytes from hex pieces, framed by hand. */
  const binary = (...hex: string[]): Buffer => withoutPrefix(rawFrame(1, Buffer.from(hex.join(''), 'hex')));
  const FIXED = '0069' + '00' + '0199' + '00000007' + '00000000'; // code, language, version, opaque, flag

  it('accepts a minimal binary header (fixed fields, no remark, no extFields)', () => {
    expect(decodeCommandFrame(binary(FIXED, '00000000', '00000000'))).toMatchObject({ code: 105, extFields: {} });
  });

  it.each([
    ['shorter than the fixed fields', [FIXED.slice(0, 20)]],
    ['cut inside remarkLength', [FIXED, '0000']],
    ['remarkLength beyond the header', [FIXED, '00000005', '6162', '00000000']],
    ['remarkLength negative', [FIXED, 'ffffffff', '00000000']],
    ['remarkLength leaving no room for extFieldsLength', [FIXED, '00000002', '6162']],
    ['cut inside extFieldsLength', [FIXED, '00000000', '0000']],
    ['extFieldsLength beyond the header', [FIXED, '00000000', '00000010', '0001']],
    ['extFieldsLength negative', [FIXED, '00000000', '80000000']],
    ['cut inside a keyLength', [FIXED, '00000000', '00000001', '00']],
    ['keyLength beyond extFields', [FIXED, '00000000', '00000004', '0009', '6162']],
    ['keyLength negative', [FIXED, '00000000', '00000004', 'ffff', '6162']],
    ['cut inside a valueLength', [FIXED, '00000000', '00000005', '0001', '61', '0000']],
    ['valueLength beyond extFields', [FIXED, '00000000', '00000008', '0001', '61', '00000009', '62']],
    ['valueLength negative', [FIXED, '00000000', '00000008', '0001', '61', 'fffffffe', '62']],
    ['bytes after extFields', [FIXED, '00000000', '00000000', '00']],
    ['a valueLength running past extFields into the next bytes', [FIXED, '00000000', '00000007', '0001', '61', '00000001', '62', '63']],
  ])('BAD_HEADER for a binary header %s', (_name, pieces) => {
    expect(codeOf(() => decodeCommandFrame(binary(...pieces)))).toBe(ProtocolErrorCode.BAD_HEADER);
  });

  it('throws only ProtocolError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(0, 1, undefined), (bytes, type) => {
        const frame = Buffer.from(bytes);
        if (type !== undefined && frame.length >= 4) frame[0] = type;
        try {
          decodeCommandFrame(frame);
        } catch (error) {
          expect(ProtocolError.is(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
