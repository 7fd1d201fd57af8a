// Queries several screens share: pick lists of advertisers, publishers and offers, and the macros.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get, query } from './api';
import type { Advertiser, Macro, Offer, Page, Publisher } from './types';

/** Up to 500 — enough for a pick list; the list screens page through everything. */
export const useAdvertiserChoices = (enabled = true) =>
  useQuery({
    queryKey: ['advertisers', 'choices'],
    queryFn: () => get<Page<Advertiser>>('/advertisers?limit=500'),
    enabled,
  });

export const usePublisherChoices = (enabled = true) =>
  useQuery({
    queryKey: ['publishers', 'choices'],
    queryFn: () => get<Page<Publisher>>('/publishers?limit=500'),
    enabled,
  });

export const useOfferSearch = (q: string, advertiserId?: number) =>
  useQuery({
    queryKey: ['offers', 'search', q, advertiserId],
    queryFn: () => get<Page<Offer>>(`/offers${query({ q, advertiserId, limit: 100 })}`),
    placeholderData: keepPreviousData,
  });

export const useOffer = (id: number | undefined) =>
  useQuery({
    queryKey: ['offers', id],
    queryFn: () => get<Offer>(`/offers/${id}`),
    enabled: id !== undefined,
  });

export const useMacros = () =>
  useQuery({
    queryKey: ['macros'],
    queryFn: () => get<{ data: Macro[] }>('/macros'),
    staleTime: Number.POSITIVE_INFINITY,
  });
