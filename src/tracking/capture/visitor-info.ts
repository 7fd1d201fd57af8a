// Device, OS, browser and bot flag from the user agent. Parsing is the costliest step of a click,
// and traffic repeats a handful of user agents, so results are memoised in a small bounded map.
import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';

export interface VisitorInfo {
  device: string | null;
  os: string | null;
  browser: string | null;
  isBot: boolean;
}

const NOTHING: VisitorInfo = Object.freeze({ device: null, os: null, browser: null, isBot: false });
const MEMO_LIMIT = 2_000;
const memo = new Map<string, VisitorInfo>();

function parse(userAgent: string): VisitorInfo {
  const result = new UAParser(userAgent).getResult();
  return Object.freeze({
    // ua-parser-js names only non-desktop device types; a browser with none of them is a desktop.
    device: result.device.type ?? (result.browser.name || result.os.name ? 'desktop' : null),
    os: result.os.name ?? null,
    browser: result.browser.name ?? null,
    isBot: isbot(userAgent),
  });
}

/** Never throws: a user agent the parsers choke on yields what could be learnt, or nothing. */
export function describeVisitor(userAgent: string | null): VisitorInfo {
  if (!userAgent) return NOTHING;
  const known = memo.get(userAgent);
  if (known) return known;
  let info: VisitorInfo;
  try {
    info = parse(userAgent);
  } catch {
    let bot = false;
    try {
      bot = isbot(userAgent);
    } catch {}
    info = { ...NOTHING, isBot: bot };
  }
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(userAgent, info);
  return info;
}
