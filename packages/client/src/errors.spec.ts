import { PulsejetError } from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from './errors';

describe('ClientError', () => {
  it('is a PulsejetError with a stable code and the response code', () => {
    const error = new ClientError(ClientErrorCode.BROKER_ERROR, 'topic not exist', { responseCode: 17 });
    expect(PulsejetError.is(error)).toBe(true);
    expect(ClientError.is(error)).toBe(true);
    expect(error.code).toBe('BROKER_ERROR');
    expect(error.responseCode).toBe(17);
    expect(error.retriable).toBe(false);
  });

  it('takes retriable from the code unless told otherwise', () => {
    expect(new ClientError(ClientErrorCode.TIMEOUT, 'slow').retriable).toBe(true);
    expect(new ClientError(ClientErrorCode.BROKER_ERROR, 'busy', { responseCode: 2, retriable: true }).retriable).toBe(true);
    expect(ClientError.is(new Error('plain'))).toBe(false);
  });
});
