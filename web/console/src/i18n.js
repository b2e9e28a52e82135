// Language of the console: Chinese first, English on request. Each text is
// written where it is used as a pair, L('集货', 'Collection'), so a screen
// reads as its own dictionary and nothing can go missing from a separate
// file. The choice is kept in localStorage ('shanhai.lang'); Element Plus
// follows it through <el-config-provider> in App.vue.
import { ref } from 'vue'

const KEY = 'shanhai.lang'
const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null

export const lang = ref(stored === 'en' ? 'en' : 'zh')

export function setLang(l) {
  lang.value = l === 'en' ? 'en' : 'zh'
  localStorage.setItem(KEY, lang.value)
  document.documentElement.lang = lang.value === 'zh' ? 'zh-CN' : 'en'
}

// The text in the current language (reactive when used in templates).
export function L(zh, en) {
  return lang.value === 'en' ? en : zh
}

// A server object's name in the current language: name_en when English is
// chosen and the object has one.
export function nameOf(o) {
  if (!o) return ''
  return (lang.value === 'en' && o.name_en) || o.name || o.code || ''
}
