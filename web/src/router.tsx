// Every screen and its URL. Search params are typed and validated here, so a screen's state
// (filters, page, chosen offer…) lives in its URL and can be shared. Screens load lazily.
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { AppLayout } from './components/layout';
import { CLICK_FILTERS, CONVERSION_FILTERS } from './lib/log-filters';
import { conditionSearch } from './lib/report-conditions';
import { sessionQuery } from './lib/session';
import { NotFound } from './screens/not-found';
import type { ReportSearch } from './screens/reports';
import { SignInScreen } from './screens/sign-in';

type Search = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signin',
  validateSearch: (s: Search): { redirect?: string } => ({ redirect: str(s.redirect) }),
  component: SignInScreen,
});

const tokenSearch = (s: Search): { token: string } => ({ token: str(s.token) ?? '' });
const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  validateSearch: tokenSearch,
  component: lazyRouteComponent(() => import('./screens/accept-link'), 'SetupScreen'),
});
const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite',
  validateSearch: tokenSearch,
  component: lazyRouteComponent(() => import('./screens/accept-link'), 'InviteScreen'),
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const session = await context.queryClient.ensureQueryData(sessionQuery);
    if (!session) throw redirect({ to: '/signin', search: { redirect: location.href } });
    return { user: session.user };
  },
  component: function App() {
    const { user } = appRoute.useRouteContext();
    return <AppLayout user={user} />;
  },
});

type PageSearch = { cursor?: string; trail?: string };
const pageSearch = (s: Search): PageSearch => ({ cursor: str(s.cursor), trail: str(s.trail) });

const overviewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./screens/overview'), 'OverviewScreen'),
});
const advertisersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/advertisers',
  validateSearch: pageSearch,
  component: lazyRouteComponent(() => import('./screens/advertisers'), 'AdvertisersScreen'),
});
const advertiserNewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/advertisers/new',
  component: lazyRouteComponent(() => import('./screens/advertisers'), 'NewAdvertiserScreen'),
});
const advertiserRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/advertisers/$advertiserId',
  component: lazyRouteComponent(() => import('./screens/advertiser-detail'), 'AdvertiserScreen'),
});
const offersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/offers',
  validateSearch: (s: Search): PageSearch & { q?: string; advertiserId?: number } => ({
    ...pageSearch(s),
    q: str(s.q),
    advertiserId: num(s.advertiserId),
  }),
  component: lazyRouteComponent(() => import('./screens/offers'), 'OffersScreen'),
});
const offerNewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/offers/new',
  validateSearch: (s: Search): { advertiserId?: number } => ({ advertiserId: num(s.advertiserId) }),
  component: lazyRouteComponent(() => import('./screens/offer-form'), 'NewOfferScreen'),
});
const offerRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/offers/$offerId',
  component: lazyRouteComponent(() => import('./screens/offer-detail'), 'OfferScreen'),
});
const publishersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/publishers',
  validateSearch: pageSearch,
  component: lazyRouteComponent(() => import('./screens/publishers'), 'PublishersScreen'),
});
const publisherRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/publishers/$publisherId',
  component: lazyRouteComponent(() => import('./screens/publishers'), 'PublisherScreen'),
});
const linksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/links',
  validateSearch: (s: Search): { offerId?: number; publisherId?: number; linkId?: number } => ({
    offerId: num(s.offerId),
    publisherId: num(s.publisherId),
    linkId: num(s.linkId),
  }),
  component: lazyRouteComponent(() => import('./screens/links'), 'LinksScreen'),
});
const postbacksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/postbacks',
  validateSearch: (s: Search): PageSearch & { publisherId?: number } => ({
    ...pageSearch(s),
    publisherId: num(s.publisherId),
  }),
  component: lazyRouteComponent(() => import('./screens/postbacks'), 'PostbacksScreen'),
});
const postbackNewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/postbacks/new',
  validateSearch: (s: Search): { publisherId?: number } => ({ publisherId: num(s.publisherId) }),
  component: lazyRouteComponent(() => import('./screens/postback-editor'), 'NewPostbackScreen'),
});
const postbackRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/postbacks/$postbackId',
  component: lazyRouteComponent(() => import('./screens/postback-editor'), 'EditPostbackScreen'),
});
const conversionsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/conversions',
  validateSearch: textSearch(CONVERSION_FILTERS),
  component: lazyRouteComponent(() => import('./screens/conversions'), 'ConversionsScreen'),
});
const keysRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/keys',
  component: lazyRouteComponent(() => import('./screens/keys'), 'KeysScreen'),
});
const usersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/users',
  component: lazyRouteComponent(() => import('./screens/users'), 'UsersScreen'),
});
const reportsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/reports',
  validateSearch: (s: Search): ReportSearch => ({
    preset: str(s.preset) as ReportSearch['preset'],
    from: str(s.from),
    to: str(s.to),
    tz: str(s.tz),
    groupBy: typeof s.groupBy === 'string' ? s.groupBy : undefined,
    ...conditionSearch({
      // Links saved when a report had one filter and one exclusion still open as they were.
      ...(str(s.filterBy) ? { [`filter.${s.filterBy}`]: s.filterValues } : {}),
      ...(str(s.excludeBy) ? { [`exclude.${s.excludeBy}`]: s.excludeValues } : {}),
      ...s,
    }),
    sort: str(s.sort),
    compare: s.compare === true || s.compare === 'true' ? true : undefined,
    attribution: str(s.attribution),
  }),
  component: lazyRouteComponent(() => import('./screens/reports'), 'ReportsScreen'),
});

