// The console's screens and who may see them. Each route names the roles it
// is for (meta.roles, the same role names as the server's routes table);
// the menu in App.vue is built from this list, and the guard sends a user
// who is not logged in to the login screen. The server enforces the real
// access rules; this only keeps the menu relevant.
import { createRouter, createWebHashHistory } from 'vue-router'
import { session, whoami } from './api.js'

export const screens = [
  { path: '/collect', name: 'collect', zh: '集货', en: 'Collection', roles: ['collector', 'admin'], component: () => import('./views/Collect.vue') },
  { path: '/households', name: 'households', zh: '农户与付款', en: 'Households', roles: ['collector', 'admin', 'office'], component: () => import('./views/Households.vue') },
  { path: '/stock', name: 'stock', zh: '批次与库存', en: 'Lots & stock', roles: ['warehouse', 'admin', 'office'], component: () => import('./views/Stock.vue') },
  { path: '/collection-runs', name: 'collection-runs', zh: '集货线路', en: 'Collection runs', roles: ['warehouse', 'admin', 'office', 'collector'], component: () => import('./views/CollectionRuns.vue') },
  { path: '/linehaul', name: 'linehaul', zh: '干线', en: 'Line-haul', roles: ['warehouse', 'admin', 'office'], component: () => import('./views/Linehaul.vue') },
  { path: '/orders', name: 'orders', zh: '订单', en: 'Orders', roles: ['channel', 'admin', 'office', 'warehouse'], component: () => import('./views/Orders.vue') },
  { path: '/customers', name: 'customers', zh: '顾客', en: 'Customers', roles: ['channel', 'admin', 'office'], component: () => import('./views/Customers.vue') },
  { path: '/fulfil', name: 'fulfil', zh: '发货', en: 'Fulfilment', roles: ['warehouse', 'admin'], component: () => import('./views/Fulfil.vue') },
  { path: '/trace', name: 'trace', zh: '追溯', en: 'Trace', roles: ['collector', 'warehouse', 'channel', 'office', 'admin'], component: () => import('./views/Trace.vue') },
  { path: '/figures', name: 'figures', zh: '数据看板', en: 'Figures', roles: ['office', 'admin'], component: () => import('./views/Figures.vue') },
  { path: '/master', name: 'master', zh: '基础资料', en: 'Master data', roles: ['admin'], component: () => import('./views/MasterData.vue') },
  { path: '/users', name: 'users', zh: '用户', en: 'Users', roles: ['admin'], component: () => import('./views/Users.vue') },
  { path: '/audit', name: 'audit', zh: '审计日志', en: 'Audit log', roles: ['admin'], component: () => import('./views/Audit.vue') },
  { path: '/tokens', name: 'tokens', zh: 'API 令牌', en: 'API tokens', roles: ['admin', 'channel'], component: () => import('./views/Tokens.vue') },
]

// The first screen a role lands on after login.
export function homeFor(role) {
  const s = screens.find((x) => x.roles.includes(role))
  return s ? s.path : '/trace'
}

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/Login.vue'), meta: { public: true } },
    ...screens.map((s) => ({ path: s.path, name: s.name, component: s.component, meta: { roles: s.roles } })),
    { path: '/', name: 'home', component: { render: () => null } },
    { path: '/:any(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (!session.checked) await whoami()
  if (to.meta.public) return true
  if (!session.user) return { path: '/login', query: to.path !== '/' ? { next: to.fullPath } : {} }
  if (to.path === '/' || !to.meta.roles) return homeFor(session.user.role)
  return true
})
