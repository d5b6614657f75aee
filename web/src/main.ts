import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { router } from './router'
import { i18n, currentLocale, setLocale } from './i18n'
import { configureApi } from './api'
import { useAuth } from './stores/auth'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(ElementPlus)
app.use(router)

setLocale(currentLocale(), false)

configureApi({
  getLocale: currentLocale,
  // The session ended (expired, revoked, deactivated): back to login, remembering the page.
  onUnauthorized: () => {
    const auth = useAuth(pinia)
    auth.forget()
    const cur = router.currentRoute.value
    if (cur.name !== 'login') {
      void router.push({ name: 'login', query: cur.fullPath !== '/' ? { next: cur.fullPath } : {} })
    }
  },
})

app.mount('#app')
