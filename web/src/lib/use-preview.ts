// The server's render of a draft template and its unknown macros, refreshed shortly after typing stops.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { UnknownMacro } from '../components/macro-field';
import { api } from './api';

export interface PreviewDraft {
  publisherId?: number | null;
  url: string;
  method?: 'GET' | 'POST';
  bodyFormat?: 'form' | 'json' | null;
  bodyTemplate?: string | null;
  headers?: Record<string, string>;
}

export interface Preview {
  unknownMacros: (UnknownMacro & { field: string })[];
  request: { method: string; url: string; headers: Record<string, string>; body: string | null } | null;
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function usePreview(draft: PreviewDraft) {
  const settled = useDebounced(JSON.stringify(draft), 200);
  return useQuery({
    queryKey: ['postback-preview', settled],
    queryFn: () => api<Preview>('POST', '/postbacks/preview', JSON.parse(settled)),
    enabled: JSON.parse(settled).url !== '',
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
