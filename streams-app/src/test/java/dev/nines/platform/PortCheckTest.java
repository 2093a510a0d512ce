package dev.nines.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortCheckTest {

  @Test
  void portsChosenTogetherAreDifferentAndFree() {
    var ports = PortCheck.freePorts(8);
    assertThat(ports).hasSize(8).doesNotHaveDuplicates();
    ports.forEach(p -> PortCheck.requireFree("127.0.0.1", p, "test", "-"));
  }

  @Test
  void aBusyPortIsRefusedNamingItAndTheSettingThatMovesIt() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = busy.getLocalPort();
      assertThatThrownBy(() -> PortCheck.requireFree("127.0.0.1", port, "The API", "api.port"))
          .hasMessageStartingWith("The API cannot use 127.0.0.1:" + port)
          .hasMessageEndingWith("choose another port with api.port");
    }
  }
}
