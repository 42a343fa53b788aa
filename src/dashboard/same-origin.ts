import type { IncomingMessage } from 'node:http';

/**
 * Whether a state-changing request (a login, a logout) comes from the dashboard's own pages. A
 * browser says where a request comes from: Sec-Fetch-Site, which the page cannot set, decides
 * where it is sent (`same-origin`, or `none` for one the user typed); an older browser sends only
 * Origin, which must then name the dashboard's host. A request with neither header is not from a
 * browser (curl, a script), and no other site can make a victim's browser send one. The host is
 * the Host header, or X-Forwarded-Host from a proxy that rewrites Host (a form on another site
 * cannot set that header).
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    // `null` (a sandboxed frame, a privacy redirect) or garbage: not the dashboard's own page.
    return false;
  }
  const hosts = [req.headers.host, ...String(req.headers['x-forwarded-host'] ?? '').split(',')].map((host) => host?.trim()).filter((host): host is string => !!host);
  return hosts.some((host) => sameHost(from, host));
}

function sameHost(origin: URL, host: string): boolean {
  try {
    // Parsed with the origin's scheme, so a default port written out (`:443`) compares equal.
    return new URL(`${origin.protocol}//${host}`).host === origin.host;
  } catch {
    return false;
  }
}
