import { isIP } from 'node:net';

/** Returns whether a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  const lower = host.toLowerCase().replace(/^\[|\]$/g, '');
  return lower === '::1' || lower.startsWith('::ffff:127.');
}
