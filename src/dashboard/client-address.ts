import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * Who sent a request, for counting its failed guesses. The socket's address, unless the operator
 * says how many reverse proxies stand in front of the App (DASHBOARD_TRUSTED_PROXY_HOPS): each
 * appends the address it received from to X-Forwarded-For, so the client is that many entries
 * from the right. Entries further left are whatever the client wrote, and never trusted. IPv6
 * clients count by their /64, the block one subscriber is usually given.
 */
export function clientAddress(req: IncomingMessage, trustedProxyHops: number): string {
  const socket = normalize(req.socket.remoteAddress ?? 'unknown');
  if (trustedProxyHops <= 0) return socket;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((part) => part.trim()).filter((part) => part !== '');
  const chain = [...forwarded.map(normalize), socket];
  return chain[chain.length - 1 - trustedProxyHops] ?? chain[0]!;
}

function normalize(address: string): string {
  const plain = address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
  if (!isIPv6(plain)) return plain;
  return `${expandIPv6(plain).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` expanded. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}
