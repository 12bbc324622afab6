import ipaddr from "ipaddr.js";

/**
 * Cloud instance-metadata endpoints hand out credentials to whoever can reach them, so they stay refused even
 * when ALLOW_PRIVATE_URLS opens the intranet: no knowledge document ever lives there.
 */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);
const METADATA_HOSTNAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata"]);

/** Why a destination is refused, or undefined when it may be fetched. */
export type AddressVerdict = string | undefined;

/**
 * Classifies an IP address (v4 or v6, IPv4-mapped IPv6 unwrapped first). Only public unicast addresses pass;
 * with `allowPrivate` every address passes except the metadata endpoints.
 */
export function checkAddress(address: string, allowPrivate: boolean): AddressVerdict {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() turns ::ffff:127.0.0.1 into 127.0.0.1, so mapped addresses are judged as what they reach.
    parsed = ipaddr.process(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  } catch {
    return `"${address}" is not an IP address`;
  }
  const normalised = parsed.toNormalizedString();
  if (METADATA_ADDRESSES.has(normalised) || (parsed.kind() === "ipv6" && METADATA_ADDRESSES.has((parsed as ipaddr.IPv6).toRFC5952String()))) {
    return `${address} is a cloud metadata address`;
  }
  if (allowPrivate) return undefined;
  const range = parsed.range();
  // Everything that is not ordinary public unicast: loopback, RFC 1918, CGNAT, ULA, link-local, multicast,
  // unspecified, and the translation prefixes (6to4, Teredo, NAT64) that can wrap any of those.
  if (range !== "unicast") return `${address} is a ${describeRange(range)} address (set ALLOW_PRIVATE_URLS=true for intranet sites)`;
  return undefined;
}

/** Host names refused before any lookup (metadata services reachable by name). */
export function checkHostname(hostname: string): AddressVerdict {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return METADATA_HOSTNAMES.has(name) ? `${hostname} is a cloud metadata host` : undefined;
}

/** The bracket-free form of a URL host when it is an IP literal, else undefined. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[|\]$/g, "");
  return ipaddr.isValid(bare) ? bare : undefined;
}

function describeRange(range: string): string {
  switch (range) {
    case "private":
    case "uniqueLocal":
    case "carrierGradeNat":
      return "private";
    case "loopback":
      return "loopback";
    case "linkLocal":
      return "link-local";
    case "unspecified":
      return "unspecified";
    case "multicast":
    case "broadcast":
      return "multicast/broadcast";
    default:
      return "non-public";
  }
}
