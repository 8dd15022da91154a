// Which header encoding a request to a broker goes out in (ClientInstanceOptions.serializeType).
import * as protocol from '@pulsejet/protocol';
import type { RemotingCommand, SerializeType } from '@pulsejet/protocol';

// Bound once at load: under CommonJS every use of an imported name is a getter call.
const { preparedFieldsOf } = protocol;

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
  // Prepared fields answer without being turned into an object, which would undo their preparation.
  const prepared = preparedFieldsOf(command);
  if (prepared !== undefined) {
    command.serializeType = prepared.hasEmptyValue() ? 'JSON' : 'ROCKETMQ';
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
