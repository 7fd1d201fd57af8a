// Offer caps as the API speaks them, and which offers are capped out right now.
import { useQuery } from '@tanstack/react-query';
import { get } from './api';

export interface Cap {
  id: number;
  offerId: number;
  publisherId: number | null;
  period: 'day' | 'month' | 'total';
  metric: 'conversions' | 'payout';
  limit: number;
  overAction: 'hold' | 'reject';
  clickAction: 'offer' | 'fallback';
  fallbackUrl: string | null;
  used: number;
  reached: boolean;
}

export interface ReachedCap {
  capId: number;
  offerId: number;
  publisherId: number | null;
  period: Cap['period'];
  clickAction: Cap['clickAction'];
}

export const useOfferCaps = (offerId: number) =>
  useQuery({ queryKey: ['caps', offerId], queryFn: () => get<{ data: Cap[] }>(`/offers/${offerId}/caps`) });

/** Offers with a reached cap for all their traffic (capped out) or for some publishers'. */
export function useCappedOffers(enabled: boolean) {
  const reached = useQuery({
    queryKey: ['caps', 'reached'],
    queryFn: () => get<{ data: ReachedCap[] }>('/caps/reached'),
    enabled,
    refetchInterval: 30_000,
  });
  const all = new Set<number>();
  const some = new Set<number>();
  for (const r of reached.data?.data ?? []) (r.publisherId === null ? all : some).add(r.offerId);
  return {
    /** 'capped out' (every publisher), 'capped for some publishers', or null. */
    statusOf: (offerId: number) =>
      all.has(offerId) ? 'capped out' : some.has(offerId) ? 'capped for some publishers' : null,
  };
}
