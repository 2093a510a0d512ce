package dev.nines.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nines.schema.Channel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CarrierKeyTest {

  /** The channel read without splitting is the one {@code split} finds, for any carrier id. */
  @Property
  void theChannelIsTheOneTheKeyWasBuiltWith(
      @ForAll @StringLength(min = 1, max = 3) @CharRange(from = 'A', to = 'Z') String country,
      @ForAll Channel channel,
      @ForAll @Chars({':', 'x', 'S', 'M', '|', ' '}) @StringLength(max = 12) String carrierId) {
    String key = CarrierKey.carrier(country, channel, carrierId);
    assertThat(CarrierKey.channel(key)).isEqualTo(channel);
    assertThat(key.split(":", 3)[1]).isEqualTo(channel.name());
  }

  @Test
  void aKeyWithoutAKnownChannelIsAnError() {
    assertThat(CarrierKey.channel("US:VOICE:a:b")).isEqualTo(Channel.VOICE);
    assertThatThrownBy(() -> CarrierKey.channel("US:SMSX:a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("US:SMSX:a");
    assertThatThrownBy(() -> CarrierKey.channel("US-SMS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a carrier key");
    assertThatThrownBy(() -> CarrierKey.channel("US:SM"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
