// Which header encoding a request to a broker goes out in (ClientInstanceOptions.serializeType).
import type { RemotingCommand, SerializeType } from '@pulsejet/protocol';

/**
 * Sets `command.serializeType` to `preferred`, except that a request with an empty extFields value
 * stays JSON: Java's RocketMQSerializable reads a zero-length binary string as null, and a broker
 * then refuses a required field ("the custom field <x> is null") that JSON would carry as "".
 */
export function applySerializeType(command: RemotingCommand, preferred: SerializeType): void {
  if (preferred === 'JSON') {
    command.serializeType = 'JSON';
    return;
  }
  const fields = command.extFields;
  for (const key in fields) {
    if (fields[key] === '') {
      command.serializeType = 'JSON';
      return;
    }
  }
  command.serializeType = 'ROCKETMQ';
}
