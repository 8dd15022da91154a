// HeartbeatData, the JSON body of HEART_BEAT (34), reference §5.2. The wire codec (Java field names,
// tolerant parsing) lives in @pulsejet/protocol, shared with @pulsejet/client; this file maps the
// parsed body to the broker's own shape (clientId, consumers, producerGroups).
import { parseHeartbeatData as parseWireHeartbeat, type MessageModel } from '@pulsejet/protocol';

export type { MessageModel };

export interface SubscriptionEntry {
  topic: string;
  subString: string;
  subVersion: number;
  expressionType: string;
}

export interface ConsumerData {
  groupName: string;
  consumeType: string;
  messageModel: MessageModel;
  consumeFromWhere: string;
  subscriptions: SubscriptionEntry[];
  unitMode: boolean;
}

export interface HeartbeatData {
  clientId: string;
  consumers: ConsumerData[];
  producerGroups: string[];
}

export type HeartbeatParseResult = { ok: true; heartbeat: HeartbeatData } | { ok: false; reason: string };

export function parseHeartbeatData(body: Buffer | undefined): HeartbeatParseResult {
  const result = parseWireHeartbeat(body);
  if (!result.ok) return result;
  const { clientID, consumerDataSet, producerDataSet } = result.heartbeat;
  return {
    ok: true,
    heartbeat: {
      clientId: clientID,
      consumers: consumerDataSet.map((c) => ({
        groupName: c.groupName,
        consumeType: c.consumeType,
        messageModel: c.messageModel,
        consumeFromWhere: c.consumeFromWhere,
        subscriptions: c.subscriptionDataSet.map((s) => ({ topic: s.topic, subString: s.subString, subVersion: s.subVersion, expressionType: s.expressionType })),
        unitMode: c.unitMode,
      })),
      producerGroups: producerDataSet.map((p) => p.groupName),
    },
  };
}
