// Loading, empty and error states, the same on every screen; the error offers a retry.
Component({
  properties: {
    status: { type: String, value: 'loading' },
    emptyText: { type: String, value: '暂无内容' },
    errorMessage: { type: String, value: '' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
