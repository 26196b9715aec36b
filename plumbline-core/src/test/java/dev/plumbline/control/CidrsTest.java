package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CidrsTest {
  private static final String METADATA = "169.254.169.254";

  @Test
  void theWholeAddressSpaceHoldsTheMetadataAddress() {
    assertThat(Cidrs.contains("0.0.0.0/0", METADATA)).isTrue();
    assertThat(Cidrs.contains("128.0.0.0/1", METADATA)).isTrue();
    assertThat(Cidrs.contains("169.254.0.0/16", METADATA)).isTrue();
    assertThat(Cidrs.contains("169.254.169.254/32", METADATA)).isTrue();
  }

  @Test
  void blocksBesideTheAddressDoNotHoldIt() {
    assertThat(Cidrs.contains("0.0.0.0/1", METADATA)).isFalse();
    assertThat(Cidrs.contains("10.0.0.0/8", METADATA)).isFalse();
    assertThat(Cidrs.contains("169.254.169.255/32", METADATA)).isFalse();
    assertThat(Cidrs.contains("169.254.169.0/25", METADATA)).isFalse();
    assertThat(Cidrs.contains("169.254.169.128/25", METADATA)).isTrue();
  }

  @Test
  void prefixesThatAreNotWholeBytesCompareOnlyTheirBits() {
    assertThat(Cidrs.contains("169.254.168.0/23", METADATA)).isTrue();
    assertThat(Cidrs.contains("169.254.170.0/23", METADATA)).isFalse();
    assertThat(Cidrs.contains("169.240.0.0/12", METADATA)).isTrue();
    assertThat(Cidrs.contains("169.224.0.0/12", METADATA)).isFalse();
  }

  @Test
  void hostBitsBeyondThePrefixAreIgnoredAsKubernetesDoes() {
    assertThat(Cidrs.contains("169.254.1.2/16", METADATA)).isTrue();
    assertThat(Cidrs.contains("10.1.2.3/0", METADATA)).isTrue();
  }

  @Test
  void aBlockHoldsTheBlocksInsideIt() {
    assertThat(Cidrs.contains("0.0.0.0/0", "169.254.169.254/32")).isTrue();
    assertThat(Cidrs.contains("169.254.0.0/16", "169.254.169.0/24")).isTrue();
    assertThat(Cidrs.contains("169.254.169.0/24", "169.254.0.0/16")).isFalse();
    assertThat(Cidrs.contains("10.0.0.0/8", "0.0.0.0/0")).isFalse();
    assertThat(Cidrs.contains("0.0.0.0/0", "0.0.0.0/0")).isTrue();
  }

  @Test
  void ipv6BlocksHoldOnlyIpv6Addresses() {
    assertThat(Cidrs.contains("::/0", METADATA)).isFalse();
    assertThat(Cidrs.contains("0.0.0.0/0", "fd00:ec2::254")).isFalse();
    assertThat(Cidrs.contains("::/0", "fd00:ec2::254")).isTrue();
    assertThat(Cidrs.contains("fd00::/8", "fd00:ec2::254")).isTrue();
    assertThat(Cidrs.contains("fd00:ec2::254/128", "fd00:ec2:0:0:0:0:0:254")).isTrue();
    assertThat(Cidrs.contains("fd00:ec2::/32", "fd00:ec3::254")).isFalse();
    assertThat(Cidrs.contains("2001:db8::/32", "2001:0DB8:0:0:1::1")).isTrue();
    assertThat(Cidrs.contains("::ffff:0:0/96", "::ffff:169.254.169.254")).isTrue();
    assertThat(Cidrs.contains("::/0", "::/0")).isTrue();
  }

  @Test
  void ipv6TextFormsParse() {
    assertThat(Cidrs.parseAddress("::")).hasSize(16);
    assertThat(Cidrs.parseAddress("::1")).hasSize(16);
    assertThat(Cidrs.parseAddress("1::")).hasSize(16);
    assertThat(Cidrs.parseAddress("1:2:3:4:5:6:7:8")).hasSize(16);
    assertThat(Cidrs.parseAddress("1:2:3:4:5:6:1.2.3.4")).hasSize(16);
    assertThat(Cidrs.parseAddress("1:2:3:4:5:6:7")).isNull();
    assertThat(Cidrs.parseAddress("1:2:3:4:5:6:7:8:9")).isNull();
    assertThat(Cidrs.parseAddress("1::2::3")).isNull();
    assertThat(Cidrs.parseAddress("1:2:3:4:5:6:7::8")).isNull();
    assertThat(Cidrs.parseAddress("12345::")).isNull();
    assertThat(Cidrs.parseAddress("g::")).isNull();
    assertThat(Cidrs.parseAddress("fe80::1%eth0")).isNull();
  }

  @Test
  void leadingZerosAreDecimalNotOctal() {
    assertThat(Cidrs.contains("169.254.169.254/32", "169.254.169.0254")).isFalse();
    assertThat(Cidrs.contains("010.0.0.0/8", "10.1.1.1")).isTrue();
  }

  @Test
  void anythingThatIsNotABlockHoldsNothingAndNoNameIsResolved() {
    assertThat(Cidrs.contains("metadata.google.internal/32", METADATA)).isFalse();
    assertThat(Cidrs.contains("0.0.0.0", METADATA)).as("a block needs a prefix").isFalse();
    assertThat(Cidrs.contains("0.0.0.0/33", METADATA)).isFalse();
    assertThat(Cidrs.contains("0.0.0.0/-1", METADATA)).isFalse();
    assertThat(Cidrs.contains("0.0.0.0/", METADATA)).isFalse();
    assertThat(Cidrs.contains("::/129", "::1")).isFalse();
    assertThat(Cidrs.contains("256.0.0.0/8", METADATA)).isFalse();
    assertThat(Cidrs.contains("1.2.3/8", METADATA)).isFalse();
    assertThat(Cidrs.contains("", METADATA)).isFalse();
    assertThat(Cidrs.contains(null, METADATA)).isFalse();
    assertThat(Cidrs.contains("0.0.0.0/0", "localhost")).isFalse();
    assertThat(Cidrs.contains("0.0.0.0/0", "")).isFalse();
    assertThat(Cidrs.contains(" 0.0.0.0/0 ", " 169.254.169.254 ")).as("spaces around").isTrue();
  }
}
