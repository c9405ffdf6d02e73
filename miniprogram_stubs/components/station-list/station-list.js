// Stations as large, tappable cards: name, type, address and, near me, how far.
/** @param {number | undefined} metres */
function distanceText(metres) {
  if (metres === undefined || metres === null) return '';
  return metres < 1000 ? metres + ' 米' : (metres / 1000).toFixed(1) + ' 公里';
}

Component({
  properties: {
    items: { type: Array, value: [] },
    hasMore: { type: Boolean, value: false },
    loadingMore: { type: Boolean, value: false },
    moreError: { type: String, value: '' },
  },
  data: {
    rows: /** @type {any[]} */ ([]),
  },
  observers: {
    items(items) {
      this.setData({
        rows: (items || []).map((/** @type {any} */ item) =>
          Object.assign({}, item, { distanceText: distanceText(item.distance_m) })
        ),
      });
    },
  },
  methods: {
    /** @param {any} e */
    onOpen(e) {
      this.triggerEvent('open', { id: e.currentTarget.dataset.id });
    },
    onMore() {
      this.triggerEvent('more');
    },
  },
});
