// Country from the bundled offline database (CC0, no network). The database opens once per process,
// in the background; until it has loaded, or if it cannot load, clicks are recorded without a country.
import { createRequire } from 'node:module';
import maxmind, { type Reader, type Response } from 'maxmind';

// This database's records are flat ({ country_code: "US" }), not MaxMind's nested GeoIP2 shape.
interface CountryRecord {
  country_code?: string;
}

let reader: Reader<Response> | null = null;
let opening: Promise<void> | null = null;

function databasePath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
}

/** Starts loading the database if nobody has; resolves when it is loaded or has failed to load. */
export function loadCountryDatabase(onError?: (error: unknown) => void): Promise<void> {
  if (!opening) {
    opening = (async () => {
      try {
        reader = await maxmind.open<Response>(databasePath(), { watchForUpdates: false });
      } catch (error) {
        onError?.(error);
      }
    })();
  }
  return opening;
}

/** ISO 3166-1 alpha-2 code, or null (unknown, private, not loaded yet, or lookup error). */
export function lookupCountry(ip: string | null): string | null {
  if (!reader || !ip) return null;
  try {
    return (reader.get(ip) as CountryRecord | null)?.country_code ?? null;
  } catch {
    return null;
  }
}
