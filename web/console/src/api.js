// The one door to the Shanhai HTTP API (docs/API.md). Every call goes through
// request(): JSON in and out, the session cookie sent by the browser
// (HttpOnly, so never visible here), and the CSRF token from login sent as
// X-CSRF-Token on every write. Errors become ApiError carrying the server's
// {code, message, message_en, field, row, errors}, so views can show them in
// the user's language with the field or row at fault (see errorText()).
import { reactive } from 'vue'
import { lang } from './i18n.js'

export const API = '/api/v1'

// Where the server's HTML pages live (receipts, labels, manifests, pick
// lists, the public trace page). Kept in one place so a route move is a
// one-line change.
export const pages = {
  receipt: (code) => `/print/receipt/${encodeURIComponent(code)}`,
  label: (code) => `/print/label/${encodeURIComponent(code)}`,
  manifest: (code) => `/print/manifest/${encodeURIComponent(code)}`,
  picklist: (wid) => `/print/picklist/${encodeURIComponent(wid)}?after=0`,
  trace: (code) => `/t/${encodeURIComponent(code)}`,
}

const CSRF_KEY = 'shanhai.csrf'

// Who is logged in: {user, csrf}. user is null when logged out.
export const session = reactive({
  user: null,
  csrf: sessionStorage.getItem(CSRF_KEY) || '',
  checked: false,
})

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    super(e.message_en || e.message || `HTTP ${status}`)
    this.status = status
    this.code = e.code || 'http_' + status
    this.zh = e.message || ''
    this.en = e.message_en || ''
    this.field = e.field || ''
    this.row = e.row || 0
    this.errors = Array.isArray(e.errors) ? e.errors : []
  }
}

// One error (or one entry of errors[]) as a line of text in the current
// language: "第 3 行 gross_g：毛重必须大于皮重".
export function problemText(p) {
  const zh = lang.value === 'zh'
  // An ApiError's own .message is the English text (what Error shows in a
  // log); its Chinese one is .zh. An entry of errors[] has message/message_en.
  const msg = (zh ? p.zh || p.message : p.message_en || p.en) || p.message || p.zh || p.en || ''
  const where = []
  if (p.row) where.push(zh ? `第 ${p.row} 行` : `row ${p.row}`)
  if (p.field) where.push(p.field)
  return where.length ? `${where.join(' ')}: ${msg}` : msg
}

// Every line worth showing for an error: the main message, then each entry
// of errors[] (all bad fields or rows) when there are any.
export function errorLines(err) {
  if (!(err instanceof ApiError)) return [String((err && err.message) || err)]
  const lines = [problemText(err)]
  for (const p of err.errors) lines.push(problemText(p))
  return lines
}

export function errorText(err) {
  return errorLines(err).join('\n')
}

function query(params) {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

export function url(path, params) {
  return API + path + query(params)
}

let onUnauthenticated = null
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn
}

// request('POST', '/collections', {body}) → parsed JSON. opts.raw sends a
// Blob/File/string body as is with opts.type; opts.idem adds an
// Idempotency-Key so a retried write over a poor signal is not doubled.
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' }
  let body
  if (opts.raw !== undefined) {
    body = opts.raw
    headers['Content-Type'] = opts.type || 'application/octet-stream'
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['Content-Type'] = 'application/json'
  }
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  if (opts.idem) headers['Idempotency-Key'] = opts.idem
  let res
  try {
    res = await fetch(url(path, opts.params), {
      method,
      headers,
      body,
      credentials: 'same-origin',
    })
  } catch (e) {
    throw new ApiError(0, {
      error: {
        code: 'network',
        message: '网络不通，请稍后重试（数据未保存）',
        message_en: 'network unreachable, try again (nothing was saved)',
      },
    })
  }
  const text = await res.text()
  let data = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch (e) {
      data = null
    }
  }
  if (!res.ok) {
    if (res.status === 401 && onUnauthenticated && path !== '/auth/login') onUnauthenticated()
    throw new ApiError(res.status, data)
  }
  return data
}

export const get = (path, params) => request('GET', path, { params })
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body })
export const put = (path, body) => request('PUT', path, { body })
export const patch = (path, body) => request('PATCH', path, { body })

// A fresh key for Idempotency-Key (one per form submission, kept across retries).
export function newIdemKey() {
  const a = new Uint8Array(12)
  crypto.getRandomValues(a)
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('')
}

export async function login(username, password) {
  const r = await post('/auth/login', { username, password })
  session.user = r.user
  session.csrf = r.csrf_token || ''
  sessionStorage.setItem(CSRF_KEY, session.csrf)
  session.checked = true
  return r.user
}

export async function logout() {
  try {
    await post('/auth/logout', {})
  } catch (e) {
    /* the session may already be gone */
  }
  clearSession()
}

export function clearSession() {
  session.user = null
  session.csrf = ''
  sessionStorage.removeItem(CSRF_KEY)
}

// Ask the server who we are (after a page reload the cookie may still be
// valid; the csrf token survives in sessionStorage).
export async function whoami() {
  try {
    const r = await get('/auth/me')
    session.user = r.user || r
    if (r.csrf_token) {
      session.csrf = r.csrf_token
      sessionStorage.setItem(CSRF_KEY, session.csrf)
    }
  } catch (e) {
    session.user = null
  }
  session.checked = true
  return session.user
}

// Load every page of a list endpoint up to max rows (for selects).
export async function listAll(path, params = {}, max = 1000) {
  const r = await get(path, { ...params, limit: Math.min(max, 1000) })
  return (r && r.items) || []
}
