// Entry point of the Shanhai console: creates the Vue app with the router
// (hash history, since the server serves one index.html at `/`) and mounts
// App.vue. Element Plus components are imported on demand by the build.
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import './style.css'
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'

createApp(App).use(router).mount('#app')
