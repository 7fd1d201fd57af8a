// The User-Agent of outbound postbacks: receivers' logs should name us and our version.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const TRACKWIRE_USER_AGENT = `Trackwire/${readVersion()}`;
