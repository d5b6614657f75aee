import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// The Go API (karso api | all) listens on 127.0.0.1:8080 by default; the dev server
// forwards everything that is not the app itself there, cookies included.
const backend = process.env.KARSO_URL || 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_DEVTOOLS__: false,
  },
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/pay': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    // The build empties dist/; public/.gitkeep is copied back so that web/dist/.gitkeep
    // (which go:embed needs in a fresh clone) survives every build.
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Element Plus (loaded at start-up, fully registered in main.ts) in a chunk of its own,
        // so the app's own start-up code stays a chunk of its own size, cached apart.
        codeSplitting: {
          groups: [{ name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus)[\\/]/ }],
        },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
