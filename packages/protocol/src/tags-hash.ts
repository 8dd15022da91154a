// The consume queue stores a tag's hash code so the broker can filter without reading the commit
// log (reference §6.4). Java producers and brokers compute it with String.hashCode, so we must
// produce the same int32 for the same tag (Java `MessageExtBrokerInner.tagsString2tagsCode`).

/** Java `String.hashCode`: over UTF-16 code units (as JS strings are), with int32 overflow. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  }
  return h;
}

/** The tagsCode for a message's TAGS property; 0 when the message has no tag, as in Java. */
export function tagsHashCode(tags: string | undefined): number {
  if (tags === undefined || tags === '') return 0;
  return javaStringHashCode(tags);
}
