// The transports import the frame codec through the package barrel: these names must stay exported.
import * as protocol from '../index';

describe('@pulsejet/protocol barrel: remoting frame codec', () => {
  it.each([
    'DEFAULT_MAX_FRAME_SIZE', 'encodeCommand', 'encodeCommandInto', 'encodeCommandHeadInto', 'FrameSlab', 'decodeCommandFrame', 'FrameDecoder', 'resolveFrameCodecOptions',
    'LanguageCode', 'languageName', 'languageCodeOf',
  ])('exports %s', (name) => {
    expect(protocol).toHaveProperty(name);
  });

  it('pins the Java frame limit', () => {
    expect(protocol.DEFAULT_MAX_FRAME_SIZE).toBe(16777216);
  });
});
