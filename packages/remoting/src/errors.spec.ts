import { ProtocolError, PulsejetError } from '@pulsejet/protocol';
import { RemotingError, RemotingErrorCode } from './errors';

describe('RemotingError', () => {
  it('is a PulsejetError with a stable code and a retriable default per code', () => {
    const error = new RemotingError('TIMEOUT', 'no answer');
    expect(error).toBeInstanceOf(PulsejetError);
    expect(error).toMatchObject({ code: 'TIMEOUT', retriable: true, name: 'RemotingError' });
    expect(PulsejetError.is(error)).toBe(true);
    expect(RemotingError.is(error)).toBe(true);
  });

  it('lets a caller override retriable (a closed client) and keeps the cause', () => {
    const cause = new Error('socket');
    expect(new RemotingError('CHANNEL_CLOSED', 'closed', { retriable: false, cause })).toMatchObject({ retriable: false, cause });
  });

  it('is() rejects other Pulsejet errors', () => {
    expect(RemotingError.is(new ProtocolError('BAD_FRAME', 'x'))).toBe(false);
    expect(RemotingError.is(new PulsejetError('TIMEOUT', 'x'))).toBe(false);
    expect(RemotingError.is(undefined)).toBe(false);
  });

  it('has code values equal to their names', () => {
    for (const [name, value] of Object.entries(RemotingErrorCode)) expect(value).toBe(name);
    expect(Object.keys(RemotingErrorCode).sort()).toEqual(['CHANNEL_CLOSED', 'CONNECT_FAILED', 'TIMEOUT', 'TOO_MANY_IN_FLIGHT', 'WRITE_TIMEOUT']);
  });
});
