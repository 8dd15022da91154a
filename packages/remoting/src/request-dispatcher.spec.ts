import { FrameDecoder, ResponseCode, createPreparedResponse, createRequest, createResponse, encodeCommand } from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import { RequestDispatcher, resolveProcessorOptions } from './request-dispatcher';
import type { DispatchTarget } from './request-dispatcher';
import type { RemotingChannel } from './transport';

function target(): DispatchTarget & { responses: RemotingCommand[] } {
  const responses: RemotingCommand[] = [];
  return { responses, remoteAddress: '127.0.0.1:50000', context: { channel: {} as RemotingChannel }, respond: (response) => responses.push(response) };
}

function request(code: number, opaque: number, options: { oneway?: boolean; serializeType?: 'JSON' | 'ROCKETMQ' } = {}): RemotingCommand {
  const command = createRequest(code, {}, undefined, options);
  command.opaque = opaque;
  return command;
}

describe('RequestDispatcher', () => {
  it('answers synchronously returned responses without waiting a tick', () => {
    const dispatcher = new RequestDispatcher(() => undefined);
    dispatcher.register(10, (req) => createResponse(req, ResponseCode.SUCCESS));
    const to = target();
    dispatcher.dispatch(request(10, 5), to);
    expect(to.responses).toHaveLength(1);
    expect(to.responses[0]).toMatchObject({ opaque: 5, flag: 1, code: 0 });
  });

  it("fixes a hand-built response's opaque, RESPONSE flag and serialize type", () => {
    const dispatcher = new RequestDispatcher(() => undefined);
    dispatcher.register(10, () => ({ code: 0, language: 'JAVA', version: 1, opaque: 0, flag: 0, extFields: {}, serializeType: 'JSON' }));
    const to = target();
    dispatcher.dispatch(request(10, 42, { serializeType: 'ROCKETMQ' }), to);
    expect(to.responses[0]).toMatchObject({ opaque: 42, flag: 1, serializeType: 'ROCKETMQ' });
  });

  it("keeps the fields of a decoded command it answers with (extFields behind an accessor, which a spread leaves out)", () => {
    // A processor relaying a command it received: decoded lazily, as transports decode binary headers.
    const received = createResponse(createRequest(10, {}, undefined, { serializeType: 'ROCKETMQ' }), ResponseCode.SUCCESS, undefined, { msgId: 'M1', queueOffset: '7' });
    received.serializeType = 'ROCKETMQ';
    const [decoded] = new FrameDecoder({ lazyExtFields: true }).push(encodeCommand(received));
    const dispatcher = new RequestDispatcher(() => undefined);
    dispatcher.register(10, () => decoded!);
    const to = target();
    dispatcher.dispatch(request(10, 42, { serializeType: 'ROCKETMQ' }), to);
    expect(to.responses[0]).toMatchObject({ opaque: 42, flag: 1, extFields: { msgId: 'M1', queueOffset: '7' } });
  });

  it('keeps the fields of a prepared response it has to fix (its extFields are an accessor too)', () => {
    const fields = { maxBytes: 0, writeTo: (_out: Buffer, at: number) => at, toRecord: () => ({ msgId: 'M2' }), hasEmptyValue: () => false };
    const dispatcher = new RequestDispatcher(() => undefined);
    // Prepared for a JSON request, answered to a binary one: the dispatcher re-makes it.
    dispatcher.register(10, () => createPreparedResponse(request(10, 0), ResponseCode.SUCCESS, undefined, fields));
    const to = target();
    dispatcher.dispatch(request(10, 42, { serializeType: 'ROCKETMQ' }), to);
    expect(to.responses[0]).toMatchObject({ opaque: 42, flag: 1, serializeType: 'ROCKETMQ', extFields: { msgId: 'M2' } });
  });

  it('never answers a oneway-flagged request, even on errors or when busy', async () => {
    const log: string[] = [];
    const dispatcher = new RequestDispatcher((_, message) => log.push(message));
    dispatcher.register(10, () => {
      throw new Error('boom');
    });
    dispatcher.register(11, () => new Promise(() => undefined), { maxConcurrency: 1, maxQueued: 0 });
    const to = target();
    dispatcher.dispatch(request(10, 1, { oneway: true }), to);
    dispatcher.dispatch(request(11, 2, { oneway: true }), to);
    dispatcher.dispatch(request(11, 3, { oneway: true }), to);
    dispatcher.dispatch(request(12, 4, { oneway: true }), to);
    await Promise.resolve();
    expect(to.responses).toEqual([]);
    expect(log.some((line) => /boom/.test(line))).toBe(true);
  });

  it('resolves processor options with defaults and rejects nonsense', () => {
    expect(resolveProcessorOptions()).toEqual({ maxConcurrency: 64, maxQueued: 1024 });
    expect(() => resolveProcessorOptions({ maxConcurrency: 0 })).toThrow(RangeError);
    expect(() => resolveProcessorOptions({ maxQueued: -1 })).toThrow(RangeError);
  });
});
