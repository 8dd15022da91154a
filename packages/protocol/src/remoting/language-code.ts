// Java `LanguageCode` (remoting/.../protocol/LanguageCode.java): the JSON header carries the name,
// the binary ROCKETMQ header the byte. NODE_JS (13) exists since RocketMQ 5; 4.9.8 stops at RUST.
export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  RUST: 12,
  NODE_JS: 13,
} as const;
export type LanguageCodeName = keyof typeof LanguageCode;

const NAMES_BY_CODE: readonly string[] = Object.keys(LanguageCode);

/**
 * The name for a LanguageCode number. Unknown codes become 'OTHER': Java would decode them as null,
 * and the language is informational only (reference §1.2, "accept anything").
 */
export function languageName(code: number): string {
  return NAMES_BY_CODE[code] ?? 'OTHER';
}

/** The byte for a language name; a name Java doesn't know is sent as OTHER (7). */
export function languageCodeOf(name: string): number {
  return Object.prototype.hasOwnProperty.call(LanguageCode, name) ? LanguageCode[name as LanguageCodeName] : LanguageCode.OTHER;
}
