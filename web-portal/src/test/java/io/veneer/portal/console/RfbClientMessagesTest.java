package io.veneer.portal.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which of a browser's RFB messages are input, however the stream is cut into pieces. */
class RfbClientMessagesTest {

  private static final String CLIENT_INIT = "01";
  private static final String SET_PIXEL_FORMAT = "0000000000000000000000000000000000000000";
  private static final String SET_ENCODINGS_2 = "02000002" + "00000007" + "fffffee6";
  private static final String UPDATE_REQUEST = "03000000000000000000";
  private static final String KEY = "0401000000000061";
  private static final String POINTER = "05000000000a";
  // Its text holds bytes 04 and 05, which are not messages.
  private static final String CUT_TEXT = "06000000" + "00000003" + "040505";
  private static final String EXTENDED_CUT_TEXT = "06000000" + "fffffffc" + "04050405";

  @ParameterizedTest(name = "{0}: {2} input")
  @CsvSource({
    "set-up only,             '"
        + CLIENT_INIT
        + SET_PIXEL_FORMAT
        + SET_ENCODINGS_2
        + UPDATE_REQUEST
        + "', 0",
    "a key,                   '" + CLIENT_INIT + KEY + "', 1",
    "a key and a pointer,     '" + CLIENT_INIT + UPDATE_REQUEST + KEY + POINTER + "', 2",
    "clipboard text,          '" + CLIENT_INIT + CUT_TEXT + "', 0",
    "extended clipboard,      '" + CLIENT_INIT + EXTENDED_CUT_TEXT + POINTER + "', 1",
    "an unknown type stops,   '" + CLIENT_INIT + "fa" + KEY + KEY + "', 0",
  })
  void countsKeyAndPointerEventsOnly(String what, String hex, int inputs) {
    byte[] stream = HexFormat.of().parseHex(hex);
    for (int piece = 1; piece <= stream.length; piece++) {
      int[] seen = {0};
      var messages = new RfbClientMessages(() -> seen[0]++);
      for (int at = 0; at < stream.length; at += piece) {
        messages.follow(stream, at, Math.min(piece, stream.length - at));
      }
      assertThat(seen[0]).as("%s in pieces of %d bytes", what, piece).isEqualTo(inputs);
    }
  }
}