// The activity logs: each list's filters are text in its URL (numbers stay numbers there, so
// the URL reads ?offerId=7), checked by the API.
type Filter = string | number | boolean;
function textSearch<K extends string>(keys: readonly K[]) {
  const value = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? v : str(v));
  return (s: Search): PageSearch & Partial<Record<K, Filter>> => ({
    ...pageSearch(s),
    ...(Object.fromEntries(keys.map((k) => [k, value(s[k])])) as Partial<Record<K, Filter>>),
  });
}
const TIMES = ['from', 'to'] as const;
const inboundHitsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/inbound-hits',
  validateSearch: textSearch(['advertiserId', 'result', 'code', 'clickId', 'txnId', ...TIMES]),
  component: lazyRouteComponent(() => import('./screens/inbound-hits'), 'InboundHitsScreen'),
});
const conversionRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/conversions/$conversionId',
  component: lazyRouteComponent(() => import('./screens/conversion-detail'), 'ConversionScreen'),
});
const clicksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/clicks',
  validateSearch: textSearch(CLICK_FILTERS),
  component: lazyRouteComponent(() => import('./screens/clicks'), 'ClicksScreen'),
});
const clickRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/clicks/$clickId',
  component: lazyRouteComponent(() => import('./screens/clicks'), 'ClickScreen'),
});
const deliveriesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/deliveries',
  validateSearch: textSearch(['status', 'publisherId', 'postbackId', 'conversionId', ...TIMES]),
  component: lazyRouteComponent(() => import('./screens/deliveries'), 'DeliveriesScreen'),
});
const deliveryRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/deliveries/$deliveryId',
  component: lazyRouteComponent(() => import('./screens/delivery-detail'), 'DeliveryScreen'),
});

const smartlinksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/smartlinks',
  component: lazyRouteComponent(() => import('./screens/smartlinks'), 'SmartLinksScreen'),
});
const smartlinkNewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/smartlinks/new',
  component: lazyRouteComponent(() => import('./screens/smartlinks'), 'NewSmartLinkScreen'),
});
const smartlinkRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/smartlinks/$smartlinkId',
  component: lazyRouteComponent(() => import('./screens/smartlinks'), 'SmartLinkScreen'),
});
const alertsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/alerts',
  component: lazyRouteComponent(() => import('./screens/alerts'), 'AlertsScreen'),
});
const alertChannelsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/alert-channels',
  component: lazyRouteComponent(() => import('./screens/alert-channels'), 'AlertChannelsScreen'),
});
const alertRuleRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/alerts/$ruleId',
  component: lazyRouteComponent(() => import('./screens/alert-rule'), 'AlertRuleScreen'),
});
const reconciliationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/reconciliations',
  validateSearch: (s: Search): { id?: string } => ({ id: str(s.id) }),
  component: lazyRouteComponent(() => import('./screens/reconciliation'), 'ReconciliationScreen'),
});
const retentionRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/retention',
  component: lazyRouteComponent(() => import('./screens/data-protection'), 'RetentionScreen'),
});
const auditLogRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/audit-log',
  component: lazyRouteComponent(() => import('./screens/data-protection'), 'AuditLogScreen'),
});
const visitorDataRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/visitor-data',
  component: lazyRouteComponent(() => import('./screens/data-protection'), 'VisitorDataScreen'),
});

const reviewQueueRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/review',
  component: lazyRouteComponent(() => import('./screens/review-queue'), 'ReviewQueueScreen'),
});
const rewardsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/rewards',
  component: lazyRouteComponent(() => import('./screens/rewards'), 'RewardsScreen'),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  setupRoute,
  inviteRoute,
  appRoute.addChildren([
    overviewRoute,
    advertisersRoute,
    advertiserNewRoute,
    advertiserRoute,
    offersRoute,
    offerNewRoute,
    offerRoute,
    publishersRoute,
    publisherRoute,
    linksRoute,
    postbacksRoute,
    postbackNewRoute,
    postbackRoute,
    conversionsRoute,
    keysRoute,
    usersRoute,
    reportsRoute,
    inboundHitsRoute,
    conversionRoute,
    clicksRoute,
    clickRoute,
    deliveriesRoute,
    deliveryRoute,
    smartlinksRoute,
    smartlinkNewRoute,
    smartlinkRoute,
    alertsRoute,
    alertChannelsRoute,
    alertRuleRoute,
    reconciliationsRoute,
    retentionRoute,
    auditLogRoute,
    visitorDataRoute,
    reviewQueueRoute,
    rewardsRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
