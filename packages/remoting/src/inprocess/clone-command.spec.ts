import { createRequest } from '@pulsejet/protocol';
import { cloneCommand } from './clone-command';

describe('cloneCommand', () => {
  it('copies the body and extFields so neither side sees the other mutate them', () => {
    const original = createRequest(10, { topic: 'T' }, Buffer.from('abc'));
    const copy = cloneCommand(original);
    copy.body!.fill(0);
    copy.extFields.topic = 'X';
    expect(original.body!.toString()).toBe('abc');
    expect(original.extFields.topic).toBe('T');
    expect(copy).not.toBe(original);
  });

  it('turns non-string extFields into strings and drops null ones, as a JSON header would', () => {
    const original = createRequest(10, { n: 4 as unknown as string, b: false as unknown as string, gone: null as unknown as string });
    expect(cloneCommand(original).extFields).toEqual({ n: '4', b: 'false' });
  });
});
