package io.veneer.agent.console;

import com.google.protobuf.ByteString;
import io.veneer.agent.v1.ConsoleGrantKeys;
import io.veneer.api.console.PemKeys;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The control plane's public keys a console grant must be signed with: the set it last sent on the
 * agent's stream, which replaces the set before (a key no longer sent opens nothing) and is kept
 * while the stream is down and across reconnects. Until a first set arrives, the keys of {@code
 * VENEER_CONSOLE_GRANT_KEY}, if given; the control plane's set wins from then on.
 */
public final class GrantKeys {

  private static final Logger log = Logger.getLogger(GrantKeys.class.getName());

  private volatile List<PublicKey> keys;

  /**
   * @param untilSent the keys admitted until the control plane sends its own, possibly none
   */
  public GrantKeys(List<PublicKey> untilSent) {
    this.keys = List.copyOf(untilSent);
  }

  /**
   * Takes the set the control plane sent in place of the one held. A set that is empty or holds
   * something that is not an Ed25519 key is not taken: the keys held stay, and the log says why.
   */
  public void sent(ConsoleGrantKeys message) {
    List<PublicKey> sent = new ArrayList<>();
    try {
      for (ByteString der : message.getEd25519PublicKeysList()) {
        sent.add(PemKeys.ed25519PublicKey(der.toByteArray()));
      }
    } catch (GeneralSecurityException e) {
      log.warning("event=console.grant-keys-refused reason=\"" + e.getMessage() + "\"");
      return;
    }
    if (sent.isEmpty()) {
      log.warning("event=console.grant-keys-refused reason=\"an empty set\"");
      return;
    }
    keys = List.copyOf(sent);
    log.info("event=console.grant-keys-received keys=" + sent.size());
  }

  /** The keys admitted now; empty before any arrived when no file gave some. */
  List<PublicKey> current() {
    return keys;
  }
}
