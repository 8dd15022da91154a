import { ProtocolError, ProtocolErrorCode, PulsejetError } from './errors';

describe('PulsejetError', () => {
  it('carries code, retriable and cause', () => {
    const cause = new Error('socket closed');
    const error = new PulsejetError('SYSTEM_BUSY', 'broker busy; retry later', { retriable: true, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'SYSTEM_BUSY', retriable: true, cause, name: 'PulsejetError' });
    expect(new PulsejetError('X', 'x').retriable).toBe(false);
    expect(new PulsejetError('X', 'x').cause).toBeUndefined();
  });

  it('is() checks the Symbol.for brand, so it works across duplicate installs', () => {
    const foreign = Object.assign(new Error('from another copy'), { [Symbol.for('pulsejet.error')]: true, code: 'X' });
    expect(PulsejetError.is(foreign)).toBe(true);
    expect(PulsejetError.is(new PulsejetError('X', 'x'))).toBe(true);
    expect(PulsejetError.is(new Error('plain'))).toBe(false);
    expect(PulsejetError.is({ code: 'X' })).toBe(false);
    expect(PulsejetError.is(null)).toBe(false);
    expect(PulsejetError.is('PulsejetError')).toBe(false);
  });
});

describe('ProtocolError', () => {
  it('is a non-retriable PulsejetError with a protocol code', () => {
    const error = new ProtocolError(ProtocolErrorCode.BAD_MAGIC, 'bad magic');
    expect(error).toBeInstanceOf(PulsejetError);
    expect(error).toMatchObject({ code: 'BAD_MAGIC', retriable: false, name: 'ProtocolError' });
    expect(PulsejetError.is(error)).toBe(true);
    expect(ProtocolError.is(error)).toBe(true);
  });

  it('ProtocolError.is() rejects other PulsejetErrors', () => {
    expect(ProtocolError.is(new PulsejetError('BAD_MAGIC', 'x'))).toBe(false);
  });

  it('keeps its cause', () => {
    const cause = new RangeError('x');
    expect(new ProtocolError(ProtocolErrorCode.BAD_LENGTH, 'x', { cause }).cause).toBe(cause);
  });

  it('has stable code values equal to their names', () => {
    for (const [name, value] of Object.entries(ProtocolErrorCode)) expect(value).toBe(name);
    expect(Object.keys(ProtocolErrorCode).sort()).toEqual(
      [
        'BAD_FRAME', 'BAD_HEADER', 'BAD_HOST', 'BAD_LENGTH', 'BAD_MAGIC', 'BAD_MESSAGE_ID', 'BAD_PROPERTIES',
        'FRAME_TOO_LARGE', 'INVALID_EXPRESSION', 'INVALID_TOPIC', 'TRUNCATED_RECORD', 'UNSAFE_INTEGER',
      ],
    );
  });
});
