/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

import 'vue-router'
import type { Role } from '@/api/types'

declare module 'vue-router' {
  interface RouteMeta {
    /** Open without signing in. */
    public?: boolean
    /** Roles that may open the route; none = any signed-in user. */
    roles?: readonly Role[]
    /** i18n key of the page title. */
    title?: string
    /** Views sharing a key are not re-mounted when moving between their routes. */
    viewKey?: string
  }
}
