// What crosses an in-process "wire": a fresh command object with its own extFields and body, as a
// TCP decode would produce. Copying is the cheapest safe choice: a Buffer can't be frozen, and
// freezing the sender's objects would break senders that reuse or fill them in later. The cost is
// one object, one small map and one memcpy of the body, far below encoding a frame.
import type { RemotingCommand } from '@pulsejet/protocol';

export function cloneCommand(command: RemotingCommand): RemotingCommand {
  const extFields: Record<string, string> = {};
  for (const key in command.extFields) {
    const value: unknown = command.extFields[key];
    // Like the JSON header: values arrive as strings, null/undefined fields are left out.
    if (value !== undefined && value !== null) extFields[key] = typeof value === 'string' ? value : String(value);
  }
  // Named fields, not a spread: a prepared or lazily decoded command is a class instance whose own
  // properties include its private state, which a spread would carry across.
  const copy: RemotingCommand = { code: command.code, language: command.language, version: command.version, opaque: command.opaque, flag: command.flag, extFields, serializeType: command.serializeType };
  if (command.remark !== undefined) copy.remark = command.remark;
  if (command.body !== undefined) copy.body = Buffer.from(command.body);
  return copy;
}
