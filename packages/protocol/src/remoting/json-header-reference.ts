// The reference JSON header decoder: JSON.parse, whose behaviour on every input defines the
// contract. The byte scanner (./json-header-scan) handles the common headers itself and hands
// everything else to this; json-header-scan.spec.ts checks that the two agree on random, mutated
// and malformed headers.
import type { RemotingCommand } from './remoting-command';
import { badHeader, describe, extFieldsScalarValue, int32Value, languageValue, remarkValue, toJavaString } from './json-header-values';

/** Decodes the JSON header in `frame[start, end)`. The result has no body; the frame codec adds it. */
export function decodeJsonHeaderReference(frame: Buffer, start: number, end: number): RemotingCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame.toString('utf8', start, end));
  } catch (error) {
    throw badHeader(`the JSON header (${end - start} bytes) is not valid JSON`, error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badHeader(`the JSON header must be an object, got ${describe(parsed)}`);
  }
  const header = parsed as Record<string, unknown>;
  const command: RemotingCommand = {
    code: int32Value('code', header.code, undefined),
    language: languageValue(header.language),
    // Java's field defaults (RemotingCommand: version = 0, flag = 0) when a peer leaves them out.
    version: int32Value('version', header.version, 0),
    opaque: int32Value('opaque', header.opaque, undefined),
    flag: int32Value('flag', header.flag, 0),
    extFields: extFieldsValue(header.extFields),
    serializeType: 'JSON',
  };
  const remark = remarkValue(header.remark);
  if (remark !== undefined) command.remark = remark;
  return command;
}

function extFieldsValue(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return extFieldsScalarValue(value);
  // Normalised in place: the object is ours (fresh from JSON.parse), and from Java clients every
  // value is already a string, so the common case allocates nothing. Assigning to an own
  // "__proto__" key (JSON.parse makes it an own property) sets the property, not the prototype.
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const field = fields[key];
    if (typeof field === 'string') continue;
    if (field === null) delete fields[key]; // ali-ons leaves these out; Java treats null as absent
    else fields[key] = toJavaString(field);
  }
  return fields as Record<string, string>;
}
