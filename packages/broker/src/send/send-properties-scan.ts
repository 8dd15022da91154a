// What a single send's processor reads of its properties text when it stores them as they came,
// as Java's broker stores a batch entry's bytes: TAGS (the tag code), KEYS and UNIQ_KEY (the key
// index), WAIT (whether to wait for the flush, and where to cut it out: Java keeps it out of a single
// message's stored properties). One pass of string builtins over the text, where decoding it into an
// object of every property, encoding that again, measuring it and writing it as UTF-8 took ~13% of
// the broker's main thread under 1 KiB single sends.
//
// Messages the broker must rewrite (a half message, a delayed or timed one) are left to the decoded
// path: the scan answers undefined when a TRAN_MSG property is there (valid or not), or when WAIT
// comes twice; its caller first asks mayBeScheduled (../schedule) about delay and timer properties.
import * as protocol from '@pulsejet/protocol';

// Bound once at load (see send-message-processor.ts): these run per message.
const { MessageConst, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } = protocol;
const { KEYS, TAGS, TRANSACTION_PREPARED, UNIQ_KEY, WAIT_STORE_MSG_OK } = MessageConst;

export interface SendPropertiesScan {
  /** The values decodeProperties gives: a later duplicate wins, a pair without a name or a value is not there. */
  tags: string | undefined;
  keys: string | undefined;
  uniqKey: string | undefined;
  wait: string | undefined;
  /** The WAIT pair with one of its separators, text[cutStart, cutEnd), so the rest stays well formed; -1 when absent. */
  cutStart: number;
  cutEnd: number;
}

/**
 * The scan of `text` (the properties of a single send, for which mayBeScheduled said no), or
 * undefined for the decoded path (see the file comment).
 */
export function scanSendProperties(text: string): SendPropertiesScan | undefined {
  const scan: SendPropertiesScan = { tags: undefined, keys: undefined, uniqKey: undefined, wait: undefined, cutStart: -1, cutEnd: -1 };
  const length = text.length;
  let index = 0;
  while (index < length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    const separator = text.indexOf(NAME_VALUE_SEPARATOR, index);
    // As decodeProperties (Java string2messageProperties): a non-empty name and a non-empty value.
    if (separator > index && separator < end - 1) {
      const nameLength = separator - index;
      if (nameLength === 4) {
        if (text.startsWith(TAGS, index)) scan.tags = text.slice(separator + 1, end);
        else if (text.startsWith(KEYS, index)) scan.keys = text.slice(separator + 1, end);
        else if (text.startsWith(WAIT_STORE_MSG_OK, index)) {
          if (scan.wait !== undefined) return undefined;
          scan.wait = text.slice(separator + 1, end);
          // With the separator after it, or else the one before it (the last pair).
          scan.cutStart = end < length || index === 0 ? index : index - 1;
          scan.cutEnd = end < length ? end + 1 : end;
        }
      } else if (nameLength === UNIQ_KEY.length && text.startsWith(UNIQ_KEY, index)) {
        scan.uniqKey = text.slice(separator + 1, end);
      } else if (nameLength === TRANSACTION_PREPARED.length && text.startsWith(TRANSACTION_PREPARED, index)) {
        return undefined;
      }
    }
    index = end + 1;
  }
  return scan;
}
