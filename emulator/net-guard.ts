// Outbound requests on a caller's behalf (MultiPullVodFile, notifyUrl) may only reach public
// addresses or loopback: http/https only, the hostname resolved and every address checked BEFORE
// any connection, and the connection pinned to the checked address (no DNS rebinding).
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const privateV4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  privateV4.addSubnet(net, prefix, 'ipv4');

// Besides unique-local, link-local and multicast: the transition prefixes that reach IPv4 or
// private space through a relay (6to4 2002::/16 embeds any IPv4 address, Teredo 2001::/32,
// NAT64 64:ff9b::/96 and 64:ff9b:1::/48), the deprecated site-local fec0::/10, discard 100::/64.
const privateV6 = new BlockList();
for (const [net, prefix] of [
  ['::', 96],
  ['::ffff:0:0', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2001::', 32],
  ['2002::', 16],
  ['2001:db8::', 32],
  ['100::', 64],
] as const) {
  privateV6.addSubnet(net, prefix, 'ipv6');
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, or `::ffff:a00:1` as URL parsing writes it) → IPv4. */
function unmapped(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hexed = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hexed) {
    const hi = parseInt(hexed[1]!, 16);
    const lo = parseInt(hexed[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return address;
}

export const isLoopback = (raw: string): boolean => {
  const address = unmapped(raw);
  return address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
};

export function isPrivateAddress(raw: string): boolean {
  const address = unmapped(raw);
  if (isIP(address) === 4) return privateV4.check(address, 'ipv4');
  if (isIP(address) === 6) return privateV6.check(address, 'ipv6');
  return true;
}

export interface GuardOptions {
  allowPrivate: boolean;
}

export class RefusedUrl extends Error {}

/** Scheme check, synchronously: the cheap part of the policy. */
export function parseOutboundUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefusedUrl('not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RefusedUrl(`scheme ${url.protocol} is not allowed: only http and https`);
  if (url.username || url.password) throw new RefusedUrl('credentials in URLs are not allowed');
  return url;
}

const allowed = (address: string, o: GuardOptions): boolean => isLoopback(address) || o.allowPrivate || !isPrivateAddress(address);

/** Resolve and check every address; returns the first allowed one to connect to. */
export async function resolveAllowed(hostname: string, o: GuardOptions): Promise<LookupAddress> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const addresses: LookupAddress[] = isIP(bare)
    ? [{ address: bare, family: isIP(bare) }]
    : await dnsLookup(bare, { all: true, verbatim: true });
  if (addresses.length === 0) throw new RefusedUrl(`${hostname} does not resolve`);
  const refused = addresses.find((a) => !allowed(a.address, o));
  if (refused) throw new RefusedUrl(`${hostname} resolves to ${refused.address}, a private or reserved address`);
  return addresses[0]!;
}

/** Full check of a URL before use (scheme + resolved addresses). */
export async function checkOutboundUrl(raw: string, o: GuardOptions): Promise<{ url: URL; address: LookupAddress }> {
  const url = parseOutboundUrl(raw);
  try {
    return { url, address: await resolveAllowed(url.hostname, o) };
  } catch (err) {
    if (err instanceof RefusedUrl) throw err;
    throw new RefusedUrl(`${url.hostname} does not resolve`);
  }
}

/** `lookup` for http.request that only ever yields the address already checked. */
export const pinnedLookup =
  (address: LookupAddress) =>
  (
    _host: string,
    options: { all?: boolean },
    cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    if (options.all) cb(null, [address]);
    else cb(null, address.address, address.family);
  };
