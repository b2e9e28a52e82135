// Names of the coded values the API returns (roles, statuses, kinds) in the
// current language, so every screen shows the same words for the same thing.
import { L } from './i18n.js'

const words = {
  role: {
    admin: ['管理员', 'admin'], collector: ['收购员', 'collector'], warehouse: ['仓库', 'warehouse'],
    channel: ['渠道经理', 'channel manager'], office: ['协作办', 'office'], machine: ['接口', 'machine'],
  },
  status: {
    active: ['在库', 'active'], consumed: ['已耗用', 'consumed'], void: ['作废', 'void'],
    sent: ['在途', 'sent'], received: ['已收货', 'received'], loading: ['装车中', 'loading'],
    dispatched: ['已发车', 'dispatched'], allocated: ['已分配', 'allocated'], backorder: ['缺货待配', 'backorder'],
    picking: ['拣货中', 'picking'], picked: ['已拣货', 'picked'], packed: ['已打包', 'packed'],
    shipped: ['已发货', 'shipped'], delivered: ['已签收', 'delivered'], cancelled: ['已取消', 'cancelled'],
    returned: ['已退货', 'returned'], partial: ['部分完成', 'partial'], ok: ['平衡', 'balanced'],
    open: ['未结', 'open'], mismatch: ['不平衡', 'mismatch'], reserved: ['已预留', 'reserved'], released: ['已释放', 'released'],
  },
  route: { sales_warehouse: ['销地仓发货', 'from sales warehouse'], origin_parcel: ['产地直发', 'direct from origin'] },
  loc: { point: ['收购点', 'point'], warehouse: ['仓库', 'warehouse'], transit: ['在途', 'in transit'] },
  adj: {
    stocktake: ['盘点', 'stocktake'], spoilage: ['腐损', 'spoilage'], expiry: ['过期', 'expiry'],
    damage: ['破损', 'damage'], found: ['盘盈', 'found'],
  },
  method: { cash: ['现金', 'cash'], bank: ['银行转账', 'bank transfer'] },
  kind: {
    collection: ['交售', 'delivery'], payment: ['付款', 'payment'], source: ['原料批', 'source lot'], packed: ['成品批', 'packed lot'],
    origin: ['产地仓', 'origin'], sales: ['销地仓', 'sales'],
    cancel: ['取消退款', 'cancellation'], refund: ['退款', 'refund'], return: ['退货', 'return'],
  },
}

function word(table, v) {
  const w = words[table][v]
  return w ? L(w[0], w[1]) : v || '—'
}

export const roleName = (v) => word('role', v)
export const statusName = (v) => word('status', v)
export const routeName = (v) => word('route', v)
export const locName = (v) => word('loc', v)
export const adjName = (v) => word('adj', v)
export const methodName = (v) => word('method', v)
export const kindName = (v) => word('kind', v)
export const roles = Object.keys(words.role)
export const adjKinds = Object.keys(words.adj)
