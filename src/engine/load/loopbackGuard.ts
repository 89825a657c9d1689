import { HotpathError } from '../events';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|\[?::ffff:127(?:\.\d{1,3}){3}\]?)$/i;

export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Load goes to loopback unless the config opts in: a benchmark against someone else's host is an attack. */
export function assertLoopbackTarget(url: string, allowNonLoopback: boolean): void {
  if (allowNonLoopback || isLoopbackUrl(url)) return;
  throw new HotpathError(
    `Refusing to send load to ${url}: Hotpath only loads loopback addresses (127.0.0.1, localhost, ::1) unless load.allowNonLoopback is true, so that a typo never floods a host you do not own.`,
  );
}
