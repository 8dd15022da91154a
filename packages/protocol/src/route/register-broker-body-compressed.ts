// The compressed REGISTER_BROKER body, sent when the header says compressed=true (Java broker option
// compressedRegister; Java RegisterBrokerBody.encode(true) / decode(data, true)).
//
// A zlib (deflate) stream of big-endian int32 length-prefixed parts:
//   int32 n, DataVersion JSON (n bytes)
//   int32 topicCount, then per topic: int32 n, TopicConfig.encode() text (n bytes)
//   int32 n, filterServerList JSON array (n bytes)
//   5.x only: int32 mappingCount, then per mapping: int32 n, TopicQueueMappingInfo JSON (skipped here)
// TopicConfig.encode() is "topicName readQueueNums writeQueueNums perm topicFilterType", separated by
// single spaces (5.x may append " <attributes JSON>"). topicSysFlag and order are not in this form:
// a compressed registration carries Java's defaults for them (0, false), exactly as Java decodes it.
import { deflateSync, inflateSync } from 'node:zlib';
import { BodyError } from './body-error';
import { emptyRecord } from './json-read';
import { dataVersionToJson, readDataVersion, type RegisterBrokerBody } from './register-broker-body';
import type { TopicConfigData } from './topic-config-data';

/**
 * Inflated size refused beyond this: a registration is topic names and a few numbers each, so 64 MiB
 * is hundreds of thousands of topics. It bounds what a hostile or broken peer can make us allocate.
 */
export const MAX_INFLATED_REGISTER_BODY_BYTES = 64 * 1024 * 1024;

const SEPARATOR = ' ';

export function encodeRegisterBrokerBodyCompressed(body: RegisterBrokerBody): Buffer {
  const parts: Buffer[] = [];
  const part = (text: string): void => {
    const bytes = Buffer.from(text, 'utf8');
    parts.push(int32(bytes.length), bytes);
  };
  const wrapper = body.topicConfigSerializeWrapper;
  part(JSON.stringify(dataVersionToJson(wrapper.dataVersion)));
  const configs = Object.values(wrapper.topicConfigTable);
  parts.push(int32(configs.length));
  for (const config of configs) part(encodeTopicConfigLine(config));
  part(JSON.stringify(body.filterServerList));
  parts.push(int32(0)); // no topic queue mappings (5.x field; 4.x readers stop before it)
  return deflateSync(Buffer.concat(parts));
}

export function decodeRegisterBrokerBodyCompressed(data: Uint8Array | undefined): RegisterBrokerBody {
  const what = 'compressed RegisterBrokerBody';
  if (data === undefined || data.length === 0) throw new BodyError(`${what} is missing; send a zlib stream or set compressed=false`);
  let raw: Buffer;
  try {
    raw = inflateSync(data, { maxOutputLength: MAX_INFLATED_REGISTER_BODY_BYTES });
  } catch (error) {
    throw new BodyError(`${what} is not a zlib stream within ${MAX_INFLATED_REGISTER_BODY_BYTES} bytes: ${(error as Error).message}`, { cause: error });
  }
  const reader = new PartReader(raw, what);
  const dataVersion = readDataVersion(reader.json('dataVersion'), `${what}.dataVersion`);
  const topicCount = reader.int32('topic count');
  const topicConfigTable = emptyRecord<TopicConfigData>();
  for (let index = 0; index < topicCount; index++) {
    const config = decodeTopicConfigLine(reader.text(`topic config ${index}`), `${what} topic config ${index}`);
    topicConfigTable[config.topicName] = config;
  }
  const filterServerList = reader.json('filterServerList');
  if (!Array.isArray(filterServerList) || !filterServerList.every((entry) => typeof entry === 'string')) {
    throw new BodyError(`${what}.filterServerList must be a JSON array of strings`);
  }
  // Whatever follows (5.x topic queue mappings) is not used by a 4.x nameserver.
  return { topicConfigSerializeWrapper: { dataVersion, topicConfigTable }, filterServerList };
}

function encodeTopicConfigLine(config: TopicConfigData): string {
  if (config.topicName.includes(SEPARATOR)) throw new BodyError(`topic ${JSON.stringify(config.topicName)} has a space; it can't be sent in a compressed registration`);
  const line = [config.topicName, config.readQueueNums, config.writeQueueNums, config.perm, config.topicFilterType].join(SEPARATOR);
  const attributes = config.attributes !== undefined && Object.keys(config.attributes).length > 0 ? JSON.stringify(config.attributes) : undefined;
  return attributes === undefined ? line : `${line}${SEPARATOR}${attributes}`;
}

function decodeTopicConfigLine(line: string, path: string): TopicConfigData {
  const fields = line.split(SEPARATOR);
  if (fields.length < 5) throw new BodyError(`${path} is ${JSON.stringify(line)}; expected "topic readQueueNums writeQueueNums perm topicFilterType"`);
  const [topicName, read, write, perm, filter] = fields as [string, string, string, string, string];
  const number = (text: string, name: string): number => {
    if (!/^-?\d{1,10}$/.test(text)) throw new BodyError(`${path}: ${name} is ${JSON.stringify(text)}; expected an integer`);
    return Number(text);
  };
  if (filter !== 'SINGLE_TAG' && filter !== 'MULTI_TAG') throw new BodyError(`${path}: topicFilterType is ${JSON.stringify(filter)}; expected SINGLE_TAG or MULTI_TAG`);
  const config: TopicConfigData = {
    topicName,
    readQueueNums: number(read, 'readQueueNums'),
    writeQueueNums: number(write, 'writeQueueNums'),
    perm: number(perm, 'perm'),
    topicFilterType: filter,
    topicSysFlag: 0,
    order: false,
  };
  if (fields.length > 5) {
    const attributes = parseJson(fields.slice(5).join(SEPARATOR), `${path} attributes`);
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes) || !Object.values(attributes).every((v) => typeof v === 'string')) {
      throw new BodyError(`${path} attributes must be a JSON object of strings`);
    }
    config.attributes = Object.assign(emptyRecord<string>(), attributes as Record<string, string>);
  }
  return config;
}

function int32(value: number): Buffer {
  const buffer = Buffer.allocUnsafe(4);
  buffer.writeInt32BE(value, 0);
  return buffer;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads the length-prefixed parts; every length is checked against what is left. */
class PartReader {
  private offset = 0;

  constructor(
    private readonly raw: Buffer,
    private readonly what: string,
  ) {}

  int32(name: string): number {
    if (this.offset + 4 > this.raw.length) throw new BodyError(`${this.what} ends before its ${name}`);
    const value = this.raw.readInt32BE(this.offset);
    this.offset += 4;
    if (value < 0) throw new BodyError(`${this.what}: ${name} is ${value}; it can't be negative`);
    return value;
  }

  text(name: string): string {
    const length = this.int32(`${name} length`);
    if (this.offset + length > this.raw.length) throw new BodyError(`${this.what}: ${name} says ${length} bytes but ${this.raw.length - this.offset} are left`);
    const text = this.raw.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return text;
  }

  json(name: string): unknown {
    return parseJson(this.text(name), `${this.what}.${name}`);
  }
}
