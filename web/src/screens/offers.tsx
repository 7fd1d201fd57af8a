// Offers: search by name or id, page through thousands, open one.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { type Column, DataTable } from '../components/data-table';
import { Pager } from '../components/pager';
import { Loaded, Page, ui } from '../components/ui';
import { get, query } from '../lib/api';
import { useCappedOffers } from '../lib/caps';
import { formatMoney } from '../lib/format';
import type { Page as ApiPage, Offer } from '../lib/types';

const route = getRouteApi('/app/offers');
const appRoute = getRouteApi('/app');

export function OffersScreen() {
  const search = route.useSearch();
  const { user } = appRoute.useRouteContext();
  const navigate = useNavigate();
  const [text, setText] = useState(search.q ?? '');
  const box = useRef<HTMLInputElement>(null);
  const capped = useCappedOffers(user.role === 'admin');
  const list = useQuery({
    queryKey: ['offers', 'list', search.q, search.advertiserId, search.cursor],
    queryFn: () =>
      get<ApiPage<Offer>>(
        `/offers${query({ q: search.q, advertiserId: search.advertiserId, cursor: search.cursor, limit: 50 })}`,
      ),
    placeholderData: keepPreviousData,
  });
  useEffect(() => {
    const timer = window.setTimeout(() => {
      if ((search.q ?? '') !== text)
        void navigate({ to: '/offers', search: { q: text || undefined, advertiserId: search.advertiserId } });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [text, search.q, search.advertiserId, navigate]);
  useEffect(() => {
    // "/" focuses the search box, as in most dense dashboards.
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) {
        e.preventDefault();
        box.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const columns: Column<Offer>[] = [
    {
      header: 'Name',
      accessorKey: 'name',
      cell: (c) => {
        const cap = capped.statusOf(c.row.original.id);
        return (
          <>
            <Link to="/offers/$offerId" params={{ offerId: String(c.row.original.id) }}>
              {c.row.original.name}
            </Link>
            {cap && <span className={ui.badge}>{cap}</span>}
          </>
        );
      },
    },
    { header: 'ID', accessorKey: 'id', meta: { numeric: true } },
    {
      header: 'Payout',
      accessorKey: 'payout',
      meta: { numeric: true },
      cell: (c) => formatMoney(c.row.original.payout, c.row.original.currency),
    },
    ...(user.role === 'publisher'
      ? []
      : [
          {
            header: 'Revenue',
            accessorKey: 'revenue',
            meta: { numeric: true },
            cell: (c) => formatMoney(c.row.original.revenue, c.row.original.currency),
          } as Column<Offer>,
        ]),
    { header: 'Goals', cell: (c) => c.row.original.goals.map((g) => g.key).join(', ') || '—' },
  ];

  return (
    <Page
      title="Offers"
      lede="What you promote: destination URL, payout, revenue and goals."
      actions={
        user.role === 'admin' && (
          <Link
            to="/offers/new"
            search={{ advertiserId: search.advertiserId }}
            className={`${ui.button} ${ui.primary}`}
          >
            New offer
          </Link>
        )
      }
    >
      <div className={ui.row}>
        <label htmlFor="offer-search" className={ui.label}>
          Search offers
        </label>
        <input
          id="offer-search"
          ref={box}
          type="search"
          className={ui.input}
          style={{ maxWidth: '22rem' }}
          placeholder="Name or id (press / to focus)"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        {search.advertiserId && (
          <Link to="/offers" search={{ q: search.q }} className={`${ui.button} ${ui.small}`}>
            Advertiser #{search.advertiserId} ✕
          </Link>
        )}
      </div>
      <Loaded query={list} what="Offers could not be loaded">
        {(page) => (
          <>
            <DataTable
              caption="Offers"
              columns={columns}
              data={page.data}
              empty={
                search.q ? (
                  <p>No offer matches “{search.q}”.</p>
                ) : (
                  <p>
                    No offers yet. An offer joins an advertiser's destination URL with what each conversion
                    pays.
                  </p>
                )
              }
            />
            <Pager
              cursor={search.cursor}
              trail={search.trail}
              nextCursor={page.nextCursor}
              count={page.data.length}
            />
          </>
        )}
      </Loaded>
    </Page>
  );
}
