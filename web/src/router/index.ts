import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { ROUTE_ROLES, homeFor, safeNext } from '@/lib/access'
import { useAuth } from '@/stores/auth'
import { i18n } from '@/i18n'
import AppLayout from '@/layouts/AppLayout.vue'
import LoginView from '@/views/common/LoginView.vue'
import ForbiddenView from '@/views/common/ForbiddenView.vue'

const r = (
  path: string,
  name: keyof typeof ROUTE_ROLES,
  component: RouteRecordRaw['component'],
  title: string,
  extra: Record<string, unknown> = {},
): RouteRecordRaw => ({
  path,
  name,
  component: component!,
  meta: { roles: ROUTE_ROLES[name], title, ...extra },
})

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'login.title' } },
  {
    path: '/forgot-password',
    name: 'forgot-password',
    component: () => import('@/views/common/ForgotPasswordView.vue'),
    meta: { public: true, title: 'reset.forgotTitle' },
  },
  {
    // the link of the reset mail: PUBLIC_URL/reset-password?token=…
    path: '/reset-password',
    name: 'reset-password',
    component: () => import('@/views/common/ResetPasswordView.vue'),
    meta: { public: true, title: 'reset.title' },
  },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'home', component: () => import('@/views/common/NotFoundView.vue') },
      r('dashboard', 'dashboard', () => import('@/views/dealer/DashboardView.vue'), 'menu.dashboard'),
      r('sales', 'sales', () => import('@/views/common/SalesListView.vue'), 'menu.sales'),
      r('sales/new', 'sale-new', () => import('@/views/dealer/SaleWizardView.vue'), 'menu.newSale', { viewKey: 'wizard' }),
      r('sales/:id/edit', 'sale-edit', () => import('@/views/dealer/SaleWizardView.vue'), 'wizard.title', {
        viewKey: 'wizard',
      }),
      r('sales/:id', 'sale', () => import('@/views/common/SaleView.vue'), 'sale.title'),
      r('approvals', 'approvals', () => import('@/views/manager/ApprovalsView.vue'), 'menu.approvals'),
      r('my-salons', 'manager-salons', () => import('@/views/manager/MySalonsView.vue'), 'menu.mySalons'),
      r('stats', 'stats', () => import('@/views/common/StatsView.vue'), 'menu.stats'),
      r('reports', 'reports', () => import('@/views/common/ReportsView.vue'), 'menu.reports'),
      r('reports/:code', 'report', () => import('@/views/common/ReportView.vue'), 'reports.run'),
      r('finance/payments', 'payments', () => import('@/views/finance/PaymentsView.vue'), 'menu.payments'),
      r('finance/overdue', 'overdue', () => import('@/views/finance/OverdueView.vue'), 'menu.overdue'),
      r('finance/closings', 'closings', () => import('@/views/finance/ClosingsView.vue'), 'menu.closings'),
      r('documents', 'documents', () => import('@/views/common/DocumentsView.vue'), 'menu.documents'),
      r('admin/users', 'admin-users', () => import('@/views/admin/UsersView.vue'), 'menu.users'),
      r('admin/partners', 'admin-partners', () => import('@/views/admin/PartnersView.vue'), 'menu.partners'),
      r('admin/partners/:id', 'admin-partner', () => import('@/views/admin/PartnerEditView.vue'), 'partners.card'),
      r('admin/salons', 'admin-salons', () => import('@/views/admin/SalonsView.vue'), 'menu.salons'),
      r('admin/assignments', 'admin-assignments', () => import('@/views/admin/AssignmentsView.vue'), 'menu.assignments'),
      r('admin/tariffs', 'admin-tariffs', () => import('@/views/admin/TariffsView.vue'), 'menu.tariffs'),
      r('admin/tariffs/:code', 'admin-tariff', () => import('@/views/admin/TariffView.vue'), 'tariffs.card'),
      r('admin/vehicle-makes', 'admin-vehicle-makes', () => import('@/views/admin/VehicleMakesView.vue'), 'menu.vehicleMakes'),
      r('admin/templates', 'admin-templates', () => import('@/views/admin/TemplatesView.vue'), 'menu.templates'),
      r('admin/templates/:code', 'admin-template', () => import('@/views/admin/TemplateView.vue'), 'templates.card'),
      r('admin/audit', 'admin-audit', () => import('@/views/admin/AuditView.vue'), 'menu.audit'),
      r('admin/api-keys', 'admin-api-keys', () => import('@/views/admin/APIKeysView.vue'), 'menu.apiKeys'),
      r('admin/stuck-sales', 'admin-stuck-sales', () => import('@/views/admin/StuckSalesView.vue'), 'menu.stuckSales'),
      r('news', 'news', () => import('@/views/news/NewsListView.vue'), 'menu.news'),
      r('news/manage', 'news-manage', () => import('@/views/news/NewsManageView.vue'), 'menu.newsManage'),
      r('news/:id(\\d+)', 'news-item', () => import('@/views/news/NewsView.vue'), 'menu.news'),
      r('admin/mail', 'admin-mail', () => import('@/views/admin/MailView.vue'), 'menu.mail'),
      r('profile', 'profile', () => import('@/views/common/ProfileView.vue'), 'menu.profile'),
      r('notifications', 'notifications', () => import('@/views/common/NotificationsView.vue'), 'notices.title'),
      {
        path: 'forbidden',
        name: 'forbidden',
        component: ForbiddenView,
        meta: { title: 'errors.forbiddenTitle' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/common/NotFoundView.vue'),
        meta: { title: 'errors.notFoundTitle' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

router.beforeEach(async (to) => {
  const auth = useAuth()
  await auth.init()
  if (to.meta.public) {
    if (to.name === 'login' && auth.user) return safeNext(to.query.next) ?? homeFor(auth.role)
    return true
  }
  if (!auth.user) {
    return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  }
  if (to.name === 'home') return homeFor(auth.role)
  // A role without access stays on the URL and sees "Нет доступа" (the layout checks meta.roles).
  return true
})

router.afterEach((to) => {
  const key = to.meta.title
  const title = key ? i18n.global.t(key) : ''
  document.title = title ? `${title} · Karso PRM` : 'Karso PRM'
})
