// Message lookup (Java QueryMessageProcessor): 12 QUERY_MESSAGE (by key through the key index) and
// 33 VIEW_MESSAGE_BY_ID (by commit-log offset, what an offset msgId encodes). Bodies are raw stored
// records back to back, which the client decodes with MessageDecoder.decodes.
import { RequestCode, ResponseCode, createResponse, type StoredMessage } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { HeaderError, HeaderReader } from '../remoting/header-fields';

/** Java MessageStoreConfig.maxMsgsNumBatch: the most messages one QUERY_MESSAGE returns. */
export const QUERY_MESSAGE_MAX_NUM = 64;
/** Java MessageStoreConfig.defaultQueryMaxNum: used for unique-key queries. */
export const QUERY_MESSAGE_DEFAULT_MAX_NUM = 32;
/** Java MixAll.UNIQUE_MSG_QUERY_FLAG. */
export const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';

export function registerQueryProcessors(server: RemotingServer, ctx: BrokerContext): void {
  const { store } = ctx;

  server.registerProcessor(RequestCode.QUERY_MESSAGE, async (request) => {
    let topic: string;
    let key: string;
    let maxNum: number;
    let begin: number;
    let end: number;
    try {
      const h = new HeaderReader(request.extFields);
      topic = h.string('topic');
      key = h.string('key');
      maxNum = h.int('maxNum');
      begin = h.int('beginTimestamp');
      end = h.int('endTimestamp');
    } catch (error) {
      if (error instanceof HeaderError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad QUERY_MESSAGE header: ${error.message}`);
      throw error;
    }
    if (topic === '' || key === '') return createResponse(request, ResponseCode.SYSTEM_ERROR, 'bad QUERY_MESSAGE header: topic and key must not be empty');
    let matches: StoredMessage[];
    if (request.extFields[UNIQUE_MSG_QUERY_FLAG] === 'true') {
      const found = await store.queryMessageByUniqKey(topic, key);
      matches = found ? [found] : [];
    } else {
      const limit = Math.min(Math.max(maxNum, 0), QUERY_MESSAGE_MAX_NUM);
      matches = limit === 0 ? [] : await store.queryMessageByKey(topic, key, limit, begin, end);
    }
    const records: Buffer[] = [];
    let lastTimestamp = 0;
    let lastPhyOffset = 0;
    for (const message of matches) {
      const record = store.readRecord(message.physicalOffset);
      if (!record) continue;
      records.push(record);
      lastTimestamp = Math.max(lastTimestamp, message.storeTimestamp);
      lastPhyOffset = Math.max(lastPhyOffset, message.physicalOffset);
    }
    // Java reports the key index's progress; Pulsejet reports the newest match (a lower bound of it).
    const ext = { indexLastUpdateTimestamp: String(lastTimestamp), indexLastUpdatePhyoffset: String(lastPhyOffset) };
    if (records.length === 0) return createResponse(request, ResponseCode.QUERY_NOT_FOUND, 'can not find message, maybe time range not correct', ext);
    return createResponse(request, ResponseCode.SUCCESS, undefined, ext, Buffer.concat(records));
  });

  server.registerProcessor(RequestCode.VIEW_MESSAGE_BY_ID, (request) => {
    let offset: number;
    try {
      offset = new HeaderReader(request.extFields).int('offset');
    } catch (error) {
      if (error instanceof HeaderError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad VIEW_MESSAGE_BY_ID header: ${error.message}`);
      throw error;
    }
    // Decoding checks the offset starts a whole record, not the middle of one.
    const record = offset >= 0 && store.lookMessageByOffset(offset) !== undefined ? store.readRecord(offset) : undefined;
    if (!record) return createResponse(request, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`);
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, record);
  });
}
