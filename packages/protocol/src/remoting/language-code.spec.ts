import { LanguageCode, languageCodeOf, languageName } from './language-code';

describe('LanguageCode', () => {
  it('pins the Java byte values', () => {
    expect(LanguageCode).toEqual({
      JAVA: 0, CPP: 1, DOTNET: 2, PYTHON: 3, DELPHI: 4, ERLANG: 5, RUBY: 6, OTHER: 7, HTTP: 8, GO: 9, PHP: 10, OMS: 11, RUST: 12,
      NODE_JS: 13,
    });
  });

  it('maps names and codes both ways, unknowns to OTHER', () => {
    for (const [name, code] of Object.entries(LanguageCode)) {
      expect(languageName(code)).toBe(name);
      expect(languageCodeOf(name)).toBe(code);
    }
    expect(languageName(14)).toBe('OTHER');
    expect(languageName(-1)).toBe('OTHER');
    expect(languageName(255)).toBe('OTHER');
    expect(languageCodeOf('COBOL')).toBe(7);
    expect(languageCodeOf('toString')).toBe(7);
  });
});
