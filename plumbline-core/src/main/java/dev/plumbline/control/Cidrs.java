package dev.plumbline.control;

import java.util.Arrays;

/**
 * IP address blocks in CIDR notation, for controls that read NetworkPolicy {@code ipBlock}s and
 * Service source ranges. In CEL: {@code cidrContains(cidr, address)} tells whether the block
 * {@code cidr} holds {@code address}, an IP address ({@code 169.254.169.254}) or a whole block
 * ({@code 169.254.0.0/16}).
 *
 * <p>Addresses are read the way Kubernetes validates NetworkPolicies: IPv4 in dotted decimal
 * (a leading zero is decimal, as in Kubernetes' lenient parser, never octal), IPv6 in any RFC 4291
 * text form, host bits beyond the prefix ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}). An
 * IPv4 block never holds an IPv6 address or the reverse. Anything that is not an address or
 * block (a hostname, an empty string) is held by nothing and holds nothing: no name is ever
 * resolved.
 */
final class Cidrs {
  private Cidrs() {}

  /** An address block: the address bytes (4 or 16) and the prefix length in bits. */
  record Block(byte[] address, int prefix) {}

  /**
   * Whether block {@code cidr} holds {@code address}: an address, or a block whose every address
   * it holds.
   */
  static boolean contains(String cidr, String address) {
    Block outer = parseBlock(cidr, false);
    Block inner = parseBlock(address, true);
    if (outer == null || inner == null || outer.address.length != inner.address.length
        || inner.prefix < outer.prefix) {
      return false;
    }
    int full = outer.prefix / 8;
    for (int i = 0; i < full; i++) {
      if (outer.address[i] != inner.address[i]) {
        return false;
      }
    }
    int rest = outer.prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (outer.address[full] & mask) == (inner.address[full] & mask);
  }

  /**
   * Parses {@code address/prefix}; with {@code bareAddress}, a plain address is a block of one.
   *
   * @return null when the text is not a block
   */
  static Block parseBlock(String text, boolean bareAddress) {
    if (text == null) {
      return null;
    }
    String s = text.strip();
    int slash = s.indexOf('/');
    String addressText = slash < 0 ? s : s.substring(0, slash);
    byte[] address = parseAddress(addressText);
    if (address == null) {
      return null;
    }
    int bits = address.length * 8;
    if (slash < 0) {
      return bareAddress ? new Block(address, bits) : null;
    }
    String prefixText = s.substring(slash + 1);
    if (prefixText.isEmpty() || prefixText.length() > 3
        || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    int prefix = Integer.parseInt(prefixText);
    return prefix > bits ? null : new Block(address, prefix);
  }

  /** The bytes of an IPv4 (4) or IPv6 (16) address, or null. */
  static byte[] parseAddress(String s) {
    if (s.isEmpty()) {
      return null;
    }
    return s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s);
  }

  private static byte[] parseIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] parseIpv6(String s) {
    if (s.indexOf('%') >= 0) {
      return null; // zones are not part of a block
    }
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    String head = gap < 0 ? s : s.substring(0, gap);
    String tail = gap < 0 ? "" : s.substring(gap + 2);
    int[] headGroups = groups(head, gap < 0);
    int[] tailGroups = groups(tail, true);
    if (headGroups == null || tailGroups == null) {
      return null;
    }
    int count = headGroups.length + tailGroups.length;
    if (gap < 0 ? count != 8 : count > 7) {
      return null;
    }
    int[] all = new int[8];
    System.arraycopy(headGroups, 0, all, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, all, 8 - tailGroups.length, tailGroups.length);
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[2 * i] = (byte) (all[i] >> 8);
      out[2 * i + 1] = (byte) all[i];
    }
    return out;
  }

  /** The 16-bit groups of one side of "::"; an embedded IPv4 address may end the last side. */
  private static int[] groups(String s, boolean last) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int[] out = new int[parts.length + 1];
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (last && i == parts.length - 1 && p.indexOf('.') >= 0) {
        byte[] v4 = parseIpv4(p);
        if (v4 == null) {
          return null;
        }
        out[n++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        out[n++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        int d = Character.digit(p.charAt(j), 16);
        if (d < 0) {
          return null;
        }
        v = v * 16 + d;
      }
      out[n++] = v;
    }
    return Arrays.copyOf(out, n);
  }
}
