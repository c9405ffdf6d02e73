// Opening a notice marks it read; a reply slip is answered here until its deadline.
const { request } = require('../../utils/api');

Page({
  data: { notice: null },

  onLoad({ id }) {
    request('GET', `/notices/feed/${id}`).then((notice) => this.setData({ notice }));
  },

  reply(e) {
    const { option, reason } = e.detail.value;
    request('PUT', `/notices/feed/${this.data.notice.id}/reply`, { option, reason }).then((notice) =>
      this.setData({ notice })
    );
  },
});
