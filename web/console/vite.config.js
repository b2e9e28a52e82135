// Vite build of the Shanhai console. The server serves index.html at `/` and
// every asset under `/assets/` from the bundle embedded in the binary
// (scripts/embed.sh), so base is '/' and all output goes to dist/assets/.
// Element Plus components and their styles are imported on demand by
// unplugin-vue-components / unplugin-auto-import; ECharts is imported
// piecewise in src/charts.js.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
    Components({ resolvers: [ElementPlusResolver()], dts: false }),
  ],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 900,
  },
  server: {
    // `npm run dev` proxies the API to a local `shanhai serve --port 8080`.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/print': 'http://127.0.0.1:8080',
      '/t/': 'http://127.0.0.1:8080',
    },
  },
})
