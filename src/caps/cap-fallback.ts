// A cap's fallback URL: where clicks go once it is reached, with click macros only (as a SmartLink's).
import { REDIRECT_MACROS } from '../macros/click-macro-values.ts';
import { assertKnownMacros, assertNoMacroInAuthority } from '../macros/validate-template.ts';
import { AppError } from '../shared/errors.ts';
import type { CapClickAction } from './cap.table.ts';

export function checkCapFallbackUrl(clickAction: CapClickAction, fallbackUrl: string | null): void {
  if (clickAction === 'fallback' && !fallbackUrl) {
    throw new AppError('validation_failed', 'fallbackUrl: required when clickAction is fallback');
  }
  if (!fallbackUrl) return;
  assertKnownMacros([['fallbackUrl', fallbackUrl]], REDIRECT_MACROS);
  assertNoMacroInAuthority('fallbackUrl', fallbackUrl);
}
